/**
 * Remote control and pointing in co-browse.
 *
 * Agent side (`AgentTools`): a transparent layer over the replica catches the agent's pointer. With
 * the laser on, pointer moves become `ve-laser` positions (the replica node under the pointer and the
 * point within its box, plus viewport fractions as a fallback). With control on, a click becomes a
 * `click` on the replica node under the pointer; clicking a field opens an editor over it whose
 * input becomes `input` (or `select`) actions; the wheel becomes `scroll` actions. Every action names
 * the node by its rrweb id in the recording (`epoch`) the agent sees.
 *
 * The same tools work from the keyboard, on the focused view (the element the replica was attached
 * to): the arrow keys move a pointer (Shift: in bigger steps), which is the laser when it is on;
 * with control on, Enter or Space clicks where it points and Page Up / Page Down scroll there.
 *
 * Customer side (`applyControl`): finds that very node through the recorder's mirror and acts on it
 * (never on a guessed point), refusing masked and removed elements (and labels of masked fields),
 * navigations to other origins, file pickers and downloads (`activation-guard.ts`), and actions for
 * another recording (a page the customer already left).
 */
import type { PayloadOf } from '../../signaling/protocol.js';
import type { CobrowseMirror, MirrorPoint } from './mirror.js';
import { LaserTrail } from './laser.js';
import { PrivacyRules } from './privacy.js';
import { clickPath, guardClicks, judgeActivation, type ActivationPolicy } from './activation-guard.js';

export type ControlAction = PayloadOf<'ve-control'>['action'];
export type ControlCommand = Omit<PayloadOf<'ve-control'>, 'sessionId' | 'seq'>;
export type ControlRefusal = NonNullable<PayloadOf<'ve-control-result'>['reason']>;
export type ControlOutcome = { ok: true } | { ok: false; reason: ControlRefusal };
export type LaserPosition = Omit<PayloadOf<'ve-laser'>, 'sessionId'>;

export interface AgentToolsOptions {
  mirror: CobrowseMirror;
  /** The laser moved (or left the view: `visible: false`). Called at most once per animation frame. */
  onLaser(position: LaserPosition): void;
  onControl(command: ControlCommand): void;
  /** The agent tried to act on something the customer's privacy rules protect. */
  onRefused(reason: ControlRefusal): void;
}

const EDITABLE_INPUT_TYPES = new Set(['', 'text', 'search', 'email', 'url', 'tel', 'number', 'date', 'time', 'datetime-local', 'month', 'week', 'color']);

const TOOL_STYLES = `
.cck-tools { position: absolute; inset: 0; z-index: 3; }
.cck-tools[data-laser="on"] { cursor: crosshair; }
.cck-tools[data-control="on"] { cursor: pointer; }
.cck-tools-editor { position: absolute; z-index: 4; box-sizing: border-box; margin: 0; font: inherit; font-size: 14px;
  border: 2px solid rgb(239 35 60); border-radius: 4px; background: Canvas; color: CanvasText; padding: 2px 6px; }
`;

/** The agent's pointer tools over the replica. */
export class AgentTools {
  readonly #options: AgentToolsOptions;
  readonly #layer: HTMLElement;
  readonly #trail: LaserTrail;
  readonly #style: HTMLStyleElement;
  #laser = false;
  #control = false;
  #editor: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | undefined;
  // An editing host (`contenteditable`) is edited as plain text in a textarea editor.
  #pendingLaser: PointerEvent | undefined;
  #laserFrame: number | undefined;
  #wheel = { dx: 0, dy: 0, point: undefined as MirrorPoint | undefined, frame: undefined as number | undefined };
  /** Where the keyboard points, in the layer's CSS pixels (undefined until the first arrow key). */
  #keyPoint: { x: number; y: number } | undefined;
  readonly #keyTarget: HTMLElement;

