import { expect } from 'vitest';
import { random } from '../../fuzz/values.js';
import { pairScratchAt, pairStepsFloats } from '../simd/pair-steps.js';
import { rowPanelAt, rowStepsFloats } from '../simd/row-steps.js';
import { rowWideFloats, rowWidePanelAt } from '../simd/row-wide.js';
import { pairModulesOn } from './pair-modules.js';
import { sequence } from './run-kernel.js';

// The checks that float-row-lists*.test.ts (row-steps.wat) and float-row-wide*.test.ts (row-wide.wat)
// put a module of the one-thread products over each row's own list through: hand-picked shapes, random
// draws, and a zero's sign.

/** What differs between the modules of the rows' lists that {@link fuzzRowLists} draws for. */
export interface RowListsWalk {
  /** The module's file, for messages (`row-steps.wat`). */
  name: string;
  /** The draws' seed. */
  seed: number;
  /** The heap's pages of 64 KiB (room for the largest draw). */
  pages: number;
  /** Counts of steps `k` drawn, each as likely as one drawn in 1-1300: the module's block edges. */
  ks: readonly number[];
  /** `n` is drawn as this many columns (the walk's step: 16 or 32) times 1 to `panels`. */
  columns: number;
  /** The most panels of `columns` drawn. */
  panels: number;
  /** Steps per block of the lists. */
  block: number;
  /** Floats of scratch for the lists of `a [m, k]` and the panel (rowStepsFloats, rowWideFloats). */
  floats(m: number, k: number): number;
  /** Where the panel goes in the scratch at `lists` (bytes: rowPanelAt, rowWidePanelAt). */
  panelAt(lists: number, m: number, k: number): number;
  /** Floats after the panel the walk writes (row-steps.wat: its slots' first, empty rows' sums). */
  spareFloats: number;
}

/**
 * The walk's module (`rows`), the pairs' (`pairs`) and the dense reference (`dense`) on one memory of
 * `pages` pages; throws, naming the walk, where its module did not load.
 */
function walkModulesOn(walk: RowListsWalk, pages: number, rows: string, pairs: string, dense: string) {
  const { rowKernels, kernels: pairKernels, reference, heap } = pairModulesOn(pairs, dense, pages, rows);
  if (rowKernels == null) throw new Error(`${walk.name} did not load`);
  return { rowKernels, pairKernels, reference, heap };
}

/** row-steps.wat: 16 columns a step, blocks of 512 steps. */
export const ROW_STEPS_WALK: RowListsWalk = {
  name: 'row-steps.wat',
  seed: 2026,
  pages: 80,
  ks: [1, 2, 3, 4, 5, 511, 512, 513, 1023, 1024, 1027],
  columns: 16,
  panels: 4,
  block: 512,
  floats: rowStepsFloats,
  panelAt: rowPanelAt,
  spareFloats: 16,
};

/** row-wide.wat: 32 columns a step, blocks of 256 steps. */
export const ROW_WIDE_WALK: RowListsWalk = {
  name: 'row-wide.wat',
  seed: 2027,
  pages: 96,
  ks: [1, 2, 3, 5, 128, 255, 256, 257, 511, 512, 513, 700, 784, 1027],
  columns: 32,
  panels: 3,
  block: 256,
  floats: rowWideFloats,
  panelAt: rowWidePanelAt,
  spareFloats: 0,
};

/** `rowSteps`' and `pairSteps`' functions of one build, and the heap they share (see pair-modules.ts). */
export interface ListingModules {
  rowKernels: {
    rowSteps(a: number, lists: number, m: number, k: number, panel: number): number;
    pairUnion(): number;
  };
  pairKernels: { pairSteps(a: number, lists: number, m: number, k: number): number };
  heap: Float32Array;
  words: Int32Array;
}

/**
 * The lists' layout on `a [4, 2 block + 6]` (blocks `[0, B)`, `[B, 2B)` and 6 steps, the last 2 in the
 * scalar tail): each row's steps not ±0 per block, as the panel row and the value (NaN listed, -0
 * not), a row all ±0 in a block and one dense in it, the count and the pairs' union (against
 * `pairSteps`' own count), and the scratch the lists and the panel need.
 */
