/**
 * tensorfold's WASM thread pool: `threads - 1` workers and the calling thread share one
 * WebAssembly.Memory (a SharedArrayBuffer) on which they run the same module's kernels, each job cut
 * into chunks that every thread claims until none is left (work stealing: a worker the operating
 * system does not schedule simply claims nothing, and the caller does its share). Each chunk is one
 * call of an exported function, so an output element is computed by the same code in the same order
 * whichever thread claims it: results have the same bits for any number of threads.
 *
 * Synchronisation is `Atomics.wait`/`notify` on a small control block (worker-source.ts), not
 * messages; a browser's main thread, which may not block, spins on the control block instead while
 * the workers finish. Workers (spawn-workers.ts) run in Node, or in cross-origin isolated pages.
 */
import { canBlock, type PoolWorker, spawnWorkers } from './spawn-workers.js';

const WAKE = 0;
const JOB = 1;
const DONE = 2;
const STOP = 3;
const FAILED = 4;
const PARAMS = 8;
/** Chunks per job at most (JOB keeps the next chunk in 8 bits). */
export const MAX_CHUNKS = 255;
/** i32 arguments per call after the chunk index. */
const MAX_ARGS = 12;
const PAGE = 65536;

type ChunkFunction = (chunk: number, ...args: number[]) => void;

/** A running pool: see the module doc. */
export class ThreadPool<T extends object> {
  private seq = 0;
  private readonly fns: ChunkFunction[];
  private closed = false;
  private readonly blocking = canBlock();

  private constructor(
    /** Threads that run jobs, the caller's included. */
    readonly threads: number,
    /** The shared memory the kernels work on. */
    readonly memory: WebAssembly.Memory,
    /** Each module's exports on that memory, for the calling thread. */
    readonly kernels: readonly T[],
    private readonly names: readonly string[],
    private readonly control: Int32Array,
    private readonly workers: PoolWorker[],
  ) {
    this.fns = kernels.flatMap((exports) =>
      names.map((name) => (exports as Record<string, ChunkFunction>)[name]),
    );
  }

  /**
   * Starts `threads - 1` workers running `modules` (each imports `env.memory`, shared, at most
   * `maxPages` pages: for example a module's SIMD and FMA builds) and resolves once each has
   * instantiated them; null where threads cannot run here (no SharedArrayBuffer, no workers,
   * `threads < 2`, or a worker failed to start).
   *
   * @param names The exported functions jobs may call.
   */
  static async start<T extends object>(
    threads: number,
    modules: readonly WebAssembly.Module[],
    maxPages: number,
    names: readonly string[],
  ): Promise<ThreadPool<T> | null> {
    if (threads < 2 || typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined')
      return null;
    let memory: WebAssembly.Memory;
    let kernels: T[];
    try {
      memory = new WebAssembly.Memory({ initial: 1, maximum: maxPages, shared: true });
      kernels = modules.map(
        (module) => new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as T,
      );
    } catch {
      return null; // no shared WebAssembly memory here
    }
    const control = new Int32Array(new SharedArrayBuffer(4 * (PARAMS + 2 * 16)));
    const workers = await spawnWorkers(threads - 1, { modules, memory, control: control.buffer, names });
    if (workers == null) return null;
    try {
      await Promise.all(workers.map((worker) => worker.ready));
    } catch {
      Atomics.store(control, STOP, 1);
      await Promise.all(workers.map((worker) => worker.terminate()));
      return null;
    }
    return new ThreadPool<T>(threads, memory, kernels, names, control, workers);
  }

  /** Grows the shared memory to at least `bytes`; false where its maximum is smaller. */
  reserve(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    try {
      this.memory.grow(Math.ceil((bytes - have) / PAGE));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Runs `name(chunk, ...args)` of module `moduleIndex` for every chunk in `[0, chunks)` on all
   * threads and returns when all are done. `args` are at most 12 i32 values; `chunks` at most
   * {@link MAX_CHUNKS}.
   */
  run(moduleIndex: number, name: string, chunks: number, args: readonly number[]): void {
    if (this.closed) throw new Error('The WASM thread pool was closed.');
    if (chunks > MAX_CHUNKS || args.length > MAX_ARGS) {
      throw new Error(`A pool job takes at most ${MAX_CHUNKS} chunks and ${MAX_ARGS} arguments.`);
    }
    if (chunks <= 0) return;
    const ctl = this.control;
    this.seq = (this.seq + 1) & 0x7fffff;
    const base = PARAMS + 16 * (this.seq & 1);
    ctl[base] = chunks;
    const index = this.names.indexOf(name);
    if (index < 0 || moduleIndex < 0 || moduleIndex >= this.kernels.length) {
      throw new Error(`The pool has no job function ${name} in module ${moduleIndex}.`);
    }
    ctl[base + 1] = moduleIndex * this.names.length + index;
    for (let i = 0; i < args.length; i++) ctl[base + 2 + i] = args[i];
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.store(ctl, JOB, this.seq << 8);
    Atomics.add(ctl, WAKE, 1);
    Atomics.notify(ctl, WAKE);
    let failure: unknown = null;
    try {
      this.claim();
    } catch (error) {
      failure = error; // still wait: the workers may be writing the shared memory
    }
    for (let done = Atomics.load(ctl, DONE); done < chunks; done = Atomics.load(ctl, DONE)) {
      if (this.blocking) Atomics.wait(ctl, DONE, done);
    }
    if (failure != null) throw failure;
    if (Atomics.load(ctl, FAILED) !== 0)
      throw new Error(`${name} failed on a worker thread (a WebAssembly trap).`);
  }

  /** The claim loop of worker-source.ts, on this thread. */
  private claim(): void {
    const ctl = this.control;
    for (;;) {
      const v = Atomics.load(ctl, JOB);
      const chunk = v & 255;
      const base = PARAMS + 16 * ((v >>> 8) & 1);
      const chunks = ctl[base];
      if (chunk >= chunks) return;
      if (Atomics.compareExchange(ctl, JOB, v, v + 1) !== v) continue;
      const fn = this.fns[ctl[base + 1]];
      const a = ctl.subarray(base + 2, base + 2 + MAX_ARGS);
      try {
        fn(chunk, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
      } catch (error) {
        this.abandon(chunks);
        throw error;
      }
      if (Atomics.add(ctl, DONE, 1) + 1 === chunks) return;
    }
  }

  /**
   * After a call on this thread threw: takes every chunk nobody claimed yet, without running them,
   * and counts them and the failed one as done, so that the job ends when the workers' chunks do.
   */
  private abandon(chunks: number): void {
    const ctl = this.control;
    let left = 0;
    for (;;) {
      const v = Atomics.load(ctl, JOB);
      const chunk = v & 255;
      if (chunk >= chunks) break;
      if (Atomics.compareExchange(ctl, JOB, v, v - chunk + chunks) === v) {
        left = chunks - chunk;
        break;
      }
    }
    Atomics.add(ctl, DONE, left + 1);
  }

  /** Stops the workers and frees them; the pool cannot run jobs afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, WAKE, 1);
    Atomics.notify(this.control, WAKE);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
