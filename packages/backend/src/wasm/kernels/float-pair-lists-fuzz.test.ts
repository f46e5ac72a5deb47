import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { random } from '../../fuzz/values.js';
import { useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import * as pairStepsWasm from '../simd/generated/pair-steps-wasm.js';
import { listWords, type PairStepKernels, pairScratchAt, pairStepsFloats } from '../simd/pair-steps.js';
import { simdKernelsFlavor } from '../simd/simd-kernels.js';
import { type KernelInput, runKernelOn, sameBits, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import {
  floatZeroStepsSkipped,
  setFloatPairListsEnabled,
  setFloatZeroSkipEnabled,
} from './float-zero-skip.js';
import { setThreadedMatMulMinimum } from './mat-mul-by-threads.js';

// Random shapes, zero patterns, transposes, fused bias and relu, and the odd Infinity or NaN, through
// the products that walk lists per pair of rows (pair-steps.wat on one thread, threaded-pair-steps.wat
// on the pool): the same bits as the products with no skip, the CPU backend's values within 1e-4.
// The hand-picked cases: float-pair-lists.test.ts.

interface FuzzCase {
  name: string;
  /** `op(a)` is `[m, k]`, `op(b)` `[k, n]`. */
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  /** `_FusedMatMul` with a bias per column and a relu (3-D operands), else `BatchMatMul`. */
  fused: boolean;
  a: KernelInput;
  b: KernelInput;
  bias?: KernelInput;
}

/**
 * `op(a)` `[m, k]` with zeros (signed at random) where a row or a step is off and else at the given
 * density, independently per element: dead rows, dead steps (MNIST's borders) and a ReLU's zeros.
 */
function sparse(m: number, k: number, density: number, next: () => number): Float32Array {
  const values = sequence(m * k, 1 + Math.floor(next() * 1e6));
  const deadRows = new Set(Array.from({ length: Math.floor(next() * 3) }, () => Math.floor(next() * m)));
  const deadSteps = next() < 0.5 ? 0.3 : 0;
  const steps = Array.from({ length: k }, () => next() < deadSteps);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      if (deadRows.has(i) || steps[p] || next() >= density) values[i * k + p] = next() < 0.5 ? -0 : 0;
    }
  }
  return values;
}

/** `[rows, cols]` values laid out transposed (`[cols, rows]`) where `transposed`. */
function laidOut(values: Float32Array, rows: number, cols: number, transposed: boolean): Float32Array {
  if (!transposed) return values;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}

function fuzzCase(seed: number): FuzzCase {
  const next = random(seed);
  const pick = <T>(options: readonly T[]) => options[Math.floor(next() * options.length)];
  let m: number;
  let k: number;
  let n: number;
  // products of at least 2^20 multiply-adds (where the pairs are tried), now and then fewer
  do {
    // rows a multiple of 4 (the one-thread kernel's), even, or odd (padded)
    const rows = 2 + Math.floor(next() * 254);
    m = pick([rows - (rows % 4) || 4, rows - (rows % 2), rows]);
    k = 1 + Math.floor(next() * 700);
    n = pick([16, 32, 48, 64, 96, 128, 160, 256, 320, 384, 512, 40, 100, 120]);
  } while (m * k * n < (next() < 0.85 ? 1 << 20 : 1 << 16));
  const transposeA = next() < 0.3;
  const transposeB = next() < 0.4;
  const fused = next() < 0.3;
  const opA = sparse(m, k, pick([0, 0.03, 0.2, 0.4, 0.6, 0.9, 1]), next);
  const opB = sequence(k * n, 7 + seed);
  // (not in the fused products: stock XNNPACK's fused relu, which takes some of them, gives 0 for NaN)
  if (!fused && next() < 0.4) opB[Math.floor(next() * k * n)] = pick([Number.POSITIVE_INFINITY, Number.NaN]);
  if (!fused && next() < 0.15) opA[Math.floor(next() * m * k)] = pick([Number.NEGATIVE_INFINITY, Number.NaN]);
  const lead = fused ? [1] : [];
  const name =
    `${m}x${k}x${n}${transposeA ? ' transposeA' : ''}${transposeB ? ' transposeB' : ''}` +
    `${fused ? ' bias+relu' : ''}`;
  return {
    name,
    m,
    k,
    n,
    transposeA,
    transposeB,
    fused,
    a: { values: laidOut(opA, m, k, transposeA), shape: [...lead, ...(transposeA ? [k, m] : [m, k])] },
    b: { values: laidOut(opB, k, n, transposeB), shape: [...lead, ...(transposeB ? [n, k] : [k, n])] },
    bias: fused ? { values: sequence(n, 11 + seed), shape: [n] } : undefined,
  };
}

