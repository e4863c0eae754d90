/**
 * Paginated lists of the REST API: `?limit=` (default 100, at most 500) and `?after=<cursor>`, the
 * `next` of the previous page; the answer's `next` is null on the last page. Cursors are opaque to
 * clients (a creation sequence number for conversations, an offset for the queue and agents).
 */
import { HttpError } from './json.js';

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface PageRequest {
  limit: number;
  /** The cursor a previous page answered as `next`. */
  after?: string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

export function pageRequest(query: URLSearchParams): PageRequest {
  const limitText = query.get('limit');
  const after = query.get('after');
  const limit = limitText === null ? DEFAULT_PAGE_SIZE : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new HttpError(400, 'bad-request', `limit must be an integer 1-${MAX_PAGE_SIZE}`);
  if (after !== null && !/^\d{1,15}$/.test(after)) throw new HttpError(400, 'bad-request', 'after must be the next cursor of a previous page');
  return after === null ? { limit } : { limit, after };
}

/** A page of an array, the cursor being the offset of the next item. */
export function offsetPage<T>(items: readonly T[], request: PageRequest): Page<T> {
  const start = request.after === undefined ? 0 : Number(request.after);
  const end = start + request.limit;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : null };
}
