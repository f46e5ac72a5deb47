/**
 * A pool product's memory layout for the benches that drive the pool's kernels by hand
 * (pool-copy-share, pool-prep-parts): the backend's own (mat-mul-by-threads.ts's `layoutOf`, through
 * `poolInternals`), so that they time the layout the kernel uses, reserved on the pool.
 */
import { poolInternals } from '@tensorfold/backend/testing';
import type { tf } from '@tensorfold/core';

const { layoutOf, pairListsWanted, threadPool } = poolInternals;

/** The layout of `op(a) . op(b)`; `a` and `b` are 2-D. */
export type PoolLayout = ReturnType<typeof layoutOf>;

/**
 * The layout of the float product `op(a)` `[m, k]` times `op(b)` `[k, n]`, reserved in the matMul
 * pool's memory. The benches list pairs over every product (`pairSteps`, prepChunk with lists), so
 * the product must be one the layout makes room for pair lists in.
 */
export function reservedPoolLayout(
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA: boolean,
  transposeB: boolean,
): PoolLayout {
  const m = transposeA ? a.shape[1]! : a.shape[0]!;
  const k = transposeA ? a.shape[0]! : a.shape[1]!;
  const n = transposeB ? b.shape[0]! : b.shape[1]!;
  const at = layoutOf(m, k, n, transposeA);
  if (!pairListsWanted(at.mPad, k, at.nPad)) {
    throw new Error(
      `The pool's layout of [${m}, ${k}] . [${k}, ${n}] has no room for the pair lists this bench ` +
        "writes: give it a product of at least the pair lists' size, with setFloatZeroSkipEnabled(true) " +
        'and setFloatPairListsEnabled(true) (the defaults).',
    );
  }
  const pool = threadPool('matMul');
  if (pool == null) throw new Error('No thread pool: run with 2 threads (TENSORFOLD_WASM_THREADS=2).');
  if (!pool.pool.reserve(at.bytes)) throw new Error(`The pool could not reserve ${at.bytes} bytes.`);
  return at;
}