const CASES = Array.from({ length: 28 }, (_, i) => fuzzCase(1 + i));

it('draws cases that reach the lists, the panels of 16 columns and the Infinity and NaN rules', () => {
  const nonFinite = (input: KernelInput) => Array.from(input.values).some((v) => !Number.isFinite(v));
  const pairsFit = (c: FuzzCase) => c.m % 2 === 0 && c.n % 16 === 0 && c.m * c.k * c.n >= 1 << 20;
  expect(CASES.filter(pairsFit).length).toBeGreaterThan(8);
  expect(CASES.filter((c) => pairsFit(c) && nonFinite(c.b)).length).toBeGreaterThan(2);
  expect(CASES.filter((c) => nonFinite(c.a)).length).toBeGreaterThan(0);
  expect(CASES.filter((c) => c.fused && pairsFit(c)).length).toBeGreaterThan(0);
  expect(CASES.filter((c) => c.m % 2 === 1).length).toBeGreaterThan(0);
});

function run(c: FuzzCase, backend: 'cpu' | 'wasm') {
  const attrs = { transposeA: c.transposeA, transposeB: c.transposeB };
  return c.fused
    ? runKernelOn(
        backend,
        '_FusedMatMul',
        { a: c.a, b: c.b, bias: c.bias! },
        { ...attrs, activation: 'relu' },
      )
    : runKernelOn(backend, 'BatchMatMul', { a: c.a, b: c.b }, attrs);
}

/** The case's WASM product with the skip as given, and the steps it passed over. */
async function runWith(c: FuzzCase, skip: boolean, pairs: boolean) {
  setFloatZeroSkipEnabled(skip);
  setFloatPairListsEnabled(pairs);
  const before = floatZeroStepsSkipped();
  const out = await run(c, 'wasm');
  return { out, skipped: floatZeroStepsSkipped() - before };
}

/**
 * The indices where `got` and `want` disagree: a NaN or an Infinity not matched by the same, else more
 * than 1e-4 apart beyond a relative 1e-4 (the first 5).
 */
function beyondTolerance(got: Float32Array, want: Float32Array): number[] {
  const off: number[] = [];
  for (let i = 0; i < want.length && off.length < 5; i++) {
    const finite = Number.isFinite(want[i]);
    if (finite ? worstExcess([got[i]], [want[i]], 1e-4) > 1e-4 : !Object.is(got[i], want[i])) off.push(i);
  }
  return off;
}

describe.each([
  [1, false],
  [2, false],
  [2, true],
  [3, true],
])(
  'random products over lists per pair of rows, on %i threads (every product on the pool: %s)',
  (threads, pool) => {
    let walked = 0;
    beforeAll(async () => {
      await useBackend('wasm');
      expect(await setWasmThreads(threads)).toBe(threads);
      if (pool) setThreadedMatMulMinimum(1 << 16);
    });
    afterEach(() => {
      setFloatZeroSkipEnabled(true);
      setFloatPairListsEnabled(true);
    });
    afterAll(async () => {
      setThreadedMatMulMinimum();
      await setWasmThreads(1);
      // The pairs were walked in some of the cases (one thread: the FMA build's; the pool: its tiles
      // 16 columns wide), so the comparisons above reached them.
      if (threads === 1 ? simdKernelsFlavor() === 'fma' : pool) expect(walked).toBeGreaterThan(3);
    });

    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const want = await run(c, 'cpu');
      const pairs = await runWith(c, true, true);
      const blocks = await runWith(c, true, false);
      const none = await runWith(c, false, false);
      expect(pairs.out.shape).toEqual(want.shape);
      expect(sameBits(pairs.out.values, none.out.values)).toBe(true);
      expect(sameBits(blocks.out.values, none.out.values)).toBe(true);
      expect(beyondTolerance(pairs.out.values, want.values)).toEqual([]);
      expect(none.skipped).toBe(0);
      if (pairs.skipped > blocks.skipped) walked++;
    });
  },
);

