import { broadcast_util, type NamedAttrMap, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';
import { listWords } from '../simd/pair-steps.js';
import { MAX_CHUNKS } from '../threads/pool.js';
import { threadedMinimum, threadedSizeRulesWaived } from '../threads/threaded-minimum.js';
import {
  type PoolUse,
  type ThreadedMatMulKernels,
  type ThreadedPairKernels,
  threadPool,
} from '../threads/wasm-threads.js';
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
 * Below this many multiply-adds a product always stays on the one-thread paths (the default
 * crossover, {@link MAT_MUL_CROSSOVER}, starts higher still); with {@link setThreadedMatMulMinimum},
 * the size from which products of any shape went to the pool before the crossover counted copies.
 */
export const THREADED_MIN_MULTIPLY_ADDS = 128 * 128 * 64;

/**
 * Where a product `op(a)` `[m, k]` times `op(b)` `[k, n]` leaves the calling thread for the pool:
 * from `base + perCopy * copied` multiply-adds (`m*k*n`), `copied` being the elements the pool copies
 * into and out of its shared memory (`m*k + k*n + m*n`: `op(a)`, `op(b)`, which it also packs into
 * panels, and the output), and never below {@link THREADED_MIN_MULTIPLY_ADDS}.
 */
export interface MatMulCrossover {
  /** Multiply-adds the second thread must take over before any copy: waking it and waiting for it. */
  base: number;
  /** Multiply-adds it must take over for each element copied. */
  perCopy: number;
}

/**
 * The default crossover on 2 threads: 3M multiply-adds plus 24 per copied element. The MLP
 * 784-512-256-10's training products at batch 128 (16.8M to 51M multiply-adds) and 512x512x512 run
 * on the pool; `predict`'s batches of 32 (`[32, 784] . [784, 512]`, 12.8M, and smaller), LeNet-5's
 * dense layers at batch 64 (3.1M and less) and products under 3M stay on the calling thread. The
 * base and the shapes' order come from `pnpm --filter @tensorfold/bench crossover-ab sweep`
 * (BENCHMARKS.md, branch wip/crossover, dense operands); the copy term was raised from 14 to 24 on the
 * quiet machine after wave 11's pair lists, where `predict`'s first layer at batch 32 on MNIST digits
 * ran the whole pass 1.36x faster on one thread (its pair lists pass over the digits' zeros) than on
 * the pool, against 1.11x slower on dense random rows (`CROSSOVER_RULE=3000000,14 crossover-ab predict
 * 30 mnist|random`: 14 against wave 10's rule, which routes that pass as 24 does). The rule sees sizes,
 * not zeros; wave 10's rule was 48 per copied element and no base.
 */
export const MAT_MUL_CROSSOVER: Readonly<MatMulCrossover> = Object.freeze({ base: 3_000_000, perCopy: 24 });

let crossover: Readonly<MatMulCrossover> = MAT_MUL_CROSSOVER;
/** The size set with {@link setThreadedMatMulMinimum}, which replaces the crossover; null: none. */
let minimumSet: number | null = null;

/**
 * Sends every product from `multiplyAdds` multiply-adds on to the pool, whatever its copies cost, in
 * place of the crossover ({@link MAT_MUL_CROSSOVER}), for the benchmark that measures the crossover
 * and for tests; without an argument (the default) the crossover applies again.
 */
export function setThreadedMatMulMinimum(multiplyAdds?: number): void {
  minimumSet = multiplyAdds ?? null;
}

/**
 * Replaces the crossover's terms (default {@link MAT_MUL_CROSSOVER}) until called without a rule;
 * for the benchmark that compares two rules in one process. The rule is copied (changing the object
 * afterwards changes nothing); `base` and `perCopy` must be finite numbers, else it throws and the
 * rule in force stays (a NaN would send nothing to the pool without a word). Negative terms are taken
 * (a rule fitted to a sweep may have one). Clears a size set with {@link setThreadedMatMulMinimum}.
 */
export function setThreadedMatMulCrossover(rule?: MatMulCrossover): void {
  if (rule != null) {
    for (const term of ['base', 'perCopy'] as const) {
      const value = rule[term];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new Error(
          `setThreadedMatMulCrossover: ${term} is ${value}; give a finite number of multiply-adds ` +
            `(MAT_MUL_CROSSOVER is { base: ${MAT_MUL_CROSSOVER.base}, perCopy: ${MAT_MUL_CROSSOVER.perCopy} }), ` +
            'or no rule for the default.',
        );
      }
    }
  }
  crossover = rule == null ? MAT_MUL_CROSSOVER : Object.freeze({ base: rule.base, perCopy: rule.perCopy });
  minimumSet = null;
}

