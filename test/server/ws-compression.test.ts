/**
 * permessage-deflate on the signaling socket is opt-in (`wsCompression`, `CCK_WS_COMPRESSION=1`): it
 * costs memory on every socket (see `npm run bench`, signaling), so a server negotiates it only when
 * told to, with the small windows of `server/ws-compression.ts`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { resolveOptions } from '../../server/config.js';
import { startServer } from '../../server/server.js';
import { SUITE_TIMEOUT_MS } from './helpers.js';

/** Options that resolve without touching the development secret's cache file. */
const OPTIONS = { mode: 'production', signingSecret: 'ws-compression-test-secret-0123456789abcdef' } as const;

/** The extensions (with their parameters) the server accepted for a client that offers permessage-deflate (ws does by default). */
async function negotiated(wsCompression: boolean | undefined): Promise<string> {
  const server = await startServer({ port: 0, host: '127.0.0.1', mode: 'development', ...(wsCompression === undefined ? {} : { wsCompression }) });
  try {
    const socket = new WebSocket(server.signalingUrl);
    let extensions = '';
    socket.once('upgrade', (response) => (extensions = String(response.headers['sec-websocket-extensions'] ?? '')));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.close();
    await new Promise((resolve) => socket.once('close', resolve));
    return extensions;
  } finally {
    await server.close();
  }
}

describe('signaling WebSocket compression', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('is off unless CCK_WS_COMPRESSION=1', () => {
    assert.equal(resolveOptions(OPTIONS, {}).wsCompression, false);
    assert.equal(resolveOptions(OPTIONS, { CCK_WS_COMPRESSION: '1' }).wsCompression, true);
    assert.equal(resolveOptions({ ...OPTIONS, wsCompression: false }, { CCK_WS_COMPRESSION: '1' }).wsCompression, false, 'the option wins');
  });

  it('negotiates nothing by default', async () => {
    assert.equal(await negotiated(undefined), '');
  });

  it('negotiates permessage-deflate with 2 KiB windows when on', async () => {
    const extensions = await negotiated(true);
    assert.match(extensions, /^permessage-deflate/);
    assert.match(extensions, /server_max_window_bits=11/);
    assert.match(extensions, /client_max_window_bits=11/);
  });
});
