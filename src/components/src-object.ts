/**
 * `<video ${srcObject(stream)}>`: assigns `srcObject` only when the stream really changes. A plain
 * `.srcObject=${stream}` binding re-assigns an object value on every render (Lit cannot tell an
 * unchanged object from a mutated one), and every assignment restarts the media element's load:
 * with a once-a-second timer re-render, video would never get past its first frames.
 */
import { noChange, nothing } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

class SrcObjectDirective extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('srcObject() goes on a media element');
  }

  render(_stream: MediaStream | null) {
    return nothing;
  }

  override update(part: ElementPart, [stream]: [MediaStream | null]) {
    const media = part.element as HTMLMediaElement;
    if (media.srcObject !== stream) media.srcObject = stream;
    return noChange;
  }
}

export const srcObject = directive(SrcObjectDirective);
