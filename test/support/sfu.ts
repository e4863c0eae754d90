/**
 * Whether the SFU tests can run here: they need Node 22, the optional `mediasoup` package and its
 * worker binary (`MEDIASOUP_WORKER_BIN`, or the one mediasoup's install downloaded). On a developer
 * machine without them the SFU tests skip with a message saying how to get them; in CI (`CI` or
 * `CCK_REQUIRE_SFU`, which `.ci/run` sets) they fail instead.
 */
import { SfuUnavailableError, checkWorkerBinary, loadMediasoup, type MediasoupModule } from '../../server/sfu/load-mediasoup.js';

/** Why the SFU tests cannot run here, or undefined when they can. Throws when they must run (CI). */
export async function sfuUnavailableReason(): Promise<string | undefined> {
  try {
    await loadSfuForTests();
    return undefined;
  } catch (error) {
    if (!(error instanceof SfuUnavailableError)) throw error;
    if (process.env.CI || process.env.CCK_REQUIRE_SFU) throw new Error(`${error.message}; CI requires the SFU tests (.ci/run provides Node 22 and the worker)`, { cause: error });
    return error.message;
  }
}

export async function loadSfuForTests(): Promise<MediasoupModule> {
  const mediasoup = await loadMediasoup();
  checkWorkerBinary(mediasoup.workerBin);
  return mediasoup;
}