export function listsLayoutCase(
  walk: RowListsWalk,
  { rowKernels, pairKernels, heap, words }: ListingModules,
): void {
  const B = walk.block;
  const [m, k] = [4, 2 * B + 6];
  heap[3] = 1;
  heap[B - 1] = 2; // the first block's last step
  heap[B] = -3;
  heap[B + 100] = Number.NaN; // listed: only ±0 is passed over
  heap[2 * B + 5] = 4; // the scalar tail
  heap[7] = -0;
  heap[k + 5] = 5;
  heap[k + B - 1] = 6; // with row 0's: one pair-step
  heap[k + 2 * B + 4] = -0; // the tail, not listed
  for (let p = B; p < 2 * B; p++) heap[3 * k + p] = p % 3 === 0 ? 0.5 : -0.25; // row 2 all ±0
  const lists = 65536;
  const panel = 1 << 20;
  const listed = rowKernels.rowSteps(0, lists, m, k, panel);
  const steps = (r: number, kb: number) => {
    const [from, to] = [words[lists / 4 + 2 * (r * 3 + kb)], words[lists / 4 + 2 * (r * 3 + kb) + 1]];
    const out: [number, number][] = [];
    for (let w = from; w < to; w += 8) out.push([(words[w / 4] - panel) / 64, heap[w / 4 + 1]]);
    return out;
  };
  expect(steps(0, 0)).toEqual([
    [3, 1],
    [B - 1, 2],
  ]);
  expect(steps(0, 1)).toEqual([
    [B, -3],
    [B + 100, Number.NaN],
  ]);
  expect(steps(0, 2)).toEqual([[2 * B + 5, 4]]);
  expect(steps(1, 0)).toEqual([
    [5, 5],
    [B - 1, 6],
  ]);
  expect(steps(1, 2)).toEqual([]);
  expect([steps(2, 0), steps(2, 1), steps(2, 2)]).toEqual([[], [], []]);
  expect(steps(3, 1)).toEqual(Array.from({ length: B }, (_, i) => [B + i, (B + i) % 3 === 0 ? 0.5 : -0.25]));
  expect(listed).toBe(5 + 2 + B);
  // the pairs' count of the same a, without their pass: pair (0, 1) 3 + 2 + 1 steps, pair (2, 3) B
  expect(rowKernels.pairUnion()).toBe(6 + B);
  expect(pairKernels.pairSteps(0, lists, m, k)).toBe(rowKernels.pairUnion());
  // what it wrote stays inside the scratch the products allocate, before the panel
  expect(walk.panelAt(0, m, k)).toBeGreaterThanOrEqual(4 * (2 * m * 3 + 2 * m * k));
  expect(walk.floats(m, k)).toBeGreaterThanOrEqual(
    walk.panelAt(0, m, k) / 4 + walk.columns * k + walk.spareFloats,
  );
}

/** `[rows, cols]` values in [-1, 1) of which about `zeros` are ±0 (some -0), independently in each row. */
export function sparse(rows: number, cols: number, zeros: number, seed: number): Float32Array {
  const keep = sequence(rows * cols, seed + 1000);
  return sequence(rows * cols, seed).map((v, i) => ((keep[i] + 1) / 2 < zeros ? (i % 5 === 0 ? -0 : 0) : v));
}

/** `[m, k, n, share of a that is ±0, b given transposed]`. */
export type RowListsShape = [number, number, number, number, boolean];

/**
 * Each of `shapes` through `rows` (the module of `walk`, base64) on a fresh heap, with `pairs` and
 * `dense` of the same build: `a` sparse, its row 2 all 0 and row 4's one step its last (where it has
 * 5 rows), `out` not zeroed first. The bits of the pairs' `matMulPairs`, the values of the dense
 * `matMul`; then `m - 1` rows (odd) walked over the lists of `m`, the row after not written.
 */
