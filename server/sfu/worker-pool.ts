/**
 * The SFU's media worker processes, one per core by default. A conversation's router goes to the
 * worker carrying the fewest routers. A worker that dies is replaced; its routers are gone with it,
 * which their rooms learn from the router's `workerclose` event.
 */
import type { types } from 'mediasoup';
import type { ServerLog } from '../config.js';
import type { MediasoupModule } from './load-mediasoup.js';
import type { SfuOptions } from './sfu-options.js';

export class WorkerPool {
  readonly #mediasoup: MediasoupModule;
  readonly #options: SfuOptions;
  readonly #log: ServerLog;
  readonly #workers: types.Worker[] = [];
  readonly #routers = new Map<types.Worker, number>();
  #closed = false;

  private constructor(mediasoup: MediasoupModule, options: SfuOptions, log: ServerLog) {
    this.#mediasoup = mediasoup;
    this.#options = options;
    this.#log = log;
  }

  static async start(mediasoup: MediasoupModule, options: SfuOptions, log: ServerLog): Promise<WorkerPool> {
    const pool = new WorkerPool(mediasoup, options, log);
    try {
      for (let slot = 0; slot < options.workers; slot += 1) pool.#workers.push(await pool.#spawn(slot));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get workers(): readonly types.Worker[] {
    return this.#workers;
  }

  /** A router on the least busy worker. */
  async createRouter(mediaCodecs: types.RouterRtpCodecCapability[]): Promise<types.Router> {
    if (this.#closed) throw new Error('the SFU is closed');
    const worker = this.#workers.reduce((best, candidate) => ((this.#routers.get(candidate) ?? 0) < (this.#routers.get(best) ?? 0) ? candidate : best));
    const router = await worker.createRouter({ mediaCodecs });
    this.#routers.set(worker, (this.#routers.get(worker) ?? 0) + 1);
    router.observer.once('close', () => this.#routers.set(worker, Math.max(0, (this.#routers.get(worker) ?? 1) - 1)));
    return router;
  }

  /** CPU time the workers used so far, in milliseconds (user + system). */
  async cpuTimeMs(): Promise<number> {
    const usages = await Promise.all(this.#workers.map((worker) => worker.getResourceUsage()));
    return usages.reduce((sum, usage) => sum + usage.ru_utime + usage.ru_stime, 0);
  }

  /** Stops every worker process (their routers and transports close with them). */
  close(): void {
    this.#closed = true;
    for (const worker of this.#workers) worker.close();
    this.#workers.length = 0;
    this.#routers.clear();
  }

  async #spawn(slot: number): Promise<types.Worker> {
    const { portRange, workerBin } = this.#options;
    const worker = await this.#mediasoup.createWorker({
      logLevel: 'warn',
      ...(workerBin ? { workerBin } : {}),
      ...(portRange ? { rtcMinPort: portRange.min, rtcMaxPort: portRange.max } : {}),
    });
    worker.on('died', (error) => {
      this.#routers.delete(worker);
      if (this.#closed) return;
      this.#log('sfu-worker-died', { pid: worker.pid, message: error.message });
      this.#spawn(slot).then(
        (replacement) => {
          if (this.#closed) replacement.close();
          else this.#workers[slot] = replacement;
        },
        (spawnError: unknown) => this.#log('internal-error', { message: `SFU worker could not be replaced: ${String(spawnError)}` }),
      );
    });
    this.#routers.set(worker, 0);
    this.#log('sfu-worker', { pid: worker.pid, slot });
    return worker;
  }
}
