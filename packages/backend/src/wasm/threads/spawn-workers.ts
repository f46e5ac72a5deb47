/**
 * Starts the thread pool's workers: Node's `worker_threads` (unref'd, so they never keep a process
 * alive), or Web Workers in a cross-origin isolated page (the only pages where SharedArrayBuffer
 * exists). Each gets the modules, the shared memory and the control block, and says when it is ready.
 *
 * In Node one more thread, the watchdog, holds one end of a MessageChannel per worker (the worker
 * holds the other). When a worker's thread ends, however (terminated, `process.exit`, an uncaught
 * error, out of memory), its port closes, and the watchdog, whose event loop never blocks, flags the
 * loss in the control block and wakes the main thread, which may be blocked in `Atomics.wait` on a
 * chunk that worker will never finish (its own event loop, and so the worker's `exit` event, cannot
 * run then). Browsers have no such event: there a worker flags its own uncaught errors.
 */
import { isNode } from '../../environment.js';
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE, WATCHDOG_SOURCE } from './worker-source.js';

/** What a worker is sent: the compiled modules, the shared memory, the control block, the job names. */
export interface WorkerData {
  modules: readonly WebAssembly.Module[];
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  names: readonly string[];
}

/** A started worker. */
export interface PoolWorker {
  /** Resolves once the worker has instantiated the modules; rejects if it failed to. */
  ready: Promise<void>;
  /**
   * Calls `listener` once if the worker stops after it was ready (its `exit` or `error` event on this
   * thread, so between jobs), with how: `'exited with code 1'`, `'threw: ...'`. Not called for the
   * workers' ends that {@link PoolWorkers.terminate} brings (the pool ignores those anyway).
   */
  onLost(listener: (how: string) => void): void;
  /** Stops this worker (the pool then counts it lost). */
  terminate(): Promise<unknown> | undefined;
}

/** The started workers and, in Node, their watchdog. */
export interface PoolWorkers {
  workers: PoolWorker[];
  /** Stops every worker and the watchdog. */
  terminate(): Promise<void>;
}

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  once(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): void;
  on(event: 'error', listener: (value: unknown) => void): void;
}

interface NodeThreads {
  Worker: new (source: string, options: object) => NodeWorker;
  MessageChannel: new () => { port1: object; port2: object };
}

/**
 * `count` workers, or null where none can start here (no worker API, a page not cross-origin
 * isolated). `prelude` (for tests: a fault to inject) runs in each worker before its own code.
 */
export async function spawnWorkers(
  count: number,
  data: WorkerData,
  prelude = '',
): Promise<PoolWorkers | null> {
  if (isNode()) {
    let threads: NodeThreads;
    try {
      const specifier = 'node:worker_threads';
      threads = await import(/* @vite-ignore */ specifier);
    } catch {
      return null;
    }
    // One port a worker, the other end with the watchdog: it closes when the worker's thread ends.
    const channels = Array.from({ length: count }, () => new threads.MessageChannel());
    const watched = channels.map((channel) => channel.port2);
    const watchdog = new threads.Worker(WATCHDOG_SOURCE, {
      eval: true,
      workerData: { control: data.control, ports: watched },
      transferList: watched,
    });
    watchdog.unref();
    watchdog.on('error', () => {}); // without it, only the exit events below see a lost worker
    const workers = channels.map(({ port1 }): PoolWorker => {
      const worker = new threads.Worker(prelude + NODE_WORKER_SOURCE, {
        eval: true,
        workerData: { ...data, watch: port1 },
        transferList: [port1],
      });
      worker.unref();
      let started = false;
      let thrown: string | null = null;
      let lost: ((how: string) => void) | null = null;
      const ready = new Promise<void>((resolve, reject) => {
        worker.once('message', () => {
          started = true;
          resolve();
        });
        worker.on('error', (error) => {
          if (!started) reject(error);
          thrown ??= error instanceof Error ? error.message : String(error);
        });
        worker.once('exit', (code) => {
          if (!started) reject(new Error('a pool worker exited before it was ready'));
          else lost?.(thrown != null ? `threw: ${thrown}` : `exited with code ${String(code)}`);
        });
      });
      return {
        ready,
        onLost: (listener) => {
          lost = listener;
        },
        terminate: () => worker.terminate(),
      };
    });
    return {
      workers,
      terminate: async () => {
        await Promise.all([...workers.map((worker) => worker.terminate()), watchdog.terminate()]);
      },
    };
  }
  const scope = globalThis as { Worker?: new (url: string) => Worker; crossOriginIsolated?: boolean };
  if (typeof scope.Worker !== 'function' || scope.crossOriginIsolated !== true) return null;
  const source = prelude + BROWSER_WORKER_SOURCE;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    const workers = Array.from({ length: count }, (): PoolWorker => {
      const worker = new (scope.Worker as new (url: string) => Worker)(url);
      let started = false;
      let lost: ((how: string) => void) | null = null;
      const ready = new Promise<void>((resolve, reject) => {
        worker.onmessage = () => {
          started = true;
          resolve();
        };
        // A Web Worker has no exit event; an uncaught error (which ends its serving loop) is the
        // only end this thread hears of, and the worker also flags it in the control block.
        worker.onerror = (event) => {
          const message = event.message || 'a pool worker failed';
          if (!started) reject(new Error(message));
          else lost?.(`threw: ${message}`);
        };
      });
      worker.postMessage(data);
      return {
        ready,
        onLost: (listener) => {
          lost = listener;
        },
        terminate: () => {
          worker.terminate();
          return undefined;
        },
      };
    });
    return {
      workers,
      terminate: async () => {
        for (const worker of workers) worker.terminate();
      },
    };
  } finally {
    // The workers have fetched their script once created.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** Whether this thread may block in `Atomics.wait` (a browser's main thread may not). */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