/**
 * Whether a product `op(a)` `[m, k]` times `op(b)` `[k, n]` pays for the pool (see
 * {@link MatMulCrossover}). A size set with {@link setThreadedMatMulMinimum} or
 * `setThreadedKernelMinimum` replaces the rule (the crossover bench and the fuzz suite send small
 * products to the pool); the latter wins where both are set.
 */
export function poolPaysFor(m: number, k: number, n: number): boolean {
  const work = m * k * n;
  if (work < threadedMinimum(minimumSet ?? THREADED_MIN_MULTIPLY_ADDS)) return false;
  if (minimumSet != null || threadedSizeRulesWaived()) return true;
  return work >= crossover.base + crossover.perCopy * (m * k + k * n + m * n);
}

/** A product's sizes `[m, k] . [k, n]` as the pool computes it (the rows of a batched `a` folded into m). */
export interface ProductSize {
  m: number;
  k: number;
  n: number;
}

/**
 * The sizes of `op(a) . op(b)`: `a` `[...batch, rows, inner]` (`[inner, rows]` with transposeA),
 * `b` `[inner, cols]` (`[cols, inner]` with transposeB): m = batch * rows, k = inner, n = cols.
 * Null where the pool cannot take the product: a batch on `b`, a transposed batched `a`, inner
 * sizes that differ or an empty axis.
 */
export function productSize(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): ProductSize | null {
  if (aShape.length < 2 || bShape.length < 2) return null;
  const aBatch = util.sizeFromShape(aShape.slice(0, -2));
  if (util.sizeFromShape(bShape.slice(0, -2)) !== 1 || (transposeA && aBatch !== 1)) return null;
  const [a0, a1] = aShape.slice(-2);
  const [b0, b1] = bShape.slice(-2);
  const m = (transposeA ? a1 : a0) * aBatch;
  const k = transposeA ? a0 : a1;
  const n = transposeB ? b0 : b1;
  if ((transposeB ? b1 : b0) !== k || m < 1 || k < 1 || n < 1) return null;
  return { m, k, n };
}

/**
 * Whether {@link matMulByThreads} sends a product of these shapes to the pool, by size alone (it
 * also needs a running pool); for tests and the crossover bench. False where it cannot take the
 * product as given (a batch on `b`, a transposed batched `a`), though `tf.matMul` may still reach the
 * pool with it: batch-mat-mul.ts's `fastMatMul` then runs it as plain products (one per entry of a
 * batch on both sides, or `b`'s batch folded into the rows of the transposed product), each of
 * which this routing decides again by its own m, k and n.
 */
export function threadedMatMulRoutes(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA = false,
  transposeB = false,
): boolean {
  const size = productSize(aShape, bShape, transposeA, transposeB);
  return size != null && poolPaysFor(size.m, size.k, size.n);
}

/**
 * Where the pool's products prepare their operands (`op(a)`'s transpose and pair lists, `op(b)`'s
 * panels and their finiteness):
 * - `'job'` (the default): threaded-pair-steps.wat's `prepChunk` (row chunks of `op(a)`: its
 *   transpose and pair lists; column groups of `op(b)`: its panels, tested finite as they are
 *   packed) as a first pool job on every thread, then the tiles' job (a second wake-up of the
 *   workers per product). Quiet, wave 12, the MLP's training step on MNIST on 2 threads: 1.071x and
 *   1.045x faster than `'before'` by round, against 1.041x and 1.023x for `'calling'`
 *   (BENCHMARKS.md, "The lead's quiet reruns after wave 12");
 * - `'calling'`: the same chunks one after the other on the calling thread, then the tiles' job;
 * - `'before'`: as before wave 12 (threaded-mat-mul.wat's `transpose` and `packPanels`, one
 *   `pairSteps` over all of `op(a)`, `allFinite` over the panels), on the calling thread.
 * The same bits, lists and routing whichever. `'calling'` and `'job'` do less work than `'before'`
 * in all (packing by column groups, the finiteness test while packing; BENCHMARKS.md, branch
 * wip/pool-pack).
 */
