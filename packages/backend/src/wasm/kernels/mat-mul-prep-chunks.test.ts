import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import { setWasmThreads, threadPool } from '../threads/wasm-threads.js';
import {
  type PoolPrep,
  setPoolPrep,
  setThreadedMatMulMinimum,
  THREADED_MIN_MULTIPLY_ADDS,
} from './mat-mul-by-threads.js';

// The pool's products with their preparation (op(a)'s transpose and pair lists, op(b)'s panels and
// their finiteness) in prepChunk's chunks, in a pool job ('job') or on the calling thread
// ('calling'), against the preparation as before ('before'): the same bits, on 2 and 3 threads,
// and the tiles' routing unchanged.

/** Seeded values in [-1, 1), `zeros` of them ±0 (a ReLU's output, an MNIST digit's background). */
function values(count: number, seed: number, zeros: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    out[i] = u < zeros ? (i % 2 === 0 ? 0 : -0) : ((s >>> 8) / 2 ** 24) * 2 - 1;
  }
  return out;
}

interface Case {
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
  relu?: boolean;
  /** Share of zeros in a (and b). */
  zeros: [number, number];
  /** Flat indices of a and b set to NaN / ±Infinity. */
  special?: { a?: [number, number][]; b?: [number, number][] };
}

const CASES: [string, Case][] = [
  ['x . W1 (MNIST-like zeros)', { a: [128, 784], b: [784, 512], zeros: [0.8, 0] }],
  ['x^T . dy (transposeA)', { a: [128, 784], b: [128, 512], transposeA: true, zeros: [0.8, 0.5] }],
  ['dy . W^T (transposeB)', { a: [128, 256], b: [512, 256], transposeB: true, zeros: [0.5, 0] }],
  ['h1 . W2 + bias, relu', { a: [128, 512], b: [512, 256], bias: true, relu: true, zeros: [0.5, 0] }],
  [
    'both transposed, odd sizes',
    { a: [101, 130], b: [99, 101], transposeA: true, transposeB: true, zeros: [0.7, 0.1] },
  ],
  [
    "Infinity in the last float of transposed b, k odd (the finiteness test's tail of 1 to 3)",
    {
      a: [128, 401],
      b: [91, 401],
      transposeB: true,
      zeros: [0.8, 0],
      special: { b: [[91 * 401 - 1, Number.POSITIVE_INFINITY]] },
    },
  ],
  ['batched a (rows folded into m, m odd)', { a: [3, 51, 300], b: [300, 200], zeros: [0.8, 0] }],
  ['odd sizes, n = 10 (one partial panel)', { a: [402, 777], b: [777, 10], zeros: [0.8, 0] }],
  ['odd sizes, n = 37', { a: [250, 301], b: [301, 37], bias: true, zeros: [0.6, 0.2] }],
  ['dense rows (lists do not pay)', { a: [128, 300], b: [300, 200], zeros: [0, 0] }],
  [
    'NaN and Infinity in b: every step walked',
    {
      a: [128, 400],
      b: [400, 96],
      zeros: [0.8, 0],
      special: {
        b: [
          [5, Number.NaN],
          [400 * 96 - 1, Number.POSITIVE_INFINITY],
        ],
      },
    },
  ],
  [
    'Infinity in transposed b, NaN in a',
    {
      a: [128, 400],
      b: [90, 400],
      transposeB: true,
      zeros: [0.8, 0],
      special: {
        a: [[7, Number.NaN]],
        b: [[89 * 400 + 3, Number.NEGATIVE_INFINITY]],
      },
    },
  ],
];

