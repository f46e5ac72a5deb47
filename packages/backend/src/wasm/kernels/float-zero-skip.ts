/**
 * The float32 products' zero-step skip (threaded-mat-mul.wat, kernels.wat `matMul`, and per pair of
 * rows pair-steps.wat on one thread, threaded-pair-steps.wat on the pool): the switches, the rules
 * and the count of steps passed over. A step is one index of the inner axis `k` in a block of 4 rows
 * of `op(a)` (or, where the pairs' lists are taken, in a pair of rows); where all its rows hold ±0 there, its multiply-adds add ±0 to every accumulator
 * (which start at +0), so skipping it changes no value, provided `op(b)` holds no Infinity or NaN
 * (0 x Infinity is NaN): products whose `op(b)` is not all finite are never skipped (the pairs:
 * in the panels of 16 columns that hold one). The bits are the same too, but for the sign of a zero
 * in the FMA build: there an accumulator whose fused sum underflows (a product under float32's least,
 * added to +0) is -0, which a step of ±0 x a positive number turns to +0 in the dense loop and which
 * stays -0 where that step is passed over (the SIMD build's separate multiply and add never make -0
 * from +0: the same bits).
 */

import {
  PAIRS_B_TRANSPOSED,
  PAIRS_EVERY_STEP,
  type PairStepKernels,
  pairScratchAt,
  pairStepsFloats,
} from '../simd/pair-steps.js';
import { type RowStepKernels, rowPanelAt, rowStepsFloats } from '../simd/row-steps.js';
import { type RowWideKernels, rowWideFloats, rowWidePanelAt } from '../simd/row-wide.js';

let skipZeros = true;
let skipped = 0;

/**
 * A product shape (`m x k x n`) whose last listing left out fewer than 1/8 of its steps is listed
 * again only after this many calls: the pass over `op(a)` is 0.2-3% of a dense product
 * (LeNet-5's dense layers, random data), which so little skipping does not repay.
 */
export const REST_CALLS = 31;

/**
 * Product shapes (`m x k x n`) that sit out {@link REST_CALLS} calls after a listing that did not
 * repay its pass, with the calls each has left.
 */
class RestingShapes {
  private readonly callsLeft = new Map<string, number>();

  /** Whether the shape may list this call; a resting shape's call counts against its rest. */
  awake(m: number, k: number, n: number): boolean {
    const key = `${m}x${k}x${n}`;
    const left = this.callsLeft.get(key);
    if (left == null) return true;
    if (left > 0) {
      this.callsLeft.set(key, left - 1);
      return false;
    }
    this.callsLeft.delete(key);
    return true;
  }

  /** The shape lists again only after {@link REST_CALLS} calls. */
  rest(m: number, k: number, n: number): void {
    if (this.callsLeft.size >= 256) this.callsLeft.clear(); // (shapes seen once stay few)
    this.callsLeft.set(`${m}x${k}x${n}`, REST_CALLS);
  }

  /** Wakes every shape. */
  clear(): void {
    this.callsLeft.clear();
  }
}

/** The shapes whose steps' listing rests. */
const resting = new RestingShapes();

/**
 * Whether the float32 products pass over the steps of the inner axis that are ±0 in all 4 rows of a
 * row block (`true`, the default: the same values, see the module doc; `false` multiplies them, for
 * tests and benchmarks that compare the two). Inputs with zeros in the same places (MNIST's blank
 * borders, a ReLU's zeros) are where it pays. Either call also wakes every resting shape (see
 * {@link REST_CALLS}).
 */
export function setFloatZeroSkipEnabled(on: boolean): void {
  skipZeros = on;
  resting.clear();
  rowsResting.clear();
}

/**
 * Products with fewer output columns than this never skip: listing the steps costs a pass over
 * `op(a)` (and, on one thread, a scratch allocation), which a step passed over in fewer than 4
 * panels of 8 columns does not repay (`pnpm --filter @tensorfold/bench float-skip-ab products`
 * measured the MLP's 10-class layer 17% slower when a first version listed every product).
 */