export type PoolPrep = 'job' | 'calling' | 'before';

let prep: PoolPrep = 'job';

/**
 * Sets where the pool's products prepare their operands ({@link PoolPrep}, default `'job'`; no
 * argument: the default); for the benchmark that compares them in one process (`pnpm --filter
 * @tensorfold/bench pool-prep-ab`) and tests.
 */
export function setPoolPrep(where: PoolPrep = 'job'): void {
  prep = where;
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
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  if (inputs.preluActivationWeights != null) return null;
  const activation = attrs.activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') return null;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const size = productSize(a.shape, b.shape, transposeA, transposeB);
  if (size == null) return null;
  const { m, k, n } = size;
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
    transposeA ? a.shape.at(-1)! : a.shape.at(-2)!,
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

/**
 * Where a product's parts lie in the pool's memory, in floats, and its padded sizes. Exported for
 * the benches only (through `poolInternals` in `@tensorfold/backend/testing`); no stability guarantee.
 */
export interface Layout {
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
  /** An operand as given, before it is transposed or packed: `a` where transposeA. */
  raw: number;
  /** `b` as given, beside `a`'s raw copy (the preparation job reads both at once). */
  rawB: number;
  /** The pool job's pair lists, each row chunk's apart (see {@link joinLists}), where pairs may be listed. */
  chunkLists: number;
  /** prepChunk's 14 arguments (i32). */
  params: number;
  /** prepChunk's results (i32): the pairs listed, then each column group's finiteness. */
  flags: number;
  /** Memory needed in all. */
  bytes: number;
}

/**
 * The pool's memory layout of a float product `op(a)` `[m, k]` times `op(b)` `[k, n]`, as
 * {@link matMulByThreads} reserves and fills it. Exported so that the benches (tools/bench:
 * pool-copy-share, pool-prep-parts) time the layout the kernel uses, through `poolInternals` in
 * `@tensorfold/backend/testing`; not an API, no stability guarantee.
 */
export function layoutOf(m: number, k: number, n: number, transposeA: boolean): Layout {
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
  const rawB = raw + alignedFloats(transposeA ? m * k : 0);
  const chunkLists = rawB + alignedFloats(k * n);
  // each row chunk's lists 5 words longer than its share of listWords (its last address and slack)
  const params = chunkLists + (pairs > 0 ? alignedFloats(pairs + 5 * MAX_CHUNKS) : 0);
  const flags = params + alignedFloats(16);
  const bytes = 4 * (flags + alignedFloats(MAX_CHUNKS + 1));
  return { m, k, n, mPad, nPad, rows, panels, out, bias, lists, raw, rawB, chunkLists, params, flags, bytes };
}

/**
 * Copies the operands in and prepares them (in prepChunk's chunks, {@link multiplyPrepared}, unless
 * {@link PoolPrep} is `'before'` or the pairs' module is not on the pool: threaded-mat-mul.wat's
 * `transpose` and `packPanels`, one `pairSteps`, `allFinite`), runs the tiles, copies the product out.
 */
function multiply(
  backend: WasmBackendLike,
  running: PoolUse<ThreadedMatMulKernels>,
  tensors: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; out: TensorInfo },
  at: Layout,
  options: { transposeA: boolean; transposeB: boolean; relu: boolean },
): void {
  const { pool, kernels } = running;
  const { m, k, n, mPad, nPad } = at;
  // the pairs' module (prepChunk, pairChunk) where it is on the same pool
  const found = threadPool('pairs');
  const pairs = found != null && found.pool === pool ? found : null;
  // asked once per product: the call counts against a resting shape's rest (float-zero-skip.ts)
  const tried = floatZeroSkipTried(mPad, k, nPad);
  const listing = pairs != null && tried && pairListsTaken(at, pool.threads);
  if (prep !== 'before' && pairs != null) {
    multiplyPrepared(backend, running, pairs, tensors, at, options, { tried, listing });
    return;
  }
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
  copyBias(backend, heap, tensors.bias, at);
  runTiles(
    backend,
    running,
    heap,
    tensors,
    at,
    options.relu,
    tried,
    pairs != null && listing
      ? {
          build: pairs.build,
          listed: pairs.kernels.pairSteps(at.rows * 4, at.lists * 4, mPad, k),
          finite: () => kernels.allFinite(at.panels * 4, nPad * k) !== 0,
          ends: 0,
        }
      : null,
  );
}

