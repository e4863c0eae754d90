/**
 * Applies the privacy rules to rrweb's events before they leave the customer's browser. Every
 * serialized node is looked up by its id in the recorder's mirror and judged by *that node's* place
 * in the composed tree (`PrivacyRules`), never by what its text looks like, so nothing the agent
 * types or the page shows can make a masked value come out, or a shown one go in.
 *
 * What cannot be looked up (a node already gone from the page) is treated as masked: fail closed.
 */
import { EventType, IncrementalSource, NodeType, type eventWithTime, type serializedNodeWithId } from '@rrweb/types';
import { CLOSED, OPEN, composedParent, maskedValue, type NodePrivacy, type PrivacyRules } from './privacy.js';

/** The recorder's node ids (rrweb's record mirror). */
export interface NodeLookup {
  getNode(id: number): Node | null;
}

type Attributes = Record<string, unknown>;

/** Sanitizes one batch of the recording of `root` in place; returns the events to send (some may be left out). */
export function sanitizeEvents(events: eventWithTime[], nodes: NodeLookup, rules: PrivacyRules, root: Document): eventWithTime[] {
  const sanitizer = new BatchSanitizer(nodes, rules, root);
  return events.filter((event) => sanitizer.event(event));
}

class BatchSanitizer {
  readonly #nodes: NodeLookup;
  readonly #rules: PrivacyRules;
  readonly #root: Document;
  /** Contexts computed in this batch (the DOM does not change while a batch is sanitized). */
  readonly #cache = new Map<Node, NodePrivacy>();

  constructor(nodes: NodeLookup, rules: PrivacyRules, root: Document) {
    this.#nodes = nodes;
    this.#rules = rules;
    this.#root = root;
  }

  /** False: leave the event out. */
  event(event: eventWithTime): boolean {
    switch (event.type) {
      case EventType.Meta:
        event.data.href = this.#rules.url(event.data.href);
        return true;
      case EventType.FullSnapshot: {
        return this.#node(event.data.node, this.#parentContext(event.data.node.id, OPEN));
      }
      case EventType.IncrementalSnapshot:
        return this.#incremental(event.data);
      default:
        return true;
    }
  }

  #incremental(data: Extract<eventWithTime, { type: EventType.IncrementalSnapshot }>['data']): boolean {
    if (data.source === IncrementalSource.Mutation) {
      data.adds = data.adds.filter((add) => this.#node(add.node, this.#parentContext(add.node.id, CLOSED)));
      data.texts = data.texts.filter((change) => {
        const context = this.#lookup(change.id);
        if (context.blocked) return false;
        if (change.value !== null) change.value = this.#rules.text(context, change.value);
        return true;
      });
      data.attributes = data.attributes.filter((change) => {
        const context = this.#lookup(change.id);
        if (context.blocked) return false;
        this.#attributes(context, change.attributes);
        return true;
      });
      return true;
    }
    if (data.source === IncrementalSource.Input) {
      const context = this.#lookup(data.id);
      if (context.blocked) return false;
      if (context.maskedField || context.maskAttributes) {
        data.text = maskedValue(data.text);
        data.isChecked = false;
      }
      return true;
    }
    if (data.source === IncrementalSource.AdoptedStyleSheet) {
      // The SDK's own elements are removed from the recording: their shadow roots' styles (8 KiB) are of no use.
      const host = this.#nodes.getNode(data.id);
      return !(host && host.nodeType === 1 && this.#rules.isOwnElement(host as Element));
    }
    if (data.source === IncrementalSource.MouseInteraction) {
      // Focus and blur (the replica's focus styles) of what the agent can see only.
      return !this.#lookup(data.id).blocked && this.#nodes.getNode(data.id) !== null;
    }
    if (data.source === IncrementalSource.CanvasMutation) {
      // A frame of a canvas goes only from where nothing is masked (masked canvases are removed, see privacy.ts).
      const context = this.#lookup(data.id);
      return !(context.blocked || context.maskText || context.maskAttributes);
    }
    return true;
  }

  /** Sanitizes a serialized node and its children given its parent's context; false: leave it out. */
  #node(serialized: serializedNodeWithId, parent: NodePrivacy): boolean {
    if (parent.blocked) return false;
    const real = this.#nodes.getNode(serialized.id);
    const context = real ? this.#rules.nodeContext(parent, real, this.#cache, this.#root) : CLOSED;
    if (real) this.#cache.set(real, context);
    switch (serialized.type) {
      case NodeType.Element:
        if (context.blocked) {
          // A removed element keeps only its box (rrweb already did this, unless the rule applies
          // through a shadow root or a frame it does not look across).
          serialized.attributes = boxOnly(serialized.attributes, real) as typeof serialized.attributes;
          serialized.childNodes = [];
          return true;
        }
        this.#attributes(context, serialized.attributes);
        serialized.childNodes = serialized.childNodes.filter((child) => this.#node(child, context));
        return true;
      case NodeType.Document:
        serialized.childNodes = serialized.childNodes.filter((child) => this.#node(child, context));
        return true;
      case NodeType.Text:
        if (!serialized.isStyle) serialized.textContent = this.#rules.text(context, serialized.textContent);
        return true;
      case NodeType.CDATA:
      case NodeType.Comment:
        serialized.textContent = this.#rules.text(context, serialized.textContent);
        return true;
      default:
        return true;
    }
  }

  #attributes(context: NodePrivacy, attributes: Attributes): void {
    for (const name of Object.keys(attributes)) {
      const value = this.#rules.attribute(context, name, attributes[name]);
      if (value === undefined) delete attributes[name];
      else attributes[name] = value;
    }
  }

  #lookup(id: number): NodePrivacy {
    const node = this.#nodes.getNode(id);
    return node ? this.#context(node) : CLOSED;
  }

  #context(node: Node): NodePrivacy {
    return this.#rules.contextOf(node, this.#cache, this.#root);
  }

  /** The context of the composed parent of the node `id`; `orphan` when it has none (the recording's root). */
  #parentContext(id: number, orphan: NodePrivacy): NodePrivacy {
    const node = this.#nodes.getNode(id);
    if (!node) return CLOSED;
    const parent = node === this.#root ? null : composedParent(node);
    return parent ? this.#context(parent) : orphan;
  }
}

function boxOnly(attributes: Attributes, real: Node | null): Attributes {
  if (typeof attributes.rr_width === 'string' && typeof attributes.rr_height === 'string') {
    return { rr_width: attributes.rr_width, rr_height: attributes.rr_height };
  }
  const box = real && real.nodeType === 1 ? (real as Element).getBoundingClientRect() : { width: 0, height: 0 };
  return { rr_width: `${box.width}px`, rr_height: `${box.height}px` };
}
