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
 * the workers finish (see {@link ThreadPool.run}). Workers (spawn-workers.ts) run in Node, or in
 * cross-origin isolated pages.
 *
 * A worker that dies (terminated, `process.exit`, an uncaught error, out of memory) is noticed without
 * a timeout: it flags LOST in the control block and ends the wait on DONE, by itself where it still
 * runs code, else Node's watchdog thread, whose end of a MessageChannel closes with the worker
 * (spawn-workers.ts); the worker's `exit`/`error` events on this thread do the same between jobs.
 * The job being waited on then throws a `BackendError`, and the pool is broken for good: every later
 * `run` throws at once, and wasm-threads.ts stops handing it out (one-thread paths) until a new pool
 * is started.
 */
import { BackendError } from '@tensorfold/core';
import { canBlock, type PoolWorkers, spawnWorkers } from './spawn-workers.js';

const WAKE = 0;
const JOB = 1;
const DONE = 2;
const STOP = 3;
const FAILED = 4;
const LOST = 5;
const PARAMS = 8;
/** Or-ed into DONE where a worker is lost: ends every wait on DONE (a job has far fewer chunks). */
const LOST_DONE = 1 << 30;
/** DONE's count of finished chunks, without LOST_DONE. */
const COUNT = LOST_DONE - 1;
/** Chunks per job at most (JOB keeps the next chunk in 8 bits). */
export const MAX_CHUNKS = 255;
/** i32 arguments per call after the chunk index. */
const MAX_ARGS = 12;
const PAGE = 65536;
/** The reason given where a worker flagged its loss itself, or the watchdog did (no exit code yet). */
const GONE = 'a worker exited, was terminated or threw';

type ChunkFunction = (chunk: number, ...args: number[]) => void;

/** A running pool: see the module doc. */
export class ThreadPool<T extends object> {
  private seq = 0;
  private readonly fns: ChunkFunction[];
  private closed = false;
  /** Why the pool broke (a worker was lost), or null while it is whole. */
  private lostReason: string | null = null;
  private readonly blocking = canBlock();
  /** Atomics.pause (ES2025) where the engine has it: a hint to the core while the main thread spins. */
  private readonly pause = (Atomics as { pause?: () => void }).pause?.bind(Atomics);

  private constructor(
    /** Threads that run jobs, the caller's included. */
    readonly threads: number,
    /** The shared memory the kernels work on. */
    readonly memory: WebAssembly.Memory,
    /** Each module's exports on that memory, for the calling thread. */
    readonly kernels: readonly T[],
    private readonly names: readonly string[],
    private readonly control: Int32Array,
    private readonly workers: PoolWorkers,
  ) {
    this.fns = kernels.flatMap((exports) =>
      names.map((name) => (exports as Record<string, ChunkFunction>)[name]),
    );
    const count = workers.workers.length;
    workers.workers.forEach((worker, i) => {
      worker.onLost((how) => this.markLost(`worker ${i + 1} of ${count} ${how}`));
    });
  }

  /**
   * Why the pool is broken (a worker died: `'worker 1 of 2 exited with code 1'`), or null while
   * every worker runs. A broken pool runs no job again.
   */
  get broken(): string | null {
    return this.lostReason ?? (Atomics.load(this.control, LOST) !== 0 ? GONE : null);
  }

  /** Flags the pool broken (from this thread: a worker's exit or error event). */
  private markLost(reason: string): void {
    if (this.closed) return;
    this.lostReason ??= reason;
    Atomics.store(this.control, LOST, 1);
    Atomics.or(this.control, DONE, LOST_DONE);
    Atomics.notify(this.control, DONE);
  }

