import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setFmaKernelsEnabled, simdKernelsFlavor } from '../simd/simd-kernels.js';
import { sequence } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import {
  floatWideRowWalks,
  setFloatPairListsEnabled,
  setFloatRowListsEnabled,
  setFloatZeroSkipEnabled,
  WIDE_ROWS_AT_MOST_32NDS,
} from './float-zero-skip.js';
import {
  type PoolPrep,
  rowTiles,
  setPoolPrep,
  setThreadedMatMulMinimum,
  THREADED_MIN_MULTIPLY_ADDS,
  tiles,
} from './mat-mul-by-threads.js';

// The pool's products over lists per single row, 32 columns a step (threaded-row-wide.wat): the bits
// of the pool's pairs (threaded-pair-steps.wat) and of its dense tile, on 2 and 3 threads, and the
// share test that chooses them (WIDE_ROWS_AT_MOST_32NDS, as one thread's wide rows).

/** `[rows, cols]` values in [-1, 1) of which about `zeros` are ±0 (some -0), independently in each row. */
function sparse(rows: number, cols: number, zeros: number, seed: number): Float32Array {
  const keep = sequence(rows * cols, seed + 1000);
  return sequence(rows * cols, seed).map((v, i) => ((keep[i] + 1) / 2 < zeros ? (i % 5 === 0 ? -0 : 0) : v));
}

interface Case {
  /** op(a) is [m, k]; b [k, n] (or [n, k] with transposeB). */
  m: number;
  k: number;
  n: number;
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
  relu?: boolean;
  /** Share of a's zeros, independent in each row. */
  zeros: number;
  /** Flat indices of a and b set to a value (NaN, ±Infinity). */
  special?: { a?: [number, number][]; b?: [number, number][] };
}

/** The product on the current settings: its bits, and whether the pool walked the rows. */
async function product(c: Case, seed: number): Promise<{ bits: Uint32Array; walked: number }> {
  const before = tf.memory().numTensors;
  const aValues = sparse(c.m, c.k, c.zeros, seed);
  const bValues = sequence(c.k * c.n, seed + 1);
  for (const [i, v] of c.special?.a ?? []) aValues[i] = v;
  for (const [i, v] of c.special?.b ?? []) bValues[i] = v;
  const walks = floatWideRowWalks();
  const out = tf.tidy(() => {
    // op(a) [m, k]: a as given is [k, m] where transposeA
    const a = c.transposeA
      ? tf.tensor2d(aValues, [c.m, c.k]).transpose().clone()
      : tf.tensor2d(aValues, [c.m, c.k]);
    const b = tf.tensor2d(bValues, c.transposeB ? [c.n, c.k] : [c.k, c.n]);
    return c.bias || c.relu
      ? tf.fused.matMul({
          a,
          b,
          transposeA: c.transposeA,
          transposeB: c.transposeB,
          bias: c.bias ? tf.tensor1d(sequence(c.n, seed + 2)) : undefined,
          activation: c.relu ? 'relu' : 'linear',
        })
      : tf.matMul(a, b, c.transposeA, c.transposeB);
  });
  const walked = floatWideRowWalks() - walks;
  const data = (await out.data()) as Float32Array;
  out.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return { bits: new Uint32Array(Float32Array.from(data).buffer), walked };
}

/** The case three ways on the pool: rows on, rows off (the pairs), no skip (the dense tile). */
async function threeWays(c: Case, seed: number) {
  setFloatRowListsEnabled(true);
  const rows = await product(c, seed);
  setFloatRowListsEnabled(false);
  const pairs = await product(c, seed);
  setFloatRowListsEnabled(true);
  setFloatZeroSkipEnabled(false);
  const dense = await product(c, seed);
  // (wakes every resting shape)
  setFloatZeroSkipEnabled(true);
  return { rows, pairs, dense };
}

/** Where two bit patterns first differ, or -1. */
function firstDifference(x: Uint32Array, y: Uint32Array): number {
  expect(x.length).toBe(y.length);
  return x.findIndex((v, i) => v !== y[i]);
}

