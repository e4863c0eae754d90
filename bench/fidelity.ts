/**
 * Fidelity: how much of the agent's replica differs from the customer's page, as the share of pixels
 * pixelmatch (default threshold 0.1, anti-aliasing ignored) finds different between two screenshots
 * of the same size. Excluded rectangles (the customer's own launcher and its session bar, which are
 * never mirrored) are copied from one image to the other and left out of the count.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PixelDiff {
  /** Different pixels / compared pixels, in percent. */
  percent: number;
  differentPixels: number;
  comparedPixels: number;
  /** Where the diff image was written (red = different), when asked to. */
  diffFile?: string;
}

export function pixelDiff(customerPng: Buffer, replicaPng: Buffer, exclude: Rect[] = [], diffFile?: string): PixelDiff {
  const customer = PNG.sync.read(customerPng);
  const replica = PNG.sync.read(replicaPng);
  if (customer.width !== replica.width || customer.height !== replica.height) {
    throw new Error(`screenshots differ in size: customer ${customer.width}x${customer.height}, replica ${replica.width}x${replica.height}`);
  }
  const { width, height } = customer;
  const excludedPixels = new Uint8Array(width * height);
  for (const rect of exclude) {
    if (!(rect.width > 0 && rect.height > 0)) continue;
    const x0 = Math.max(0, Math.floor(rect.x));
    const y0 = Math.max(0, Math.floor(rect.y));
    const x1 = Math.min(width, Math.ceil(rect.x + rect.width));
    const y1 = Math.min(height, Math.ceil(rect.y + rect.height));
    for (let y = y0; y < y1; y += 1) {
      const start = (y * width + x0) * 4;
      customer.data.copy(replica.data, start, start, (y * width + x1) * 4);
      excludedPixels.fill(1, y * width + x0, y * width + x1);
    }
  }
  const excluded = excludedPixels.reduce((sum, value) => sum + value, 0);
  const diff = diffFile ? new PNG({ width, height }) : undefined;
  const differentPixels = pixelmatch(customer.data, replica.data, diff?.data, width, height, { threshold: 0.1 });
  const comparedPixels = width * height - excluded;
  const result: PixelDiff = { percent: (differentPixels / comparedPixels) * 100, differentPixels, comparedPixels };
  if (diff && diffFile) {
    mkdirSync(join(diffFile, '..'), { recursive: true });
    writeFileSync(diffFile, PNG.sync.write(diff));
    result.diffFile = diffFile;
  }
  return result;
}