  constructor(root: HTMLElement, options: AgentToolsOptions) {
    this.#options = options;
    const doc = root.ownerDocument;
    this.#style = doc.createElement('style');
    this.#style.textContent = TOOL_STYLES;
    this.#layer = doc.createElement('div');
    this.#layer.className = 'cck-tools';
    this.#layer.setAttribute('aria-hidden', 'true');
    this.#trail = new LaserTrail(doc);
    this.#layer.append(this.#trail.canvas);
    root.append(this.#style, this.#layer);
    this.#layer.addEventListener('pointermove', this.#onPointerMove);
    this.#layer.addEventListener('pointerleave', this.#onPointerLeave);
    this.#layer.addEventListener('click', this.#onClick);
    this.#layer.addEventListener('wheel', this.#onWheel, { passive: false });
    this.#keyTarget = root.parentElement ?? root;
    this.#keyTarget.addEventListener('keydown', this.#onKeyDown);
    this.#sync();
  }

  /** The layer that receives the agent's pointer (for tests and hosts that style it). */
  get layer(): HTMLElement {
    return this.#layer;
  }

  setLaser(on: boolean): void {
    this.#laser = on;
    if (!on && !this.#control) this.#keyPoint = undefined;
    if (!on) {
      this.#trail.hide();
      this.#options.onLaser({ visible: false, x: 0, y: 0 });
    }
    this.#sync();
  }

  setControl(on: boolean): void {
    this.#control = on;
    if (!on) this.#closeEditor();
    this.#sync();
  }

  dispose(): void {
    this.#closeEditor();
    if (this.#laserFrame !== undefined) cancelAnimationFrame(this.#laserFrame);
    if (this.#wheel.frame !== undefined) cancelAnimationFrame(this.#wheel.frame);
    this.#trail.dispose();
    this.#keyTarget.removeEventListener('keydown', this.#onKeyDown);
    this.#layer.remove();
    this.#style.remove();
  }

  #sync(): void {
    this.#layer.dataset.laser = this.#laser ? 'on' : 'off';
    this.#layer.dataset.control = this.#control ? 'on' : 'off';
    // Without a tool the layer lets the agent's pointer through (nothing to catch).
    this.#layer.style.pointerEvents = this.#laser || this.#control ? 'auto' : 'none';
  }

  readonly #onPointerMove = (event: PointerEvent): void => {
    if (this.#laser) {
      const box = this.#layer.getBoundingClientRect();
      this.#trail.point(event.clientX - box.left, event.clientY - box.top);
    }
    this.#pendingLaser = event;
    if (this.#laserFrame !== undefined) return;
    this.#laserFrame = requestAnimationFrame(() => {
      this.#laserFrame = undefined;
      const latest = this.#pendingLaser;
      this.#pendingLaser = undefined;
      if (!latest) return;
      const point = this.#options.mirror.pointAt(latest.clientX, latest.clientY);
      // The replica shows what the agent's pointer is over as hovered (menus, buttons' hover styles).
      this.#options.mirror.hover(point?.element);
      if (point && this.#laser) this.#options.onLaser(laserPosition(point));
    });
  };

  readonly #onPointerLeave = (): void => {
    this.#options.mirror.hover(null);
    if (!this.#laser) return;
    this.#trail.hide();
    this.#options.onLaser({ visible: false, x: 0, y: 0 });
  };

  readonly #onClick = (event: MouseEvent): void => {
    if (!this.#control) return;
    event.preventDefault();
    this.#clickAt(event.clientX, event.clientY);
  };

  readonly #onKeyDown = (event: KeyboardEvent): void => {
    // Keys typed into the editor of a field are the editor's.
    if (event.target !== this.#keyTarget || (!this.#laser && !this.#control) || event.altKey || event.ctrlKey || event.metaKey) return;
    const step = event.shiftKey ? 50 : 10;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[event.key];
    const box = this.#layer.getBoundingClientRect();
    if (move) {
      event.preventDefault();
      const from = this.#keyPoint ?? { x: box.width / 2, y: box.height / 2 };
      this.#keyPoint = { x: clampTo(from.x + move[0], box.width), y: clampTo(from.y + move[1], box.height) };
      this.#pointWithKeyboard(box);
      return;
    }
    const point = this.#keyPoint ?? { x: box.width / 2, y: box.height / 2 };
    if (this.#control && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      this.#clickAt(box.left + point.x, box.top + point.y);
    } else if (this.#control && (event.key === 'PageDown' || event.key === 'PageUp')) {
      event.preventDefault();
      const target = this.#options.mirror.pointAt(box.left + point.x, box.top + point.y);
      if (target?.nodeId === undefined) return;
      const dy = Math.round((event.key === 'PageDown' ? 0.8 : -0.8) * (box.height / (this.#options.mirror.scale || 1)));
      this.#options.onControl({ action: 'scroll', epoch: target.epoch, nodeId: target.nodeId, dx: 0, dy: bound(dy) });
    }
  };

  /** Shows the keyboard's pointer and, with the laser on, sends it to the customer. */
  #pointWithKeyboard(box: DOMRect): void {
    const point = this.#keyPoint;
    if (!point) return;
    this.#trail.point(point.x, point.y);
    if (!this.#laser) return;
    const target = this.#options.mirror.pointAt(box.left + point.x, box.top + point.y);
    if (target) this.#options.onLaser(laserPosition(target));
  }

  #clickAt(clientX: number, clientY: number): void {
    const point = this.#options.mirror.pointAt(clientX, clientY);
    if (!point?.element || point.nodeId === undefined) return;
    const element = point.element;
    if (looksProtected(element, this.#options.mirror.frame?.contentDocument ?? undefined)) {
      this.#options.onRefused('private');
      return;
    }
    const field = fieldOf(element);
    if (field) {
      this.#openEditor(field, point);
      return;
    }
    const editable = editingHostOf(element);
    if (editable) {
      const id = this.#options.mirror.nodeIdOf(editable);
      if (id !== undefined) this.#openEditor(editable, { ...point, nodeId: id });
      return;
    }
    this.#closeEditor();
    this.#options.onControl({ action: 'click', epoch: point.epoch, nodeId: point.nodeId });
  }

  readonly #onWheel = (event: WheelEvent): void => {
    if (!this.#control) return;
    event.preventDefault();
    const point = this.#options.mirror.pointAt(event.clientX, event.clientY);
    if (!point || point.nodeId === undefined) return;
    const scale = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1;
    this.#wheel.dx += event.deltaX * scale;
    this.#wheel.dy += event.deltaY * scale;
    this.#wheel.point = point;
    if (this.#wheel.frame !== undefined) return;
    // Scrolls are coalesced to one action per animation frame.
    this.#wheel.frame = requestAnimationFrame(() => {
      const { dx, dy, point: target } = this.#wheel;
      this.#wheel = { dx: 0, dy: 0, point: undefined, frame: undefined };
      if (!target || target.nodeId === undefined || (dx === 0 && dy === 0)) return;
      this.#options.onControl({ action: 'scroll', epoch: target.epoch, nodeId: target.nodeId, dx: bound(dx), dy: bound(dy) });
    });
  };

  #openEditor(field: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | HTMLElement, point: MirrorPoint): void {
    this.#closeEditor();
    const mirror = this.#options.mirror;
    const box = mirror.boxOf(field);
    const nodeId = point.nodeId;
    if (!box || nodeId === undefined) return;
    const doc = this.#layer.ownerDocument;
    const epoch = point.epoch;
    let editor: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (field.tagName === 'SELECT') {
      const select = doc.createElement('select');
      for (const option of (field as HTMLSelectElement).options) {
        const copy = doc.createElement('option');
        copy.value = option.value;
        copy.textContent = option.textContent;
        select.append(copy);
      }
      select.value = (field as HTMLSelectElement).value;
      select.addEventListener('change', () => this.#options.onControl({ action: 'select', epoch, nodeId, value: select.value }));
      editor = select;
    } else {
      const multiline = field.tagName === 'TEXTAREA' || field.isContentEditable;
      const input = multiline ? doc.createElement('textarea') : doc.createElement('input');
      input.value = field.isContentEditable ? (field.textContent ?? '') : (field as HTMLInputElement).value;
      input.addEventListener('input', () => this.#options.onControl({ action: 'input', epoch, nodeId, value: input.value.slice(0, 10_000) }));
      (input as HTMLElement).addEventListener('keydown', (event: KeyboardEvent) => {
        if (event.key === 'Escape' || (event.key === 'Enter' && input.tagName === 'INPUT')) {
          event.preventDefault();
          this.#closeEditor();
        }
      });
      editor = input;
    }
    editor.className = 'cck-tools-editor';
    editor.setAttribute('aria-label', accessibleNameOf(field));
    Object.assign(editor.style, {
      left: `${box.left}px`,
      top: `${box.top}px`,
      width: `${Math.max(80, box.width)}px`,
      height: field.tagName === 'TEXTAREA' || field.isContentEditable ? `${Math.max(40, box.height)}px` : `${Math.max(28, box.height)}px`,
    });
    editor.addEventListener('blur', () => queueMicrotask(() => this.#editor === editor && this.#closeEditor()));
    // The editor sits next to the layer (not in it), so the layer's hidden subtree keeps it reachable.
    this.#layer.after(editor);
    this.#editor = editor;
    editor.focus();
  }

  #closeEditor(): void {
    const editor = this.#editor;
    this.#editor = undefined;
    const focused = editor?.matches(':focus') ?? false;
    editor?.remove();
    // Closed with Enter or Escape: back to the view, never to the page's <body>.
    if (focused) this.#keyTarget.focus({ preventScroll: true });
  }
}

function laserPosition(point: MirrorPoint): LaserPosition {
  const position: LaserPosition = { visible: true, x: point.x, y: point.y };
  if (point.nodeId !== undefined && point.ex !== undefined && point.ey !== undefined) {
    position.target = { epoch: point.epoch, nodeId: point.nodeId, x: point.ex, y: point.ey };
  }
  return position;
}

function clampTo(value: number, max: number): number {
  return Math.min(Math.max(0, value), Math.max(0, max));
}

function bound(delta: number): number {
  return Math.max(-100_000, Math.min(100_000, Math.round(delta)));
}

/** The field the agent clicked, if it is one the agent can type into or choose from. */
function fieldOf(element: Element): HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | undefined {
  const field = element.closest('input, textarea, select, label');
  if (!field) return undefined;
  if (field.tagName === 'LABEL') return undefined;
  if (field.tagName === 'INPUT') {
    const type = (field.getAttribute('type') ?? '').toLowerCase();
    return EDITABLE_INPUT_TYPES.has(type) ? (field as HTMLInputElement) : undefined;
  }
  return field as HTMLTextAreaElement | HTMLSelectElement;
}

/** The editing host (`contenteditable`) the element is in, if any. */
function editingHostOf(element: Element): HTMLElement | undefined {
  // Not `instanceof HTMLElement`: the replica's nodes belong to the replica's realm.
  return (element.closest('[contenteditable]:not([contenteditable="false"])') as HTMLElement | null) ?? undefined;
}

/** The default rules, applied to the replica: what the agent's side can tell is off limits. */
const REPLICA_RULES = new PrivacyRules();

/** What the replica (`root`) shows of the customer's privacy marks (the customer's side decides for real). */
function looksProtected(element: Element, root: Document | undefined): boolean {
  const label = element.closest('label');
  return REPLICA_RULES.isProtected(element, root) || (label?.control ? REPLICA_RULES.isProtected(label.control, root) : false);
}

function accessibleNameOf(field: Element): string {
  const aria = field.getAttribute('aria-label');
  if (aria) return aria;
  const id = field.getAttribute('id');
  const label = id ? field.ownerDocument.querySelector(`label[for="${CSS.escape(id)}"]`) : field.closest('label');
  const text = label?.textContent?.trim();
  return text || field.getAttribute('placeholder') || field.getAttribute('name') || field.tagName.toLowerCase();
}

export interface ApplyEnvironment {
  /** The node the recording knows by this id, if any. */
  node: Node | null;
  privacy: PrivacyRules;
  window: Window;
  /** Following links is allowed (the `navigation` capability). */
  navigation: boolean;
}

/** Customer side: applies one action to the node the agent acted on. */
export function applyControl(command: ControlCommand, environment: ApplyEnvironment): ControlOutcome {
  const { node, privacy, window: win } = environment;
  if (!node) return { ok: false, reason: 'not-found' };
  const element = node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!element || !element.isConnected) return { ok: false, reason: 'not-found' };
  if (privacy.isProtected(element, win.document)) return { ok: false, reason: 'private' };
  switch (command.action) {
    case 'click':
      return click(element, { privacy, window: win, navigation: environment.navigation });
    case 'input':
      return typeInto(element, command.value ?? '', win);
    case 'select':
      return choose(element, command.value ?? '', win);
    case 'scroll':
      return scroll(element, command.dx ?? 0, command.dy ?? 0, win);
    default:
      return { ok: false, reason: 'unsupported' };
  }
}

function click(element: Element, policy: ActivationPolicy): ControlOutcome {
  // Judged before anything is dispatched, so a refused click does not even press or focus.
  const before = judgeActivation(clickPath(element), policy);
  if (!before.ok) return before;
  const win = policy.window;
  const target = element as HTMLElement;
  const box = target.getBoundingClientRect();
  const init: MouseEventInit = {
    bubbles: true,
    cancelable: true,
    composed: true,
    view: win,
    clientX: box.left + box.width / 2,
    clientY: box.top + box.height / 2,
    button: 0,
  };
  const PointerCtor = (win as unknown as { PointerEvent?: typeof PointerEvent }).PointerEvent;
  return guardClicks(policy, element, () => {
    if (PointerCtor) target.dispatchEvent(new PointerCtor('pointerdown', { ...init, pointerType: 'mouse', isPrimary: true }));
    target.dispatchEvent(new MouseEvent('mousedown', init));
    if (typeof target.focus === 'function' && target.localName !== 'label') target.focus({ preventScroll: true });
    if (PointerCtor) target.dispatchEvent(new PointerCtor('pointerup', { ...init, pointerType: 'mouse', isPrimary: true }));
    target.dispatchEvent(new MouseEvent('mouseup', init));
    if (typeof target.click === 'function') target.click();
    else target.dispatchEvent(new MouseEvent('click', init));
  });
}

function typeInto(element: Element, value: string, win: Window): ControlOutcome {
  const field = element as HTMLInputElement | HTMLTextAreaElement;
  if (element.tagName === 'TEXTAREA') {
    setNativeValue(field, value, (win as unknown as typeof globalThis).HTMLTextAreaElement.prototype);
  } else if (element.tagName === 'INPUT' && EDITABLE_INPUT_TYPES.has((element.getAttribute('type') ?? '').toLowerCase())) {
    if ((field as HTMLInputElement).readOnly || (field as HTMLInputElement).disabled) return { ok: false, reason: 'unsupported' };
    setNativeValue(field, value, (win as unknown as typeof globalThis).HTMLInputElement.prototype);
  } else if ((element as HTMLElement).isContentEditable) {
    // Plain text replaces the editing host's content (the agent's editor is a plain textarea).
    let host = element as HTMLElement;
    while (host.parentElement?.isContentEditable) host = host.parentElement;
    host.textContent = value;
    host.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertReplacementText', data: value }));
    return { ok: true };
  } else {
    return { ok: false, reason: 'unsupported' };
  }
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
  return { ok: true };
}

function choose(element: Element, value: string, win: Window): ControlOutcome {
  if (element.tagName !== 'SELECT') return { ok: false, reason: 'unsupported' };
  const select = element as HTMLSelectElement;
  if (select.disabled || ![...select.options].some((option) => option.value === value && !option.disabled)) {
    return { ok: false, reason: 'unsupported' };
  }
  setNativeValue(select, value, (win as unknown as typeof globalThis).HTMLSelectElement.prototype);
  select.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  select.dispatchEvent(new Event('change', { bubbles: true }));
  return { ok: true };
}

function scroll(element: Element, dx: number, dy: number, win: Window): ControlOutcome {
  let current: Element | null = element;
  while (current && current !== win.document.documentElement && current !== win.document.body) {
    const style = win.getComputedStyle(current);
    const canY = dy !== 0 && /(auto|scroll|overlay)/.test(style.overflowY) && current.scrollHeight > current.clientHeight;
    const canX = dx !== 0 && /(auto|scroll|overlay)/.test(style.overflowX) && current.scrollWidth > current.clientWidth;
    if (canX || canY) {
      current.scrollBy({ left: dx, top: dy, behavior: 'instant' as ScrollBehavior });
      return { ok: true };
    }
    current = current.parentElement;
  }
  win.scrollBy({ left: dx, top: dy, behavior: 'instant' as ScrollBehavior });
  return { ok: true };
}

/** Sets a value the way frameworks that track it (React) notice: through the prototype's setter. */
function setNativeValue(element: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string, prototype: object): void {
  const setter = Object.getOwnPropertyDescriptor(prototype, 'value')?.set;
  if (setter) setter.call(element, value);
  else element.value = value;
}