describe('lists per pair of rows and operands rewritten in place', () => {
  afterAll(async () => {
    await setWasmThreads(1);
  });

  it.each([1, 2])(
    'lists the operand anew on every call (%i threads: an optimizer updates weights in place)',
    async (threads) => {
      await useBackend('wasm');
      expect(await setWasmThreads(threads)).toBe(threads);
      const before = tf.memory().numTensors;
      const [m, k, n] = [128, 512, 256];
      const first = sparse(m, k, 0.3, random(5)); // [128, 512]
      const second = sparse(m, k, 0.3, random(6)); // zeros elsewhere
      const a = tf.tensor2d(first, [m, k]);
      const b = tf.tensor2d(sequence(k * n, 7), [k, n]);
      const once = tf.matMul(a, b);
      once.dispose();
      // a's buffer rewritten where it lies, as the fused optimizers write their variables
      const backend = tf.backend() as unknown as WasmBackendLike;
      (backend.typedArrayFromHeap(a) as Float32Array).set(second);
      const again = tf.matMul(a, b);
      const fresh = tf.tensor2d(second, [m, k]);
      const want = tf.matMul(fresh, b);
      expect(sameBits(again.dataSync() as Float32Array, want.dataSync() as Float32Array)).toBe(true);
      tf.dispose([a, b, again, fresh, want]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});

describe('pair-steps.wat writes only inside the scratch it is given', () => {
  it.each([
    ['SIMD', pairStepsWasm.SIMD_WASM_BASE64],
    ['FMA', pairStepsWasm.FMA_WASM_BASE64],
  ])(
    'pairSteps and matMulPairs on random shapes and zero patterns leave the bytes past it alone (%s build)',
    (_n, base64) => {
      const memory = new WebAssembly.Memory({ initial: 64, maximum: 64 });
      const kernels = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, 'base64')), {
        env: { memory },
      }).exports as unknown as PairStepKernels;
      const heap = new Float32Array(memory.buffer);
      const words = new Int32Array(memory.buffer);
      const next = random(77);
      const SENTINEL = 0x5a5a5a5a;
      for (let draw = 0; draw < 40; draw++) {
        const m = 2 * (1 + Math.floor(next() * 40));
        const k = draw % 4 === 0 ? 256 * (1 + (draw % 3)) + (draw % 5) - 2 : 1 + Math.floor(next() * 600);
        const n = 16 * (1 + Math.floor(next() * 4));
        // every pair-step listed (the most written), none, or at random
        const dense = draw % 3 === 0;
        const a = dense ? new Float32Array(m * k).fill(1) : sparse(m, k, draw % 3 === 1 ? 0 : next(), next); // [m, k]
        const [aAt, bAt, outAt] = [0, m * k, m * k + k * n]; // floats
        const lists = (outAt + m * n) * 4; // bytes
        const end = lists / 4 + pairStepsFloats(m, k); // floats: the scratch's end
        heap.set(a, aAt);
        heap.set(sequence(k * n, draw), bAt);
        words.fill(SENTINEL, lists / 4, end + 64);
        const listed = kernels.pairSteps(aAt * 4, lists, m, k);
        expect(listed).toBeLessThanOrEqual((m / 2) * k);
        if (dense) expect(listed).toBe((m / 2) * k);
        // pairSteps stays inside its lists (listWords), matMulPairs inside the whole scratch
        const { every, panel } = pairScratchAt(lists, m, k);
        expect(words.subarray(lists / 4 + listWords(m, k), end + 64).every((w) => w === SENTINEL)).toBe(true);
        kernels.matMulPairs(aAt * 4, bAt * 4, outAt * 4, m, k, n, lists, every, panel);
        expect(panel + 64 * k).toBeLessThanOrEqual(end * 4);
        expect(words.subarray(end, end + 64).every((w) => w === SENTINEL)).toBe(true);
      }
    },
  );
});