export const MIN_SKIP_COLUMNS = 32;

/**
 * Whether an `m x k x n` product (`op(a) [m, k]`) lists its steps this call: {@link
 * setFloatZeroSkipEnabled} lets it (on by default), `n >= MIN_SKIP_COLUMNS`, and the shape is not
 * resting after a listing that left out little (see {@link REST_CALLS}). Counts the call against the
 * rest: call it once per product.
 */
export function floatZeroSkipTried(m: number, k: number, n: number): boolean {
  return skipZeros && n >= MIN_SKIP_COLUMNS && resting.awake(m, k, n);
}

/**
 * Steps the float32 products have passed over since the process started, each a block of 4 rows
 * times 8 columns of the output at one index of `k` (32 multiply-adds; the lists per pair of rows
 * count theirs, 2 rows times 16 columns, in the same unit; those per single row, 1 row times 16
 * columns, as half a step each); for tests and benchmarks.
 */
export function floatZeroStepsSkipped(): number {
  return skipped;
}

/**
 * A block of `k` steps is walked by its list only where at most this many eighths of its steps are
 * listed: a listed step costs a load more than a step of the dense loop (5/8 to 8/8 measured alike
 * within the noise, `pnpm --filter @tensorfold/bench float-skip-ab mlp mnist`).
 */
export const LISTED_AT_MOST_EIGHTHS = 7;

/** The SIMD kernels' product (kernels.wat), with its skip's lists as the last argument. */
interface ListedMatMul extends ZeroStepKernels {
  matMul(a: number, b: number, out: number, m: number, k: number, n: number, lists?: number): void;
}

/** The pairs' product needs its output columns in panels of this many. */
export const PAIR_PANEL_COLUMNS = 16;

/**
 * Products under this many multiply-adds keep the blocks of 4 rows: the MLP's 10-class weight
 * gradient, run flipped as `dy^T . h` (`12 x 128 x 256`, 393,216), measured 1.4x slower over
 * pairs (its panel copies and listing against little work; `FLOAT_SKIP_AB=pairs pnpm --filter
 * @tensorfold/bench float-skip-ab products`), the MLP's hidden products (16.8 M and more) faster.
 */
export const MIN_PAIR_MULTIPLY_ADDS = 1 << 20;

/**
 * A product walks the pairs' lists only where at most this many sixteenths of its pair-steps are
 * listed. A listed pair-step costs what a step of the dense 4 x 8 tile costs (the kernel alone on
 * `[128, 512] x [512, 256]`: 570 against 575 us with every pair-step listed; 0.82-0.91x the dense time
 * with 0.9 listed on the MLP's three hidden-layer shapes), so the pairs pay almost up to dense; the
 * MLP's second layer trained on MNIST lists 0.82-0.90.
 */
export const PAIR_LISTED_AT_MOST_SIXTEENTHS = 15;

let pairListsOn = true;

/**
 * Whether the products (one thread and the pool) may walk lists per pair of rows (`true`, the
 * default) or only per block of 4 rows (`false`: the skip as before), for tests and benchmarks that compare the two.
 */
export function setFloatPairListsEnabled(on: boolean): void {
  pairListsOn = on;
  resting.clear();
  rowsResting.clear();
}

/**
 * Where the pairs' product may run and `n % 32 === 16` (else {@link WIDE_ROWS_AT_MOST_32NDS}), the
 * lists per single row (row-steps.wat, 16 columns a step) walk instead where a row lists at most this
 * many quarters of the share a pair of rows lists (the rows' share of `m k`
 * steps over the pairs' of `m / 2 k`). A row's step is 4 multiply-adds on 4 loads of `b`, a pair's 8
 * on 4: kernel against kernel the rows break even at about 0.8 of the pairs' share (`pnpm --filter
 * @tensorfold/bench row-lists-products mnist|random`: 0.75 1.08x, 0.82 0.98x, 0.85 0.89x, 1.0 0.85x);
 * MNIST's pixels list 0.65 of it (1.18x), a ReLU's zeros 0.67-0.77.
 */
