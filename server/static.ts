/**
 * Static files: each mount maps a URL prefix (`/demo/`) to a directory. A request that resolves
 * outside its mount's directory is refused, whatever encoding it used to try.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

interface Mount {
  prefix: string;
  dir: string;
}

export type StaticHandler = (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<boolean>;

/**
 * Returns a handler that serves `pathname` from the longest matching mount and resolves `true`, or
 * resolves `false` when no mount matches (the caller answers 404).
 */
export function createStaticHandler(mounts: Record<string, string>): StaticHandler {
  const table: Mount[] = Object.entries(mounts)
    .map(([prefix, dir]) => ({ prefix: normalizePrefix(prefix), dir: resolve(dir) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);

  return async (request, response, pathname) => {
    // `/demo` -> `/demo/`, so relative URLs in the index page resolve inside the mount.
    const bare = table.find((mount) => pathname === mount.prefix.slice(0, -1));
    if (bare) {
      redirect(response, bare.prefix);
      return true;
    }
    const mount = table.find((m) => pathname.startsWith(m.prefix));
    if (!mount) return false;

    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(mount.prefix.length));
    } catch {
      sendText(response, 400, 'Bad Request');
      return true;
    }
    if (relative.includes('\0')) {
      sendText(response, 400, 'Bad Request');
      return true;
    }
    let file = resolve(join(mount.dir, relative));
    if (file !== mount.dir && !file.startsWith(mount.dir + sep)) {
      sendText(response, 403, 'Forbidden');
      return true;
    }
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      if (!pathname.endsWith('/')) {
        redirect(response, `${pathname}/`);
        return true;
      }
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) {
      sendText(response, 404, 'Not Found');
      return true;
    }
    response.writeHead(200, {
      'Content-Type': contentTypeOf(file),
      'Content-Length': info.size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (request.method === 'HEAD') {
      response.end();
      return true;
    }
    // pipeline() destroys both ends when either fails (e.g. the client goes away mid-file).
    await pipeline(createReadStream(file), response).catch(() => response.destroy());
    return true;
  };
}

function normalizePrefix(prefix: string): string {
  let normalized = prefix.startsWith('/') ? prefix : `/${prefix}`;
  if (!normalized.endsWith('/')) normalized += '/';
  return normalized;
}

export function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { Location: location, 'Content-Length': 0 });
  response.end();
}

export function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