const WALKED: [string, Case][] = [
  ["x . W1 (k = 784, n = 512, MNIST's share)", { m: 128, k: 784, n: 512, zeros: 0.8 }],
  ['h1 . W2 + bias, relu (k = 512, n = 256)', { m: 128, k: 512, n: 256, zeros: 0.5, bias: true, relu: true }],
  ['h1^T . dy2 (transposeA, k = 128, n = 256)', { m: 512, k: 128, n: 256, zeros: 0.5, transposeA: true }],
  ['dy2 . W2^T (transposeB, k = 256, n = 512)', { m: 128, k: 256, n: 512, zeros: 0.5, transposeB: true }],
  ['k = 300, n = 64, m = 212 (odd row counts per tile)', { m: 212, k: 300, n: 64, zeros: 0.6 }],
  ['k = 128, n = 32, m = 300 (rows split, odd on 3 threads)', { m: 300, k: 128, n: 32, zeros: 0.6 }],
  ['m = 101 (padded to 104), k = 300, n = 64', { m: 101, k: 300, n: 64, zeros: 0.6 }],
  ['k = 784 transposed b, n = 256', { m: 128, k: 784, n: 256, zeros: 0.7, transposeB: true }],
  [
    'NaN and -Infinity in a, b finite',
    {
      m: 128,
      k: 300,
      n: 64,
      zeros: 0.6,
      special: {
        a: [
          [5, Number.NaN],
          [300 * 7 + 11, Number.NEGATIVE_INFINITY],
        ],
      },
    },
  ],
];

const NOT_WALKED: [string, Case][] = [
  [
    'Infinity in b (the pairs, every step)',
    { m: 128, k: 300, n: 64, zeros: 0.6, special: { b: [[64 * 17 + 40, Number.POSITIVE_INFINITY]] } },
  ],
  [
    'NaN in transposed b',
    { m: 128, k: 300, n: 64, zeros: 0.6, transposeB: true, special: { b: [[300 * 63 + 299, Number.NaN]] } },
  ],
  ['n = 48 (not a multiple of 32)', { m: 128, k: 300, n: 48, zeros: 0.6 }],
  ['dense rows (a row lists as much as a pair)', { m: 128, k: 300, n: 64, zeros: 0 }],
];

describe.each([2, 3])('the pool products over lists per single row, on %i threads', (threads) => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(await setWasmThreads(threads)).toBe(threads);
    setThreadedMatMulMinimum(THREADED_MIN_MULTIPLY_ADDS);
  });
  afterEach(() => {
    setPoolPrep();
    setFmaKernelsEnabled(true);
    setFloatRowListsEnabled(true);
    setFloatPairListsEnabled(true);
  });
  afterAll(async () => {
    setThreadedMatMulMinimum();
    await setWasmThreads(1);
  });

  it.each(WALKED)('walks the rows with the bits of the pairs and the dense tile: %s', async (_name, c) => {
    for (const fma of [true, false]) {
      setFmaKernelsEnabled(fma);
      for (const seed of [1, 2]) {
        const { rows, pairs, dense } = await threeWays(c, seed);
        // the rows list where the pairs would: their tiles (not the rows') 16 columns wide or more
        const mPad = Math.ceil(c.m / 4) * 4;
        expect(rows.walked).toBe(tiles(mPad, c.n, threads).chunkCols % 16 === 0 ? 1 : 0);
        expect(pairs.walked).toBe(0);
        expect(firstDifference(rows.bits, pairs.bits)).toBe(-1);
        expect(firstDifference(rows.bits, dense.bits)).toBe(-1);
      }
    }
  });

  it.each(NOT_WALKED)('leaves to the pairs, the same bits: %s', async (_name, c) => {
    const { rows, pairs, dense } = await threeWays(c, 3);
    expect(rows.walked).toBe(0);
    expect(firstDifference(rows.bits, pairs.bits)).toBe(-1);
    expect(firstDifference(rows.bits, dense.bits)).toBe(-1);
  });

  it.each(['job', 'calling'] as PoolPrep[])(
    'lists on the pool or the calling thread alike (%s)',
    async (where) => {
      setPoolPrep(where);
      const c: Case = { m: 212, k: 300, n: 64, zeros: 0.6, transposeA: true };
      const { rows, pairs } = await threeWays(c, 4);
      expect(rows.walked).toBe(1);
      expect(firstDifference(rows.bits, pairs.bits)).toBe(-1);
    },
  );
});