export const ROWS_AT_MOST_QUARTERS = 3;

/**
 * Products whose `n` is a multiple of this many columns walk the rows 32 columns a step (row-wide.wat:
 * 8 multiply-adds on 8 loads of `b` a listed step, each step's list entry, splat and loop test spread
 * over twice as many as row-steps.wat's 16 columns), at most {@link WIDE_ROWS_AT_MOST_32NDS}.
 */
export const ROW_WIDE_COLUMNS = 32;

/**
 * Where `n % 32 === 0`, the rows (row-wide.wat, 32 columns a step) walk instead of the pairs where a
 * row lists at most this many 32nds of a pair's share (0.84). Kernel against kernel (`pnpm --filter
 * @tensorfold/bench row-lists-products mnist|random [--trained steps]`, listing included) the wide
 * rows run at 0.92-0.93 of the pairs' rate on dense rows and break even at 0.83-0.84 of their share
 * where visits are short (`x^T . dy1`: 784 rows of 128 steps, 0.845-0.856 in training, 0.97-0.99x) and
 * at 0.85-0.90 where they are long (`dy2 . W2^T`: 0.80 1.12x, 0.85 1.06x; `h1 . W2` on random
 * pixels: 0.82 1.03x).
 */
export const WIDE_ROWS_AT_MOST_32NDS = 27;

/**
 * The rows' lists reserve 8 bytes (2 floats) for every step of `op(a)` (a step and its value, see
 * row-steps.ts): products whose `op(a)` holds more than this many floats (8 MiB; its lists 16 MiB, 4
 * times the pairs') keep the pairs' lists.
 */
export const MAX_ROW_LISTED_FLOATS = 1 << 21;

let rowListsOn = true;
let rowWalks = 0;
let wideRowWalks = 0;

/** The shapes whose rows lost to their pairs, resting before they list their rows again. */
const rowsResting = new RestingShapes();

/**
 * Whether the one-thread products that may walk the pairs' lists first list per single row and walk
 * those where they pay (`true`, the default; {@link ROWS_AT_MOST_QUARTERS}), or take the pairs as
 * before (`false`), for tests and benchmarks that compare the two. The same bits either way, but for
 * the FMA build's zero sign (above: a pair adds its other row's ±0 steps, which a row passes over).
 * The shapes whose rows rest stay resting (a fact about their data, so an A/B that turns the rows
 * on and off every round times the steady state); {@link setFloatPairListsEnabled} and
 * {@link setFloatZeroSkipEnabled} wake them.
 */
export function setFloatRowListsEnabled(on: boolean): void {
  rowListsOn = on;
}

/** Products that walked the lists per single row since the process started; for tests and benchmarks. */
export function floatRowWalks(): number {
  return rowWalks;
}

/** Of {@link floatRowWalks}, those that walked 32 columns a step (row-wide.wat); for tests and benchmarks. */
export function floatWideRowWalks(): number {
  return wideRowWalks;
}

/**
 * Whether an `[m, k] . [k, n]` product would try the lists per pair of rows (the skip on, pairs on,
 * `m` even, `n` a multiple of {@link PAIR_PANEL_COLUMNS}, at least {@link MIN_PAIR_MULTIPLY_ADDS};
 * the pool also needs its tiles 16 columns wide or more): then the
 * operand whose zeros matter should be its left one (batch-mat-mul.ts keeps `dy . W^T` as written
 * on one thread; the pool packs `op(a)` as rows whatever the transposes).
 */
export function pairListsWanted(m: number, k: number, n: number): boolean {
  return skipZeros && pairsFit(m, k, n);
}