/**
 * Whether a product that float-zero-skip.ts tries this call takes pair lists (its tiles' columns
 * whole panels of the pairs' kernel, and `pairListsWanted`); they run where the pairs' module is on
 * the product's pool.
 */
function pairListsTaken(at: Layout, threads: number): boolean {
  const { mPad, k, nPad } = at;
  return tiles(mPad, nPad, threads).chunkCols % PAIR_PANEL_COLUMNS === 0 && pairListsWanted(mPad, k, nPad);
}

/** The bias `[n]` at `at.bias`, padded with zeros to `nPad`, where there is one. */
function copyBias(
  backend: WasmBackendLike,
  heap: Float32Array,
  bias: TensorInfo | undefined,
  at: Layout,
): void {
  if (bias == null) return;
  heap.set(backend.typedArrayFromHeap(bias) as Float32Array, at.bias);
  heap.fill(0, at.bias + at.n, at.bias + at.nPad);
}

/** A product's pair lists of `op(a)`, their table of blocks at `at.lists` (see {@link runTiles}). */
interface PairLists {
  /** The pairs' module build on the pool. */
  build: number;
  /** Steps listed in all. */
  listed: number;
  /** Whether `op(b)`'s panels are all finite (asked only where the lists pay). */
  finite: () => boolean;
  /** pairChunk's `ends`: where each block's steps end (bytes), 0: where the next block's begin. */
  ends: number;
}

/**
 * The tiles on every thread over the prepared operands (`op(a)` as rows, `op(b)` in panels), then
 * the product into `out`: over `pairs`' lists where they are given and pay and the panels are all
 * finite, densely where they do not pay, else over the zero steps of each block of 4 rows
 * (threaded-mat-mul.wat's `zeroSteps`, where float-zero-skip.ts tries them: `tried`, asked once per
 * product by the caller).
 */
function runTiles(
  backend: WasmBackendLike,
  { pool, build, kernels }: PoolUse<ThreadedMatMulKernels>,
  heap: Float32Array,
  tensors: { bias?: TensorInfo; out: TensorInfo },
  at: Layout,
  relu: boolean,
  tried: boolean,
  pairs: PairLists | null,
): void {
  const { k, mPad, nPad } = at;
  const { chunkRows, chunkCols, chunks } = tiles(mPad, nPad, pool.threads);
  const flags = (tensors.bias != null ? 1 : 0) | (relu ? 2 : 0);
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
  // dense tiles where the pair lists do not pay
  let job = { build, name: 'matMulChunk', args: [...args, 0] };
  if (pairs == null || pairListsPay(pairs.listed, mPad, k, nPad)) {
    if (pairs?.finite()) {
      countPairSkips(pairs.listed, mPad, k, nPad);
      job = { build: pairs.build, name: 'pairChunk', args: [...args, at.lists * 4, pairs.ends] };
    } else if (tried) {
      // [mPad / 4 blocks] lists of the steps of k to walk (0: all)
      const lists = listZeroSteps(kernels, {
        a: at.rows * 4,
        lists: at.lists * 4,
        m: mPad,
        k,
        b: at.panels * 4,
        bFloats: nPad * k,
        n: nPad,
      });
      job = { build, name: 'matMulChunk', args: [...args, lists] };
    }
  }
  pool.run(job.build, job.name, chunks, job.args);
  copyOut(backend, heap, tensors.out, at);
}

/**
 * {@link multiply} with its preparation in chunks (threaded-pair-steps.wat's `prepChunk`; a pool
 * job, or on the calling thread: {@link PoolPrep}): the operands copied in as given, then `op(a)`'s
 * transpose and pair lists by row chunks and `op(b)`'s panels by column groups with their
 * finiteness; then {@link runTiles} as `multiply` runs it, on the same lists and panels, so the same
 * bits and the same routing.
 */