  /**
   * Starts `threads - 1` workers running `modules` (each imports `env.memory`, shared, at most
   * `maxPages` pages: for example a module's SIMD and FMA builds) and resolves once each has
   * instantiated them; null where threads cannot run here (no SharedArrayBuffer, no workers,
   * `threads < 2`, or a worker failed to start).
   *
   * @param names The exported functions jobs may call.
   * @param workerPrelude For tests only: source code each worker runs first (to inject a fault).
   */
  static async start<T extends object>(
    threads: number,
    modules: readonly WebAssembly.Module[],
    maxPages: number,
    names: readonly string[],
    workerPrelude = '',
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
    const workers = await spawnWorkers(
      threads - 1,
      { modules, memory, control: control.buffer, names },
      workerPrelude,
    );
    if (workers == null) return null;
    try {
      await Promise.all(workers.workers.map((worker) => worker.ready));
    } catch {
      Atomics.store(control, STOP, 1);
      await workers.terminate();
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
   * threads and returns when all are done. `args` are at most 12 i32 values (0 for those not given);
   * `chunks` at most {@link MAX_CHUNKS}. Throws a `BackendError` where a worker died (before or
   * during the job): its chunk never ends, so the job's result is lost, and the pool is broken for
   * good.
   *
   * Once this thread has claimed its last chunk it waits for the workers' chunks in flight: with
   * `Atomics.wait` where it may block; on a browser's main thread, which may not (`Atomics.wait`
   * throws there), it spins. It cannot yield instead (`Atomics.waitAsync`, a promise): tfjs kernels
   * return their outputs synchronously. The spin lasts as long as the slowest worker's chunk in flight
   * (a job is cut into about 4 chunks per thread, so about a quarter of a thread's share), and ends
   * at once where a worker is lost.
   */
  run(moduleIndex: number, name: string, chunks: number, args: readonly number[]): void {
    this.throwIfBroken(name, 'before');
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
    // the arguments not given are 0 (not the last job's): a function may take optional ones last
    for (let i = 0; i < MAX_ARGS; i++) ctl[base + 2 + i] = i < args.length ? args[i] : 0;
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
    // LOST is read before each wait, and a loss also changes DONE: a wait never misses one.
    for (let done = Atomics.load(ctl, DONE); (done & COUNT) < chunks; done = Atomics.load(ctl, DONE)) {
      if (Atomics.load(ctl, LOST) !== 0) break;
      if (this.blocking) Atomics.wait(ctl, DONE, done);
      else this.pause?.();
    }
    if ((Atomics.load(ctl, DONE) & COUNT) < chunks) {
      // A worker was lost with chunks in flight that may never end (a loss once every chunk was
      // done leaves this job whole, and breaks the next).
      if (failure == null) this.abandon(chunks, false); // no worker claims what is left
      this.throwIfBroken(name, 'during');
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

  /** Throws the BackendError of a broken pool: a worker was lost before or while job `name` ran. */
  private throwIfBroken(name: string, when: 'before' | 'during'): void {
    const reason = this.broken;
    if (reason == null) return;
    void this.close();
    const what =
      when === 'during'
        ? `while ${name} ran on it (${reason}), so this call's result is lost`
        : `(${reason}), so ${name} cannot run on it`;
    throw new BackendError(
      `A worker of tensorfold's WASM thread pool stopped ${what}. The pool is stopped and later ` +
        'calls run on the calling thread alone: run the computation again. To use threads again, ' +
        'call setWasmThreads(n) or initBackend({ threads }); where workers keep stopping, use 1 ' +
        'thread (threads: 1, or TENSORFOLD_WASM_THREADS=1).',
    );
  }

  /**
   * After a call on this thread threw (or a worker was lost: `failed` false): takes every chunk nobody
   * claimed yet, without running them, and counts them (and the failed one) as done, so that the job
   * ends when the workers' chunks do.
   */
  private abandon(chunks: number, failed = true): void {
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
    Atomics.add(ctl, DONE, left + (failed ? 1 : 0));
  }

  /** Stops the workers and frees them; the pool cannot run jobs afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lostReason = this.broken;
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, WAKE, 1);
    Atomics.notify(this.control, WAKE);
    await this.workers.terminate();
  }
}
