/**
 * Canvas content in the replica. The customer's side records canvases with rrweb's sampled mode: the
 * snapshot carries each canvas as an image (`rr_dataURL`), then, a few times a second, each canvas
 * whose pixels changed is sent as an encoded image (a `clearRect` and a `drawImage` of it). The
 * replica runs no scripts, and a canvas in a document without scripts shows its fallback content,
 * never its bitmap (rrweb's own canvas replay needs `allow-scripts`). So the replica's canvas shows
 * the latest image as its CSS background instead: same box, same pixels, no script.
 */
import type { canvasMutationData, serializedNodeWithId } from '@rrweb/types';

interface SerializedArg {
  rr_type?: string;
  args?: SerializedArg[];
  data?: SerializedArg[];
  base64?: string;
  type?: string;
}

/** The image of one sampled frame (a Blob), or undefined when the mutation is not one. */
export function frameImage(data: canvasMutationData): Blob | undefined {
  const commands = 'commands' in data ? data.commands : [data];
  const draw = commands.find((command) => command.property === 'drawImage');
  const bitmap = draw?.args[0] as SerializedArg | undefined;
  const blob = bitmap?.rr_type === 'ImageBitmap' ? bitmap.args?.[0] : undefined;
  const buffer = blob?.rr_type === 'Blob' ? blob.data?.[0] : undefined;
  if (!blob || buffer?.rr_type !== 'ArrayBuffer' || typeof buffer.base64 !== 'string') return undefined;
  return new Blob([fromBase64(buffer.base64)], { type: blob.type ?? 'image/webp' });
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The latest image of every recorded canvas, shown on the replica's canvases. */
export class CanvasImages {
  /** Node id -> URL of its latest image (a data: URL from the snapshot or a blob: URL of a frame). */
  readonly #images = new Map<number, string>();

  /** A full snapshot: forgets the previous page's images and takes the snapshot's. */
  snapshot(root: serializedNodeWithId): void {
    this.dispose();
    const visit = (node: serializedNodeWithId): void => {
      if (node.type === 2) {
        const dataUrl = node.tagName === 'canvas' ? node.attributes.rr_dataURL : undefined;
        if (typeof dataUrl === 'string') this.#images.set(node.id, dataUrl);
      }
      if ('childNodes' in node) for (const child of node.childNodes) visit(child);
    };
    visit(root);
  }

  /** A sampled frame of canvas `id`. */
  frame(id: number, data: canvasMutationData): void {
    const image = frameImage(data);
    if (!image) return;
    this.#revoke(id);
    this.#images.set(id, URL.createObjectURL(image));
  }

  /**
   * Puts each image on its canvas (again: a style change from the page replaces inline styles), and
   * gives every canvas of `doc` its box: as fallback content a canvas is an empty inline element,
   * which ignores its `width` and `height` attributes.
   */
  show(nodeById: (id: number) => Node | null, doc?: Document): void {
    for (const canvas of doc?.querySelectorAll('canvas') ?? []) this.#size(canvas);
    for (const [id, url] of this.#images) {
      const canvas = nodeById(id) as HTMLCanvasElement | null;
      if (canvas?.localName !== 'canvas') continue;
      const value = `url("${url}")`;
      if (canvas.style.getPropertyValue('background-image') === value) continue;
      canvas.style.setProperty('background-image', value);
      canvas.style.setProperty('background-size', '100% 100%');
      canvas.style.setProperty('background-repeat', 'no-repeat');
    }
  }

  #size(canvas: HTMLCanvasElement): void {
    const view = canvas.ownerDocument.defaultView;
    if (!view || canvas.dataset.cckSized !== undefined) return;
    if (view.getComputedStyle(canvas).display === 'inline') canvas.style.setProperty('display', 'inline-block');
    // Only what the page's CSS does not size already (a chart at 100% keeps its CSS width); borders do not count.
    if (canvas.clientWidth === 0) canvas.style.setProperty('width', `${canvas.width}px`);
    if (canvas.clientHeight === 0) canvas.style.setProperty('height', `${canvas.height}px`);
    canvas.setAttribute('data-cck-sized', '');
  }

  dispose(): void {
    for (const id of this.#images.keys()) this.#revoke(id);
    this.#images.clear();
  }

  #revoke(id: number): void {
    const url = this.#images.get(id);
    if (url?.startsWith('blob:')) URL.revokeObjectURL(url);
  }
}