function multiplyPrepared(
  backend: WasmBackendLike,
  running: PoolUse<ThreadedMatMulKernels>,
  pairs: PoolUse<ThreadedPairKernels>,
  tensors: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; out: TensorInfo },
  at: Layout,
  options: { transposeA: boolean; transposeB: boolean; relu: boolean },
  { tried, listing }: { tried: boolean; listing: boolean },
): void {
  const { pool } = running;
  const { m, k, n, mPad, nPad } = at;
  // Views after the last allocation: an allocation may move tfjs's heap (and reserve the pool's).
  const heap = new Float32Array(pool.memory.buffer);
  const words = new Int32Array(pool.memory.buffer);
  heap.set(backend.typedArrayFromHeap(tensors.a) as Float32Array, options.transposeA ? at.raw : at.rows);
  heap.fill(0, at.rows + m * k, at.rows + mPad * k);
  heap.set(backend.typedArrayFromHeap(tensors.b) as Float32Array, at.rawB);
  copyBias(backend, heap, tensors.bias, at);
  // about CHUNKS_PER_THREAD chunks a thread of each kind: column groups of a multiple of 8 columns,
  // and (to transpose or list op(a)) row chunks of a multiple of 4 rows; at most MAX_CHUNKS / 2 of
  // each, so that both kinds make one pool job and their results fit the layout's flags
  const wanted = Math.min(pool.threads * CHUNKS_PER_THREAD, Math.floor(MAX_CHUNKS / 2));
  const groupCols = Math.ceil(nPad / 8 / wanted) * 8;
  const groups = Math.ceil(nPad / groupCols);
  const chunkRowsA = Math.ceil(mPad / 4 / wanted) * 4;
  const first = options.transposeA || listing ? Math.ceil(mPad / chunkRowsA) : 0;
  // prepChunk's arguments: b, bp, k, n, transposed, cols, a, lists, mPad, aRaw, m, flags, first, chunkRows
  words.set(
    [
      at.rawB * 4,
      at.panels * 4,
      k,
      n,
      options.transposeB ? 1 : 0,
      groupCols,
      at.rows * 4,
      listing ? at.chunkLists * 4 : 0,
      mPad,
      options.transposeA ? at.raw * 4 : 0,
      m,
      at.flags * 4,
      first,
      chunkRowsA,
    ],
    at.params,
  );
  if (prep === 'job') pool.run(pairs.build, 'prepChunk', first + groups, [at.params * 4]);
  else for (let c = 0; c < first + groups; c++) pairs.kernels.prepChunk(c, at.params * 4);
  runTiles(
    backend,
    running,
    heap,
    tensors,
    at,
    options.relu,
    tried,
    listing
      ? {
          build: pairs.build,
          ...joinLists(words, at, first, chunkRowsA),
          finite: () =>
            words.subarray(at.flags + first, at.flags + first + groups).every((finite) => finite === 1),
        }
      : null,
  );
}

/**
 * The addresses of the row chunks' pair lists (prepChunk: chunk c's, as `pairSteps` writes them for
 * its rows, at `chunkLists + c * (chunkRows / 2 * (kBlocks + k) + 5)` words, its count at `flags +
 * c`) as one table for pairChunk: at `lists`, the beginning of each pair's blocks' steps, in the
 * order of one `pairSteps` call over all of `op(a)`; `mPad / 2 * kBlocks` words on, each one's end
 * (the chunk's next address). The steps stay where the chunks listed them. Returns the byte offset
 * of the ends and how many steps were listed in all.
 */
function joinLists(
  words: Int32Array,
  at: Layout,
  chunks: number,
  chunkRows: number,
): { ends: number; listed: number } {
  const kBlocks = Math.ceil(at.k / 256);
  const stride = (chunkRows / 2) * (kBlocks + at.k) + 5;
  const ends = at.lists + (at.mPad / 2) * kBlocks;
  let entry = 0;
  let listed = 0;
  for (let c = 0; c < chunks; c++) {
    const region = at.chunkLists + c * stride;
    const entries = (Math.min(chunkRows, at.mPad - c * chunkRows) / 2) * kBlocks;
    for (let e = 0; e < entries; e++, entry++) {
      words[at.lists + entry] = words[region + e];
      words[ends + entry] = words[region + e + 1];
    }
    listed += words[at.flags + c];
  }
  return { ends: ends * 4, listed };
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
