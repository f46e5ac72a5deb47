import { BackendError } from '@tensorfold/core';
import { afterAll, describe, expect, it } from 'vitest';
import { SIMD_WASM_BASE64 } from '../simd/generated/threaded-mat-mul-wasm.js';
import { faultyMatMul, firstFailure, THROW_HOLDING_A_CHUNK } from '../test-utils/pool-faults.js';
import { MAX_CHUNKS, ThreadPool } from './pool.js';
import type { ThreadedMatMulKernels } from './wasm-threads.js';

const module = new WebAssembly.Module(Uint8Array.from(atob(SIMD_WASM_BASE64), (c) => c.charCodeAt(0)));
const pools: ThreadPool<ThreadedMatMulKernels>[] = [];

async function start(threads: number, maxPages = 64, workerPrelude = '') {
  const pool = await ThreadPool.start<ThreadedMatMulKernels>(
    threads,
    [module],
    maxPages,
    ['matMulChunk'],
    workerPrelude,
  );
  if (pool != null) pools.push(pool);
  return pool;
}

/** out[16, 8] = a[16, k] . B[k, 8] on the pool, with a = 1 and B's column j = j: out[i, j] = k * j. */
function product(pool: ThreadPool<ThreadedMatMulKernels>, k: number, chunks: number): Float32Array {
  const heap = new Float32Array(pool.memory.buffer);
  const [A, P, OUT] = [0, 16 * k, 24 * k];
  heap.fill(1, A, A + 16 * k);
  for (let p = 0; p < k; p++) for (let j = 0; j < 8; j++) heap[P + p * 8 + j] = j;
  pool.run(0, 'matMulChunk', chunks, [A * 4, P * 4, OUT * 4, 16, k, 8, 16 / chunks, 8, 0, 0]);
  return heap.slice(OUT, OUT + 16 * 8);
}

/** Waits (at most 5 s) until the pool's `broken` matches `reason`; then that reason. */
async function untilBroken(pool: ThreadPool<ThreadedMatMulKernels>, reason: RegExp): Promise<string | null> {
  for (let wait = 0; wait < 500 && !reason.test(pool.broken ?? ''); wait++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return pool.broken;
}

describe('ThreadPool', () => {
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it('does not start for fewer than 2 threads', async () => {
    expect(await start(1)).toBeNull();
  });

  it('runs every chunk once, whichever thread claims it, job after job', async () => {
    const pool = (await start(3))!;
    expect(pool.threads).toBe(3);
    for (let job = 0; job < 200; job++) {
      const chunks = [1, 2, 4][job % 3];
      const out = product(pool, 5 + (job % 7), chunks);
      const k = 5 + (job % 7);
      expect(Array.from(out)).toEqual(Array.from({ length: 128 }, (_, e) => k * (e % 8)));
    }
  });

  it('throws where a call traps, on this thread or a worker, and keeps working', async () => {
    const pool = (await start(2))!;
    // a pointer past the end of memory: every chunk traps
    const bad = [2 ** 30, 0, 0, 16, 4, 8, 4, 8, 0, 0];
    expect(() => pool.run(0, 'matMulChunk', 4, bad)).toThrow();
    expect(Array.from(product(pool, 3, 4))).toEqual(Array.from({ length: 128 }, (_, e) => 3 * (e % 8)));
  });

  it('refuses more chunks than it can count, and runs nothing after close', async () => {
    const pool = (await start(2))!;
    expect(() => pool.run(0, 'matMulChunk', MAX_CHUNKS + 1, [])).toThrow(/at most/);
    await pool.close();
    expect(() => pool.run(0, 'matMulChunk', 1, [])).toThrow(/closed/);
  });

  it('throws a BackendError, not hangs, where a worker dies in the middle of a job', async () => {
    // The worker ends its thread inside a chunk: the caller, blocked in Atomics.wait, hears of it
    // only through the watchdog (its own event loop cannot run).
    const pool = (await start(2, 512, faultyMatMul('process.exit(7);')))!;
    const error = firstFailure(pool);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/stopped while matMulChunk ran on it.*result is lost/);
    expect((error as Error).message).toMatch(/setWasmThreads/);
    expect(pool.broken).not.toBeNull();
    // broken for good: a later job throws at once, before running anything
    expect(() => product(pool, 3, 4)).toThrow(/cannot run on it/);
  });

  it('throws a BackendError where a worker throws holding a chunk (an uncaught error, flagged by the worker)', async () => {
    const pool = (await start(2, 512, faultyMatMul(THROW_HOLDING_A_CHUNK)))!;
    const error = firstFailure(pool);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/stopped while matMulChunk ran on it/);
    expect(pool.broken).toBe('a worker exited, was terminated or threw'); // its own flag, or the watchdog's
  });

  it('breaks when a worker throws outside its calls (an uncaught error)', async () => {
    const pool = (await start(2, 512, faultyMatMul("throw new Error('boom in a worker');")))!;
    // a throwing call counts as a trap; the uncaught error is the worker's wait, once woken, throwing
    const prelude = `
const realWait = Atomics.wait;
Atomics.wait = (...args) => {
  realWait(...args);
  throw new Error('boom outside a call');
};
`;
    const uncaught = (await start(2, 64, prelude))!;
    // jobs until one wakes the worker: each still comes out whole (the worker dies claiming nothing)
    for (let job = 0; job < 100 && uncaught.broken == null; job++) {
      expect(Array.from(product(uncaught, 3, 4))).toEqual(Array.from({ length: 128 }, (_, e) => 3 * (e % 8)));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await untilBroken(uncaught, /^worker/)).toMatch(/^worker 1 of 1 threw: .*boom outside a call/);
    expect(() => product(uncaught, 3, 4)).toThrow(BackendError);
    // the caught kind, for contrast: the pool keeps working
    expect(firstFailure(pool)).toBeInstanceOf(Error);
    expect(pool.broken).toBeNull();
  });

  it('breaks when a worker is terminated from outside between jobs', async () => {
    const pool = (await start(3))!;
    const workers = (pool as unknown as { workers: { workers: { terminate(): Promise<unknown> }[] } })
      .workers;
    await workers.workers[1].terminate();
    expect(await untilBroken(pool, /^worker/)).toBe('worker 2 of 2 exited with code 1');
    expect(() => product(pool, 3, 4)).toThrow(BackendError);
  });
});