/**
 * Whether a product arranged so that `op(a)` is `[m, k]` would walk the pairs' lists this call:
 * {@link pairListsWanted}, and {@link floatZeroSkipTried} (at least {@link MIN_SKIP_COLUMNS} columns,
 * the shape not resting after a listing that left out little, such as a dense `dy`). For a caller
 * that picks the arrangement (batch-mat-mul.ts): a resting shape's call counts against its rest here,
 * since the product, arranged otherwise, does not list that shape; where this returns true the
 * product's own {@link floatZeroSkipTried} finds the shape not resting and counts nothing.
 */
export function pairListsLikely(m: number, k: number, n: number): boolean {
  return pairListsWanted(m, k, n) && floatZeroSkipTried(m, k, n);
}

/** Whether `a [m, k] . [k, n]` may take the pairs' product (pair-steps.wat). */
function pairsFit(m: number, k: number, n: number): boolean {
  return pairListsOn && m % 2 === 0 && n % PAIR_PANEL_COLUMNS === 0 && m * k * n >= MIN_PAIR_MULTIPLY_ADDS;
}

/**
 * Floats of scratch that {@link listedMatMul} needs for `a [m, k]` times `[k, n]`: the blocks'
 * lists, or the pairs' lists and panel where the product may take them.
 */
export function skipListFloats(m: number, k: number, n: number): number {
  const blocks = zeroStepsFloats(m, k);
  return pairsFit(m, k, n) ? Math.max(blocks, pairListFloats(m, k)) : blocks;
}

/** Floats of scratch that the pairs' product (or the rows' that may run instead) needs for `a [m, k]`. */
export function pairListFloats(m: number, k: number): number {
  return rowsFit(m, k)
    ? Math.max(pairStepsFloats(m, k), rowStepsFloats(m, k), rowWideFloats(m, k))
    : pairStepsFloats(m, k);
}

/** Whether the rows' lists of `a [m, k]` may be made (at most {@link MAX_ROW_LISTED_FLOATS} floats). */
function rowsFit(m: number, k: number): boolean {
  return m * k <= MAX_ROW_LISTED_FLOATS;
}

/**
 * `out [m, n] = a [m, k] . b [k, n]` (byte addresses on tfjs-backend-wasm's heap), passing over the
 * zero steps of `a`, with the scratch at `lists` ({@link skipListFloats} floats; null: the skip is
 * off and kernels.wat's `matMul` runs every step). Where `pairs` (pair-steps.wat) is given, `m` is
 * even, `n` a multiple of {@link PAIR_PANEL_COLUMNS} and the product at least
 * {@link MIN_PAIR_MULTIPLY_ADDS}, each pair of rows walks its own list of
 * the steps where either row is not ±0 (2 rows x 16 columns a step, as many multiply-adds per load
 * as kernels.wat's 4 x 8 tile, whose blocks of 4 rows list a step where any of the 4 is not zero:
 * a ReLU's zeros, independent in each row, leave out about twice as many steps per pair as per
 * block); at most {@link PAIR_LISTED_AT_MOST_SIXTEENTHS} sixteenths listed (else every step runs: a
 * block would list at least as many). A panel of 16 columns of `b` holding an Infinity or a NaN walks every step
 * (its columns' sums meet 0 x Infinity where the dense loop does). Else kernels.wat's lists per
 * block of 4 rows, where `b` is all finite.
 */
