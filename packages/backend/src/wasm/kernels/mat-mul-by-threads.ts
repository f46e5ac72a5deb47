import { broadcast_util, type NamedAttrMap, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';
import { listWords } from '../simd/pair-steps.js';
import { threadedMinimum, threadedSizeRulesWaived } from '../threads/threaded-minimum.js';
import { type PoolUse, type ThreadedMatMulKernels, threadPool } from '../threads/wasm-threads.js';
import { alignedFloats } from './aligned.js';
import {
  countPairSkips,
  floatZeroSkipTried,
  listZeroSteps,
  PAIR_PANEL_COLUMNS,
  pairListsPay,
  pairListsWanted,
  zeroStepsFloats,
} from './float-zero-skip.js';

/**
 * Below this many multiply-adds a product stays on the one-thread paths: waking a worker and copying
 * the operands costs more than the second thread saves (crossover measured with `pnpm bench
 * backend-threads`, BENCHMARKS.md).
 */
export const THREADED_MIN_MULTIPLY_ADDS = 128 * 128 * 64;

/**
 * Below this many multiply-adds per element copied into the pool (`op(a)`, `op(b)` and the output:
 * `m*k*n / (m*k + k*n + m*n)`) a product stays on the one-thread paths: the pool copies both
 * operands into its shared memory and packs `op(b)` into panels on every call, which for few rows
 * (an MLP's `predict` batches of 32 against a 784x512 weight) costs more than the second thread
 * saves. Measured with `pnpm --filter @tensorfold/bench crossover-ab` (BENCHMARKS.md).
 */
export const THREADED_MIN_WORK_PER_COPY = 48;

let minimum = THREADED_MIN_MULTIPLY_ADDS;
let explicit = false;

/**
 * Sets the size from which products run on the pool (multiply-adds; default
 * {@link THREADED_MIN_MULTIPLY_ADDS}), for the benchmark that measures the crossover and for tests.
 * A size given also waives {@link THREADED_MIN_WORK_PER_COPY} (the size alone decides); without an
 * argument both defaults apply again.
 */
export function setThreadedMatMulMinimum(multiplyAdds?: number): void {
  minimum = multiplyAdds ?? THREADED_MIN_MULTIPLY_ADDS;
  explicit = multiplyAdds != null;
}

/**
 * Whether a product `op(a)` `[m, k]` times `op(b)` `[k, n]` is large enough for the pool: at least
 * {@link THREADED_MIN_MULTIPLY_ADDS} multiply-adds and {@link THREADED_MIN_WORK_PER_COPY} per copied
 * element. A size set with {@link setThreadedMatMulMinimum} or `setThreadedKernelMinimum` replaces
 * both (the crossover bench and the fuzz suite send small products to the pool).
 */
export function poolPaysFor(m: number, k: number, n: number): boolean {
  const work = m * k * n;
  if (work < threadedMinimum(minimum)) return false;
  if (explicit || threadedSizeRulesWaived()) return true;
  return work >= THREADED_MIN_WORK_PER_COPY * (m * k + k * n + m * n);
}

/**
 * Whether {@link matMulByThreads} sends a plain product of these shapes (no batch on `b`) to the
 * pool, by size alone (it also needs a running pool); for tests and the crossover bench.
 */
export function threadedMatMulRoutes(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA = false,
  transposeB = false,
): boolean {
  const [a0, a1] = aShape.slice(-2);
  const batch = aShape.slice(0, -2).reduce((x, y) => x * y, 1);
  const m = (transposeA ? a1 : a0) * batch;
  const k = transposeA ? a0 : a1;
  const n = transposeB ? bShape.at(-2)! : bShape.at(-1)!;
  return poolPaysFor(m, k, n);
}

/** Chunks per thread: enough that a thread the system does not schedule leaves little to the others. */
const CHUNKS_PER_THREAD = 4;

/**
 * `op(a) . op(b)` (`transposeA`, `transposeB`; plus a per-column bias and a relu for `_FusedMatMul`)
 * on every thread of the pool (threads/wasm-threads.ts), or null to leave the product to the
 * one-thread paths: no pool, a product the pool does not pay for ({@link poolPaysFor}), a batch on `b` or
 * a transposed batched `a`, another activation, or operands larger than the pool's memory.
 *
 * The operands are copied into the pool's shared memory (tfjs-backend-wasm's heap is not shared),
 * `op(a)` as rows (padded to a multiple of 4 with zeros) and `op(b)` in panels of 8 columns; every
 * thread claims tiles of the output; the result is copied back. Each output element is one tile's
 * sum over the inner axis in order, whichever thread computes it: the same bits for any number of
 * threads, and the same as the one-thread SIMD kernel (mat-mul-by-simd.ts) of the same build.
 *
 * `a` is `[...batch, rows, inner]` (`[inner, rows]` with transposeA, no batch then), `b` `[inner, cols]`
 * (`[cols, inner]` with transposeB); the result `[...batch, rows, cols]`.
 */
export function matMulByThreads(
  backend: WasmBackendLike,
  inputs: Record<string, TensorInfo | undefined>,
  attrs: NamedAttrMap,
): TensorInfo | null {
  const running = threadPool('matMul');
  if (running == null) return null;
  const { a, b, bias } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  if (inputs.preluActivationWeights != null) return null;
  const activation = attrs.activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') return null;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const aBatch = util.sizeFromShape(a.shape.slice(0, -2));
  if (util.sizeFromShape(b.shape.slice(0, -2)) !== 1 || (transposeA && aBatch !== 1)) return null;
  const [a0, a1] = a.shape.slice(-2);
  const [b0, b1] = b.shape.slice(-2);
  const rowsPerEntry = transposeA ? a1 : a0;
  const m = rowsPerEntry * aBatch;
  const k = transposeA ? a0 : a1;
  const n = transposeB ? b0 : b1;
  if ((transposeB ? b1 : b0) !== k || m < 1 || k < 1 || n < 1) return null;
  if (!poolPaysFor(m, k, n)) return null;
  // A bias per column only ([n], [1, n]...): one shaped [rows, 1] broadcasts per row.
  if (
    bias != null &&
    (bias.dtype !== 'float32' || util.sizeFromShape(bias.shape) !== n || bias.shape.at(-1) !== n)
  ) {
    return null;
  }

  const layout = layoutOf(m, k, n, transposeA);
  if (layout.bytes > 2 ** 31 || !running.pool.reserve(layout.bytes)) return null;

  // [...batch, rows, cols]
  const outShape = [
    ...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
    rowsPerEntry,
    n,
  ];
  const out = backend.makeOutput(outShape, 'float32');
  try {
    multiply(backend, running, { a, b, bias, out }, layout, {
      transposeA,
      transposeB,
      relu: activation === 'relu',
    });
  } catch (error) {
    backend.disposeData(out.dataId);
    throw error;
  }
  return out;
}

/** Where a product's parts lie in the pool's memory, in floats, and its padded sizes. */
interface Layout {
  m: number;
  k: number;
  n: number;
  /** Rows rounded up to a multiple of 4, columns to a multiple of 8. */
  mPad: number;
  nPad: number;
  /** `op(a)` as `[mPad, k]` rows. */
  rows: number;
  /** `op(b)` in panels of 8 columns. */
  panels: number;
  /** The output, `[mPad, nPad]`. */
  out: number;
  /** The bias, `[nPad]`. */
  bias: number;
  /** The steps of k each block of 4 rows of `op(a)` walks (threaded-mat-mul.wat's `zeroSteps`). */
  lists: number;
  /** An operand as given, before it is transposed or packed. */
  raw: number;
  /** Memory needed in all. */
  bytes: number;
}

function layoutOf(m: number, k: number, n: number, transposeA: boolean): Layout {
  const mPad = Math.ceil(m / 4) * 4;
  const nPad = Math.ceil(n / 8) * 8;
  const rows = 0;
  const panels = rows + alignedFloats(mPad * k);
  const out = panels + alignedFloats(nPad * k);
  const bias = out + alignedFloats(mPad * nPad);
  const lists = bias + alignedFloats(nPad);
  // the blocks' lists, or where the product may take them the pairs' (threaded-pair-steps.wat)
  const pairs = pairListsWanted(mPad, k, nPad) ? listWords(mPad, k) : 0;
  const raw = lists + alignedFloats(Math.max(zeroStepsFloats(mPad, k), pairs));
  const bytes = 4 * (raw + Math.max(transposeA ? m * k : 0, k * n));
  return { m, k, n, mPad, nPad, rows, panels, out, bias, lists, raw, bytes };
}

/** Copies the operands in, runs the tiles on every thread, copies the product into `out`. */
function multiply(
  backend: WasmBackendLike,
  { pool, build, kernels }: PoolUse<ThreadedMatMulKernels>,
  tensors: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; out: TensorInfo },
  at: Layout,
  options: { transposeA: boolean; transposeB: boolean; relu: boolean },
): void {
  const { m, k, n, mPad, nPad } = at;
  // Views after the last allocation: an allocation may move tfjs's heap (and reserve the pool's).
  const heap = new Float32Array(pool.memory.buffer);
  const a = backend.typedArrayFromHeap(tensors.a) as Float32Array;
  if (options.transposeA) {
    heap.set(a, at.raw);
    kernels.transpose(at.raw * 4, at.rows * 4, k, m);
  } else {
    heap.set(a, at.rows);
  }
  heap.fill(0, at.rows + m * k, at.rows + mPad * k);
  heap.set(backend.typedArrayFromHeap(tensors.b) as Float32Array, at.raw);
  kernels.packPanels(at.raw * 4, at.panels * 4, k, n, options.transposeB ? 1 : 0);
  if (tensors.bias != null) {
    heap.set(backend.typedArrayFromHeap(tensors.bias) as Float32Array, at.bias);
    heap.fill(0, at.bias + n, at.bias + nPad);
  }
  const { chunkRows, chunkCols, chunks } = tiles(mPad, nPad, pool.threads);
  const flags = (tensors.bias != null ? 1 : 0) | (options.relu ? 2 : 0);
  const tried = floatZeroSkipTried(mPad, k, nPad);
  const args = [
    at.rows * 4,
    at.panels * 4,
    at.out * 4,
    mPad,
    k,
    nPad,
    chunkRows,
    chunkCols,
    at.bias * 4,
    flags,
  ];
  // Lists per pair of rows where the product and its tiles take them (float-zero-skip.ts), on the
  // pairs' module of the same pool; else (or where they do not pay) per block of 4 rows.
  const pairs =
    tried && chunkCols % PAIR_PANEL_COLUMNS === 0 && pairListsWanted(mPad, k, nPad)
      ? threadPool('pairs')
      : null;
  if (pairs != null && pairs.pool === pool) {
    const listed = pairs.kernels.pairSteps(at.rows * 4, at.lists * 4, mPad, k);
    if (pairListsPay(listed, mPad, k, nPad)) {
      if (kernels.allFinite(at.panels * 4, nPad * k) !== 0) {
        countPairSkips(listed, mPad, k, nPad);
        pool.run(pairs.build, 'pairChunk', chunks, [...args, at.lists * 4]);
        copyOut(backend, heap, tensors.out, at);
        return;
      }
    } else {
      pool.run(build, 'matMulChunk', chunks, [...args, 0]);
      copyOut(backend, heap, tensors.out, at);
      return;
    }
  }
  // [mPad / 4 blocks] lists of the steps of k to walk (0: all)
  const lists = tried
    ? listZeroSteps(kernels, {
        a: at.rows * 4,
        lists: at.lists * 4,
        m: mPad,
        k,
        b: at.panels * 4,
        bFloats: nPad * k,
        n: nPad,
      })
    : 0;
  pool.run(build, 'matMulChunk', chunks, [...args, lists]);
  copyOut(backend, heap, tensors.out, at);
}