async function product(c: Case, seed: number): Promise<Uint8Array> {
  const before = tf.memory().numTensors;
  const size = (shape: number[]) => shape.reduce((x, y) => x * y, 1);
  const aValues = values(size(c.a), seed, c.zeros[0]);
  const bValues = values(size(c.b), seed + 1, c.zeros[1]);
  for (const [i, v] of c.special?.a ?? []) aValues[i] = v;
  for (const [i, v] of c.special?.b ?? []) bValues[i] = v;
  const out = tf.tidy(() => {
    const a = tf.tensor(aValues, c.a);
    const b = tf.tensor(bValues, c.b);
    const n = c.transposeB ? c.b[0] : c.b[1];
    return c.bias || c.relu
      ? tf.fused.matMul({
          a,
          b,
          transposeA: c.transposeA,
          transposeB: c.transposeB,
          bias: c.bias ? tf.tensor(values(n, seed + 2, 0), [n]) : undefined,
          activation: c.relu ? 'relu' : 'linear',
        })
      : tf.matMul(a, b, c.transposeA, c.transposeB);
  });
  const data = (await out.data()) as Float32Array;
  out.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return new Uint8Array(Float32Array.from(data).buffer);
}

describe('the pool products prepared in chunks (prepChunk)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    setThreadedMatMulMinimum(THREADED_MIN_MULTIPLY_ADDS);
  });
  afterAll(async () => {
    setPoolPrep();
    setThreadedMatMulMinimum();
    setFmaKernelsEnabled(true);
    await setWasmThreads(1);
  });

  it.each([2, 3])('gives the bits of the preparation before on %i threads, both builds', async (threads) => {
    expect(await setWasmThreads(threads)).toBe(threads);
    for (const fma of [true, false]) {
      setFmaKernelsEnabled(fma);
      for (const [name, c] of CASES) {
        for (const seed of [1, 2]) {
          setPoolPrep('before');
          const before = await product(c, seed);
          for (const where of ['job', 'calling'] as const) {
            // another seed's product first, so that nothing the preparation misses is left right
            // in the pool's memory by the product before
            await product(c, seed + 10);
            setPoolPrep(where);
            const after = await product(c, seed);
            const same = Buffer.from(after).equals(Buffer.from(before));
            expect(same, `${name}, seed ${seed}, fma ${fma}, ${where}`).toBe(true);
          }
        }
      }
    }
    setFmaKernelsEnabled(true);
  });

  it("keeps a job of many threads within the pool's chunks (first + groups <= MAX_CHUNKS)", async () => {
    // 40 threads: 160 chunks wanted of each kind (row chunks of op(a), column groups of op(b)), 320
    // in all, more than a pool job takes and than the layout's results hold
    expect(await setWasmThreads(40)).toBe(40);
    const c: Case = { a: [64, 1280], b: [64, 1280], transposeA: true, zeros: [0.8, 0] };
    setPoolPrep('before');
    const before = await product(c, 4);
    for (const where of ['job', 'calling'] as const) {
      await product(c, 14);
      setPoolPrep(where);
      expect(Buffer.from(await product(c, 4)).equals(Buffer.from(before)), where).toBe(true);
    }
    setPoolPrep();
  }, 60_000);

  it('prepares in a pool job (or on the calling thread), then runs the tiles the preparation before would', async () => {
    expect(await setWasmThreads(2)).toBe(2);
    const pool = threadPool('pairs')?.pool;
    expect(pool).toBeDefined();
    const spy = vi.spyOn(pool!, 'run');
    const jobs = async (c: Case, where: PoolPrep) => {
      setPoolPrep(where);
      spy.mockClear();
      await product(c, 3);
      return spy.mock.calls.map(([, name, chunks]) => `${name}:${chunks}`);
    };
    try {
      for (const [name, c] of CASES) {
        const before = await jobs(c, 'before');
        const on = await jobs(c, 'job');
        expect(on[0] ?? 'none', name).toMatch(/^prepChunk:/);
        expect(on.slice(1), name).toEqual(before);
        expect(await jobs(c, 'calling'), name).toEqual(before);
      }
      // MNIST-like x . W1 on 2 threads: 128 rows listed in 8 chunks of 16, 512 columns packed in 8 of 64.
      expect(await jobs(CASES[0][1], 'job')).toEqual(['prepChunk:16', 'pairChunk:8']);
      // the default: the chunks as a first pool job, then the tiles' job
      setPoolPrep();
      spy.mockClear();
      await product(CASES[0][1], 3);
      expect(spy.mock.calls.map(([, name]) => name)).toEqual(['prepChunk', 'pairChunk']);
    } finally {
      spy.mockRestore();
      setPoolPrep();
    }
  });
});