export function listedMatMul(
  kernels: ListedMatMul,
  { a, b, out, m, k, n }: { a: number; b: number; out: number; m: number; k: number; n: number },
  lists: number | null,
  pairs: PairStepKernels | null = null,
  rows: RowStepKernels | null = null,
  wide: RowWideKernels | null = null,
): void {
  if (lists != null && pairs != null && pairsFit(m, k, n)) {
    if (rowsWalked(rows, wide, { a, b, out, m, k, n }, lists, 0)) return;
    const listed = pairs.pairSteps(a, lists, m, k);
    if (pairListsPay(listed, m, k, n)) {
      const { every, panel } = pairScratchAt(lists, m, k);
      countPairSkips(listed, m, k, n, pairs.matMulPairs(a, b, out, m, k, n, lists, every, panel));
    } else {
      kernels.matMul(a, b, out, m, k, n, 0);
    }
    return;
  }
  const walk = lists == null ? 0 : listZeroSteps(kernels, { a, lists, m, k, b, bFloats: k * n, n });
  kernels.matMul(a, b, out, m, k, n, walk);
}

/**
 * `out [m, n] = a [m, k] . bT [n, k]^T` (byte addresses) by the pairs' product, `bT` read as it lies
 * (its rows transposed into each panel as it is copied, pair-steps.wat): the product {@link
 * listedMatMul} runs on `bT` transposed beforehand, the same bits, without that transpose's pass.
 * Where the listing does not pay ({@link pairListsPay}) every panel walks every step (the dense
 * loop's sums in the same order). Needs {@link pairListsWanted}, and `lists` ({@link skipListFloats}
 * floats) taken where {@link floatZeroSkipTried} said yes.
 */
export function pairsMatMulTransposedB(
  pairs: PairStepKernels,
  { a, bT, out, m, k, n }: { a: number; bT: number; out: number; m: number; k: number; n: number },
  lists: number,
  rows: RowStepKernels | null = null,
  wide: RowWideKernels | null = null,
): void {
  if (rowsWalked(rows, wide, { a, b: bT, out, m, k, n }, lists, PAIRS_B_TRANSPOSED)) return;
  const listed = pairs.pairSteps(a, lists, m, k);
  const { every, panel } = pairScratchAt(lists, m, k);
  if (pairListsPay(listed, m, k, n)) {
    countPairSkips(
      listed,
      m,
      k,
      n,
      pairs.matMulPairs(a, bT, out, m, k, n, lists, every, panel, PAIRS_B_TRANSPOSED),
    );
  } else {
    pairs.matMulPairs(a, bT, out, m, k, n, lists, every, panel, PAIRS_B_TRANSPOSED | PAIRS_EVERY_STEP);
  }
}

/**
 * Where the pairs' product would run (`m` even, `n % 16 == 0`; `flags` as its), lists the rows of `a`
 * and walks them if they pay: 32 columns a step (`wide`, row-wide.wat) where `n % 32 == 0`, at most
 * {@link WIDE_ROWS_AT_MOST_32NDS} 32nds of the pairs' share listed; else 16 (`rows`,
 * row-steps.wat), at most {@link ROWS_AT_MOST_QUARTERS} quarters (a pair's union counted in the same
 * pass). Returns whether it ran the product; false leaves it to the pairs, and rests the shape's rows
 * for {@link REST_CALLS} calls where they listed too much (a pass that the pairs' own listing would
 * repeat). The same bits as the pairs' and the dense loop's (each element summed over its steps in
 * order), but for the FMA zero sign (module doc).
 */
function rowsWalked(
  rows: RowStepKernels | null,
  wide: RowWideKernels | null,
  { a, b, out, m, k, n }: { a: number; b: number; out: number; m: number; k: number; n: number },
  lists: number,
  flags: number,
): boolean {
  const walk = wide != null && n % ROW_WIDE_COLUMNS === 0 ? wide : rows;
  if (walk == null || !rowListsOn || !rowsFit(m, k) || !rowsResting.awake(m, k, n)) return false;
  const panel = walk === wide ? rowWidePanelAt(lists, m, k) : rowPanelAt(lists, m, k);
  const listed = walk.rowSteps(a, lists, m, k, panel);
  // a row's share of its m k steps against a pair's of its m / 2 k: listed / (2 union)
  const pays =
    walk === wide
      ? 32 * listed <= WIDE_ROWS_AT_MOST_32NDS * 2 * walk.pairUnion()
      : 4 * listed <= ROWS_AT_MOST_QUARTERS * 2 * walk.pairUnion();
  if (!pays) {
    rowsResting.rest(m, k, n);
    return false;
  }
  const densePanels = walk.matMulRows(a, b, out, m, k, n, lists, panel, flags);
  // (a row-step passed over is 16 multiply-adds, half the blocks' unit; a wide one counts twice)
  skipped += ((m * k - listed) * (n / PAIR_PANEL_COLUMNS - densePanels)) / 2;
  rowWalks++;
  if (walk === wide) wideRowWalks++;
  return true;
}

