/**
 * Starts the thread pool's workers: Node's `worker_threads` (unref'd, so they never keep a process
 * alive), or Web Workers in a cross-origin isolated page (the only pages where SharedArrayBuffer
 * exists). Each gets the modules, the shared memory and the control block, and says when it is ready.
 */
import { isNode } from '../../environment.js';
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE } from './worker-source.js';

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
  terminate(): Promise<unknown> | undefined;
}

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  once(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): void;
}

/** `count` workers, or null where none can start here (no worker API, a page not cross-origin isolated). */
export async function spawnWorkers(count: number, data: WorkerData): Promise<PoolWorker[] | null> {
  if (isNode()) {
    let threads: { Worker: new (source: string, options: object) => NodeWorker };
    try {
      const specifier = 'node:worker_threads';
      threads = await import(/* @vite-ignore */ specifier);
    } catch {
      return null;
    }
    return Array.from({ length: count }, () => {
      const worker = new threads.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
      worker.unref();
      const ready = new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', () => reject(new Error('a pool worker exited before it was ready')));
      });
      return { ready, terminate: () => worker.terminate() };
    });
  }
  const scope = globalThis as { Worker?: new (url: string) => Worker; crossOriginIsolated?: boolean };
  if (typeof scope.Worker !== 'function' || scope.crossOriginIsolated !== true) return null;
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  try {
    return Array.from({ length: count }, () => {
      const worker = new (scope.Worker as new (url: string) => Worker)(url);
      const ready = new Promise<void>((resolve, reject) => {
        worker.onmessage = () => resolve();
        worker.onerror = (event) => reject(new Error(event.message || 'a pool worker failed to start'));
      });
      worker.postMessage(data);
      return {
        ready,
        terminate: () => {
          worker.terminate();
          return undefined;
        },
      };
    });
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
