// The plain-rrweb baseline's customer side, shared by the bench's pages: rrweb `record()` with its
// defaults, every event `JSON.stringify`'d as one WebSocket text frame to the bench's bare relay.
import { record } from '/bench-lib/rrweb.js';

export const now = () => performance.timeOrigin + performance.now();

/** Connects to the relay named in the query; `start()` (the "accept") begins recording. */
export async function setUpRrwebCustomer() {
  const params = new URLSearchParams(location.search);
  const sentFrames = [];
  const socket = new WebSocket(`${params.get('relay')}/?c=${encodeURIComponent(params.get('conversation'))}`);
  await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  window.harness = {
    now,
    sentFrames,
    start() {
      const at = now();
      record({
        emit(event) {
          const text = JSON.stringify(event);
          sentFrames.push(text);
          socket.send(text);
        },
      });
      return at;
    },
  };
  window.harnessReady = true;
  return window.harness;
}