export function bitsOnShapes(
  walk: RowListsWalk,
  shapes: readonly RowListsShape[],
  rows: string,
  pairs: string,
  dense: string,
): void {
  for (const [m, k, n, zeros, transposed] of shapes) {
    const { rowKernels, pairKernels, reference, heap } = walkModulesOn(walk, walk.pages, rows, pairs, dense);
    const a = sparse(m, k, zeros, m + k);
    a.fill(0, 2 * k, 3 * k); // row 2 all 0
    if (m >= 5) a[5 * k - 1] = 0.75; // a row's one step its block's last
    const b = sequence(k * n, n).map((v, i) => v * 10 ** ((i % 7) - 3)); // [k, n], or bT [n, k]
    const at = { a: 0, b: m * k, bDense: m * k + k * n, out: m * k + 2 * k * n };
    const want = at.out + m * n;
    const pairOut = want + m * n;
    const lists = (pairOut + m * n) * 4;
    heap.set(a, at.a);
    heap.set(b, at.b);
    // the dense reference takes b as [k, n]
    for (let p = 0; p < k; p++)
      for (let j = 0; j < n; j++) heap[at.bDense + p * n + j] = transposed ? b[j * k + p] : b[p * n + j];
    const flags = transposed ? 1 : 0;
    const panel = walk.panelAt(lists, m, k);
    expect(lists + 4 * walk.floats(m, k)).toBeLessThan(heap.byteLength);
    heap.fill(7, at.out, at.out + m * n); // out need not be zeroed
    rowKernels.rowSteps(at.a * 4, lists, m, k, panel);
    expect(rowKernels.matMulRows(at.a * 4, at.b * 4, at.out * 4, m, k, n, lists, panel, flags)).toBe(0);
    reference.matMul(at.a * 4, at.bDense * 4, want * 4, m, k, n, 0);
    const bits = (from: number, count = m * n) => Buffer.from(heap.buffer, from * 4, count * 4);
    // the dense loop adds every ±0 step, which can only turn an FMA's -0 sum (an underflow) to +0
    for (let i = 0; i < m * n; i++) expect(heap[at.out + i]).toBe(heap[want + i]);
    pairKernels.pairSteps(at.a * 4, lists, m, k);
    const { every, panel: pairPanel } = pairScratchAt(lists, m, k);
    expect(lists + 4 * pairStepsFloats(m, k)).toBeLessThan(heap.byteLength);
    pairKernels.matMulPairs(at.a * 4, at.b * 4, pairOut * 4, m, k, n, lists, every, pairPanel, flags);
    expect(bits(at.out).equals(bits(pairOut)), `${m}x${k}x${n}`).toBe(true);
    // m - 1 rows (odd) walked over the lists of m (row-steps.wat: the slots' last row runs alone)
    heap.fill(7, at.out, at.out + m * n);
    rowKernels.rowSteps(at.a * 4, lists, m, k, panel);
    rowKernels.matMulRows(at.a * 4, at.b * 4, at.out * 4, m - 1, k, n, lists, panel, flags);
    expect(bits(at.out, (m - 1) * n).equals(bits(pairOut, (m - 1) * n))).toBe(true);
    expect(heap[at.out + (m - 1) * n]).toBe(7); // the row after is not written
  }
}

/** Words written before and after each buffer a kernel may not touch. */
const SENTINEL = 0x5a5a5a5a;
const GUARD = 64;

/** Indices (the first 5) where `got` and `want` differ: other bits, or one a NaN and not the other. */
export function offFloats(got: Float32Array, want: Float32Array, zeroSign = true): number[] {
  const off: number[] = [];
  for (let i = 0; i < want.length && off.length < 5; i++) {
    const same = Number.isNaN(want[i])
      ? Number.isNaN(got[i])
      : zeroSign
        ? Object.is(got[i], want[i])
        : got[i] === want[i];
    if (!same) off.push(i);
  }
  return off;
}

/**
 * 60 random draws through `rows` (the module of `walk`, base64), each on a fresh heap with `pairs`
 * (pair-steps.wat) and `dense` (kernels.wat) of the same build: random m (odd ones walked over the
 * lists of m + 1), k, n, zeros, transposes, flags and the odd Infinity or NaN. Checks `rowSteps`'
 * count and `pairUnion` against a count in JS, `matMulRows` against the pairs' `matMulPairs` (the
 * same bits: the same steps passed over) and the dense `matMul` (the same values: it adds every ±0
 * step, only a zero's sign may differ), the count of panels of 16 columns walked in full, and guard
 * words before and after `out`'s m rows and the scratch (`walk.floats`).
 */