/**
 * Whether `pairSteps`' listing of `a [m, k]` (`listed` of its `m / 2 * k` pair-steps) is walked:
 * at most {@link PAIR_LISTED_AT_MOST_SIXTEENTHS} sixteenths listed. Else every step runs (a block of
 * 4 rows would list at least as many), and a listing that left out under 1/8 rests the shape.
 */
export function pairListsPay(listed: number, m: number, k: number, n: number): boolean {
  const steps = (m / 2) * k;
  if (16 * listed <= PAIR_LISTED_AT_MOST_SIXTEENTHS * steps) return true;
  if (8 * (steps - listed) < steps) resting.rest(m, k, n);
  return false;
}

/**
 * Counts the pair-steps a walk of the pairs' lists passed over, in the blocks' unit (2 rows x 16
 * columns at one step, 32 multiply-adds), but in the `densePanels` panels of 16 columns that walked
 * every step.
 */
export function countPairSkips(listed: number, m: number, k: number, n: number, densePanels = 0): void {
  skipped += ((m / 2) * k - listed) * (n / PAIR_PANEL_COLUMNS - densePanels);
}

/** The functions of a module with the skip (kernels.wat, threaded-mat-mul.wat); byte addresses. */
export interface ZeroStepKernels {
  zeroSteps(a: number, lists: number, m: number, k: number, eighths: number): number;
  allFinite(x: number, count: number): number;
}

/**
 * Floats that `zeroSteps` may write for `a [m, k]` (`m % 4 === 0`): 2 per block of 4 rows and block
 * of 128 steps (the index), at most `k` steps per block of 4 rows (one float each), and 4 spare (a
 * step the listing writes and then leaves out lands where the next kept step would: inside the bound).
 */
export function zeroStepsFloats(m: number, k: number): number {
  return (m / 4) * (Math.ceil(k / 128) * 2 + k) + 4;
}

/**
 * Lists at `lists` the steps of `k` each block of 4 rows of `a [m, k]` (`m % 4 === 0`) walks, and
 * returns `lists` to pass to the product (call it where {@link floatZeroSkipTried}); 0 (every step)
 * where fewer than `k / 2` steps would be skipped in all (checking `b` would cost more than they
 * save), or `b` (its `bFloats` floats) holds an Infinity or a NaN (0 x Infinity must stay NaN).
 * Counts the steps passed over, one per 8 of the `n` columns; a listing that leaves out under 1/8 of
 * the steps rests the shape (see {@link REST_CALLS}).
 */
export function listZeroSteps(
  kernels: ZeroStepKernels,
  operands: { a: number; lists: number; m: number; k: number; b: number; bFloats: number; n: number },
): number {
  const { a, lists, m, k, b, bFloats, n } = operands;
  const left = kernels.zeroSteps(a, lists, m, k, LISTED_AT_MOST_EIGHTHS);
  if (8 * left < (m / 4) * k) resting.rest(m, k, n);
  // Fewer than k / 2 steps left out save less than the pass over b costs: run them all.
  if (2 * left < k || kernels.allFinite(b, bFloats) === 0) return 0;
  skipped += left * Math.ceil(n / 8);
  return lists;
}