/**
 * a [128, 128] whose every pair of rows lists `union` of the 128 steps, row A `first` of them and row
 * B `second` (both from step 0, the rest ±0): a row's share against a pair's is (first + second) / (2 union).
 */
function shares(first: number, second: number, union: number): Float32Array {
  const [m, k] = [128, 128];
  const values = sequence(m * k, 31);
  const a = new Float32Array(m * k);
  for (let r = 0; r < m; r += 2) {
    // row A: steps [0, first); row B: steps [union - second, union)
    for (let p = 0; p < first; p++) a[r * k + p] = values[r * k + p] || 0.5;
    for (let p = union - second; p < union; p++) a[(r + 1) * k + p] = values[(r + 1) * k + p] || 0.5;
  }
  return a;
}

describe('the pool rows at the share bound (WIDE_ROWS_AT_MOST_32NDS)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(await setWasmThreads(2)).toBe(2);
    setThreadedMatMulMinimum(THREADED_MIN_MULTIPLY_ADDS);
  });
  afterAll(async () => {
    setThreadedMatMulMinimum();
    await setWasmThreads(1);
  });

  /** Whether a [128, 128] . b [128, 256] walked the rows on the pool; its bits equal the pairs'. */
  async function walks(a: Float32Array): Promise<boolean> {
    // (wakes the shape's rows after a listing that lost)
    setFloatPairListsEnabled(true);
    const before = tf.memory().numTensors;
    const b = tf.tensor2d(sequence(128 * 256, 32), [128, 256]);
    const x = tf.tensor2d(a, [128, 128]);
    const walks = floatWideRowWalks();
    const withRows = tf.matMul(x, b);
    const walked = floatWideRowWalks() - walks;
    setFloatRowListsEnabled(false);
    const withPairs = tf.matMul(x, b);
    setFloatRowListsEnabled(true);
    expect(
      firstDifference(
        new Uint32Array(withRows.dataSync().buffer),
        new Uint32Array(withPairs.dataSync().buffer),
      ),
    ).toBe(-1);
    tf.dispose([b, x, withRows, withPairs]);
    expect(tf.memory().numTensors).toBe(before);
    return walked === 1;
  }

  it('walks at 27/32 of the pairs share and not above it', async () => {
    expect(WIDE_ROWS_AT_MOST_32NDS).toBe(27);
    // union 112 of 128 (the pairs pay against dense: 112 <= 15/16 128); listed 189 = 27/32 2 112
    expect(await walks(shares(95, 94, 112))).toBe(true);
    expect(await walks(shares(95, 95, 112))).toBe(false);
    // a lower share walks, a dense one does not
    expect(await walks(shares(60, 60, 112))).toBe(true);
    expect(await walks(shares(112, 112, 112))).toBe(false);
  });

  it('rests a shape whose rows lost, then lists them again', async () => {
    setFloatPairListsEnabled(true);
    const b = tf.tensor2d(sequence(128 * 256, 32), [128, 256]);
    const lose = tf.tensor2d(shares(112, 112, 112), [128, 128]);
    const win = tf.tensor2d(shares(60, 60, 112), [128, 128]);
    const walks = floatWideRowWalks();
    tf.dispose(tf.matMul(lose, b));
    // resting: the rows are not listed, whatever the share
    tf.dispose(tf.matMul(win, b));
    expect(floatWideRowWalks() - walks).toBe(0);
    setFloatPairListsEnabled(true);
    tf.dispose(tf.matMul(win, b));
    expect(floatWideRowWalks() - walks).toBe(1);
    tf.dispose([b, lose, win]);
  });
});

describe('rowTiles', () => {
  it('cuts columns by 32 and rows by any count', () => {
    expect(rowTiles(128, 512, 2)).toEqual({ chunkRows: 128, chunkCols: 64, chunks: 8 });
    expect(rowTiles(128, 512, 3)).toEqual({ chunkRows: 128, chunkCols: 64, chunks: 8 });
    expect(rowTiles(300, 32, 3)).toEqual({ chunkRows: 25, chunkCols: 32, chunks: 12 });
    expect(rowTiles(212, 64, 2)).toEqual({ chunkRows: 27, chunkCols: 64, chunks: 8 });
  });
});

// (the flavor is FMA where relaxed SIMD validates: both builds run above either way)
void simdKernelsFlavor;