/** The product `[mPad, nPad]` in the pool's memory into `out` `[m, n]`. */
function copyOut(backend: WasmBackendLike, heap: Float32Array, out: TensorInfo, at: Layout): void {
  const { m, n, nPad } = at;
  const result = backend.typedArrayFromHeap(out) as Float32Array;
  if (nPad === n) {
    result.set(heap.subarray(at.out, at.out + m * n));
  } else {
    for (let i = 0; i < m; i++) result.set(heap.subarray(at.out + i * nPad, at.out + i * nPad + n), i * n);
  }
}

/**
 * How the output `[rows, cols]` is cut into tiles: across the rows when `b` is the smaller operand
 * (each tile re-reads all of `b`), else across the columns (each re-reads all of `a`); about
 * {@link CHUNKS_PER_THREAD} tiles per thread, in multiples of 4 rows or 8 columns.
 */
export function tiles(
  rows: number,
  cols: number,
  threads: number,
): { chunkRows: number; chunkCols: number; chunks: number } {
  const wanted = threads * CHUNKS_PER_THREAD;
  if (rows >= cols) {
    const chunkRows = Math.ceil(rows / 4 / wanted) * 4;
    return { chunkRows, chunkCols: cols, chunks: Math.ceil(rows / chunkRows) };
  }
  const chunkCols = Math.ceil(cols / 8 / wanted) * 8;
  return { chunkRows: rows, chunkCols, chunks: Math.ceil(cols / chunkCols) };
}