export function fuzzRowLists(walk: RowListsWalk, rows: string, pairs: string, dense: string): void {
  const next = random(walk.seed);
  const pick = <T>(options: readonly T[]) => options[Math.floor(next() * options.length)];
  let oddWalked = 0;
  let densePanelsSeen = 0;
  let multiBlock = 0;
  for (let draw = 0; draw < 60; draw++) {
    const { rowKernels, pairKernels, reference, heap } = walkModulesOn(walk, walk.pages, rows, pairs, dense);
    const words = new Int32Array(heap.buffer);
    // m: any count of rows (odd ones walked over the lists of m + 1, as a padded operand would be)
    const m = 1 + Math.floor(next() * 37);
    const mEven = m + (m % 2);
    const m4 = Math.ceil(mEven / 4) * 4; // the dense reference's rows
    const k = pick([...walk.ks, 0, 0, 0]) || 1 + Math.floor(next() * 1300);
    const n = walk.columns * (1 + Math.floor(next() * walk.panels));
    const transposed = next() < 0.3;
    const every = next() < 0.1;
    const flags = (transposed ? 1 : 0) | (every ? 2 : 0);
    // op(a) [m4, k]: zeros (signed at random) at a random density, dead rows and dead steps
    const density = pick([0, 0.05, 0.2, 0.5, 0.8, 1]);
    const deadSteps = next() < 0.4;
    const stepOff = Array.from({ length: k }, () => deadSteps && next() < 0.3);
    const a = sequence(m4 * k, 1 + draw);
    for (let r = 0; r < m4; r++) {
      const deadRow = r >= m || next() < 0.1;
      for (let p = 0; p < k; p++) {
        if (deadRow || stepOff[p] || next() >= density) a[r * k + p] = next() < 0.5 ? -0 : 0;
      }
    }
    if (next() < 0.15) a[Math.floor(next() * m * k)] = pick([Number.NEGATIVE_INFINITY, Number.NaN]);
    const bDense = sequence(k * n, 100 + draw).map((v, i) => v * 10 ** ((i % 5) - 2)); // [k, n]
    if (next() < 0.25) bDense[Math.floor(next() * k * n)] = pick([Number.POSITIVE_INFINITY, Number.NaN]);
    const bGiven = new Float32Array(k * n); // [k, n], or bT [n, k]
    for (let p = 0; p < k; p++)
      for (let j = 0; j < n; j++) bGiven[transposed ? j * k + p : p * n + j] = bDense[p * n + j];
    // floats: a, b as given, b [k, n], out (with guards), the pairs' out, the dense out, the scratch
    const at = { a: 0, b: m4 * k, bDense: m4 * k + k * n, out: m4 * k + 2 * k * n + GUARD };
    const pairOut = at.out + m * n + GUARD;
    const want = pairOut + mEven * n;
    const lists = (want + m4 * n + GUARD) * 4; // bytes
    const end = lists / 4 + walk.floats(mEven, k); // floats: the scratch's end
    expect(end + GUARD).toBeLessThan(heap.length);
    heap.set(a, at.a);
    heap.set(bGiven, at.b);
    heap.set(bDense, at.bDense);
    words.fill(SENTINEL, at.out - GUARD, at.out + m * n + GUARD); // out need not be zeroed
    words.fill(SENTINEL, lists / 4 - GUARD, end + GUARD);

    const panel = walk.panelAt(lists, mEven, k);
    const listed = rowKernels.rowSteps(at.a * 4, lists, mEven, k, panel);
    const nonzero = (r: number, p: number) => a[r * k + p] !== 0 || Number.isNaN(a[r * k + p]);
    let wantListed = 0;
    let wantUnion = 0;
    for (let r = 0; r < mEven; r += 2) {
      for (let p = 0; p < k; p++) {
        wantListed += (nonzero(r, p) ? 1 : 0) + (nonzero(r + 1, p) ? 1 : 0);
        wantUnion += nonzero(r, p) || nonzero(r + 1, p) ? 1 : 0;
      }
    }
    expect(listed).toBe(wantListed);
    expect(rowKernels.pairUnion()).toBe(wantUnion);
    // rowSteps stays before the panel
    expect(words.subarray(panel / 4, end + GUARD).every((w) => w === SENTINEL)).toBe(true);

    // a panel of 16 columns walks every step where it holds an Infinity or a NaN
    const nonFinitePanels = new Set<number>();
    for (let i = 0; i < k * n; i++)
      if (!Number.isFinite(bDense[i])) nonFinitePanels.add(Math.floor((i % n) / 16));
    const densePanels = rowKernels.matMulRows(at.a * 4, at.b * 4, at.out * 4, m, k, n, lists, panel, flags);
    expect(densePanels).toBe(every ? n / 16 : nonFinitePanels.size);
    densePanelsSeen += densePanels;
    if (m % 2 === 1) oddWalked++;
    if (k > walk.block) multiBlock++;
    const label = `draw ${draw}: ${m}x${k}x${n} flags ${flags} density ${density}`;
    // nothing written before or after out's m rows, nor before or after the scratch
    expect(
      words.subarray(at.out - GUARD, at.out).every((w) => w === SENTINEL),
      label,
    ).toBe(true);
    expect(
      words.subarray(at.out + m * n, at.out + m * n + GUARD).every((w) => w === SENTINEL),
      label,
    ).toBe(true);
    expect(
      words.subarray(end, end + GUARD).every((w) => w === SENTINEL),
      label,
    ).toBe(true);
    expect(
      words.subarray(lists / 4 - GUARD, lists / 4).every((w) => w === SENTINEL),
      label,
    ).toBe(true);
    const got = heap.slice(at.out, at.out + m * n);

    // the dense loop: every step, in order (only a zero's sign may differ: it adds the ±0 steps)
    reference.matMul(at.a * 4, at.bDense * 4, want * 4, m4, k, n, 0);
    expect(offFloats(got, heap.slice(want, want + m * n), false), label).toEqual([]);
    // the pairs (pairSteps's lists on the same scratch): the same bits
    expect(lists + 4 * pairStepsFloats(mEven, k)).toBeLessThan(heap.byteLength);
    pairKernels.pairSteps(at.a * 4, lists, mEven, k);
    const { every: everyAt, panel: pairPanel } = pairScratchAt(lists, mEven, k);
    pairKernels.matMulPairs(at.a * 4, at.b * 4, pairOut * 4, mEven, k, n, lists, everyAt, pairPanel, flags);
    expect(offFloats(got, heap.slice(pairOut, pairOut + m * n)), label).toEqual([]);
  }
  // the draws reached odd rows, several blocks of steps and panels walked in full
  expect(oddWalked).toBeGreaterThan(10);
  expect(multiBlock).toBeGreaterThan(10);
  expect(densePanelsSeen).toBeGreaterThan(5);
}

