/**
 * Faults injected into the WASM thread pool's workers (ThreadPool.start's `workerPrelude`), for the
 * tests of what the pool does when a worker dies: in Node (pool.test.ts) and in a browser page
 * (browser/test-utils/threads-page.ts).
 */
import type { ThreadPool } from '../threads/pool.js';
import type { ThreadedMatMulKernels } from '../threads/wasm-threads.js';

/**
 * A worker prelude (either kind of worker) that wraps the workers' `matMulChunk`: `fault` (worker
 * code) runs inside the call where its `flags` argument has bit 8 set, before the real kernel.
 */
export function faultyMatMul(fault: string): string {
  return `
const RealInstance = WebAssembly.Instance;
WebAssembly.Instance = function (module, imports) {
  const exports = { ...new RealInstance(module, imports).exports };
  const real = exports.matMulChunk;
  exports.matMulChunk = (chunk, a, p, o, m, k, n, cr, cc, bias, flags) => {
    if (flags & 256) { ${fault} }
    real(chunk, a, p, o, m, k, n, cr, cc, bias, flags);
  };
  return { exports };
};
`;
}

/** A fault that escapes the worker's claim loop while it holds a chunk (its count of done chunks throws). */
export const THROW_HOLDING_A_CHUNK = "Atomics.add = () => { throw new Error('boom holding a chunk'); };";

/**
 * A long job whose worker chunks run `faultyMatMul`'s fault: out[16, 4096] = a[16, 1024] . B[1024,
 * 4096] in 2 chunks of 8 rows (33M multiply-adds each, so that a worker claims one while the caller
 * runs the other); its values do not matter. It takes 17 MB of the pool's memory (start it with 512 pages).
 */
export function faultyJob(pool: ThreadPool<ThreadedMatMulKernels>): void {
  const [k, n] = [1024, 4096];
  const [A, P, OUT] = [0, 16 * k * 4, (16 * k + k * n) * 4];
  if (!pool.reserve(OUT + 16 * n * 4)) throw new Error('no memory for the job');
  pool.run(0, 'matMulChunk', 2, [A, P, OUT, 16, k, n, 8, n, 0, 256]);
}

/** Runs {@link faultyJob} until it throws (a worker claimed a chunk; at most 50 tries): the error, or null. */
export function firstFailure(pool: ThreadPool<ThreadedMatMulKernels>): unknown {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      faultyJob(pool);
    } catch (error) {
      return error;
    }
  }
  return null;
}