/**
 * The FMA zero-sign case (float-zero-skip.ts's module doc) through `rows` (the module of `walk`,
 * base64) against `pairs` and `dense` of the build `build` ('SIMD' or 'FMA'), on `[4, 4] . [4, n]`
 * (`n`: `walk.columns`): row 0's one product underflows; the pair lists row 1's step for row 0 too.
 * The same values as the pairs and the dense loop; a -0 in every column of row 0 only in the FMA build.
 */
export function zeroSignCase(
  walk: RowListsWalk,
  build: string,
  rows: string,
  pairs: string,
  dense: string,
): void {
  const { rowKernels, pairKernels, reference, heap } = walkModulesOn(walk, 64, rows, pairs, dense);
  const [m, k, n] = [4, 4, walk.columns];
  const a = new Float32Array(m * k); // [4, 4]
  a[0] = -1e-30; // row 0 [-1e-30, 0, 0, 0]: its one product underflows
  a[k + 1] = 1; // row 1 [0, 1, 0, 0]: the pair lists step 1 for row 0 too
  const b = new Float32Array(k * n).fill(1e-30); // [4, n]
  b.fill(1, n, 2 * n);
  const [aAt, bAt, rowsOut, pairsOut, denseOut] = [0, 256, 1024, 2048, 3072]; // floats
  heap.set(a, aAt);
  heap.set(b, bAt);
  const lists = 16384 * 4;
  const panel = walk.panelAt(lists, m, k);
  rowKernels.rowSteps(aAt * 4, lists, m, k, panel);
  rowKernels.matMulRows(aAt * 4, bAt * 4, rowsOut * 4, m, k, n, lists, panel, 0);
  pairKernels.pairSteps(aAt * 4, lists, m, k);
  const { every, panel: pairPanel } = pairScratchAt(lists, m, k);
  pairKernels.matMulPairs(aAt * 4, bAt * 4, pairsOut * 4, m, k, n, lists, every, pairPanel, 0);
  reference.matMul(aAt * 4, bAt * 4, denseOut * 4, m, k, n, 0);
  const out = (at: number) => heap.slice(at, at + m * n);
  expect(offFloats(out(rowsOut), out(denseOut), false)).toEqual([]);
  expect(offFloats(out(rowsOut), out(pairsOut), false)).toEqual([]);
  // the FMA rounds -1e-60 once, to -0; the SIMD build's multiply gives -0, and +0 + -0 is +0. The
  // pairs and the dense loop then add row 0's +0 x 1 at step 1, which turns -0 to +0; the row does not.
  for (let column = 0; column < n; column++) {
    expect(Object.is(heap[rowsOut + column], -0), `column ${column}`).toBe(build === 'FMA');
    expect(Object.is(heap[pairsOut + column], 0)).toBe(true);
    expect(Object.is(heap[denseOut + column], 0)).toBe(true);
  }
}
