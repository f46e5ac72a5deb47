import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import * as kernelsWasm from '../simd/generated/kernels-wasm.js';
import * as pairStepsWasm from '../simd/generated/pair-steps-wasm.js';
import { type PairStepKernels, pairScratchAt, pairStepsFloats } from '../simd/pair-steps.js';
import { setFmaKernelsEnabled, simdKernelsFlavor } from '../simd/simd-kernels.js';
import { input, onOneWasmThreadWithFloatSkip } from '../test-utils/float-pairs.js';
import { pairModulesOn } from '../test-utils/pair-modules.js';
import { type KernelInput, runKernelOn, sameBits, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import {
  floatZeroStepsSkipped,
  pairListsLikely,
  pairListsPay,
  pairListsWanted,
  REST_CALLS,
  setFloatPairListsEnabled,
  setFloatZeroSkipEnabled,
} from './float-zero-skip.js';
import { setPairsTransposeFused } from './mat-mul-by-simd.js';

// The lists per pair of rows (pair-steps.wat) and the one-thread products that walk them; the lists
// per block of 4 rows: float-zero-skip.test.ts.

describe('pairSteps and matMulPairs (pair-steps.wat)', () => {
  const instance = (base64: string) => {
    const memory = new WebAssembly.Memory({ initial: 8, maximum: 8 });
    const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    const kernels = new WebAssembly.Instance(module, { env: { memory } })
      .exports as unknown as PairStepKernels;
    return { kernels, memory };
  };

  it.each([
    ['SIMD', pairStepsWasm.SIMD_WASM_BASE64],
    ['FMA', pairStepsWasm.FMA_WASM_BASE64],
  ])(
    'lists per pair of rows and block of 256 steps the steps where a row is not ±0 (%s build)',
    (_n, base64) => {
      // a [4, 515]: pair 0 nonzero at 3 (row 1), 255 and 256 (row 0: the blocks' edge), 300 (NaN),
      // 514 (the last, in the scalar tail); -0 at 7 (not listed); pair 1 nonzero everywhere in block 1.
      const [m, k] = [4, 515];
      const { kernels, memory } = instance(base64);
      const heap = new Float32Array(memory.buffer);
      const words = new Int32Array(memory.buffer);
      heap[k + 3] = 1;
      heap[255] = 2;
      heap[256] = -3;
      heap[300] = Number.NaN;
      heap[k + 514] = 4;
      heap[7] = -0;
      heap[k + 7] = -0;
      for (let p = 256; p < 512; p++) heap[(p % 2 === 0 ? 2 : 3) * k + p] = 0.5;
      const lists = 16384; // bytes
      const listed = kernels.pairSteps(0, lists, m, k);
      const at = (bytes: number) => words[bytes / 4];
      const steps = (entry: number) => {
        const out = [];
        for (let w = at(lists + entry * 4); w < at(lists + entry * 4 + 4); w += 4) out.push(at(w) / 4);
        return out;
      };
      // 3 blocks a pair: [0, 256), [256, 512), [512, 515)
      expect(steps(0)).toEqual([3, 255]);
      expect(steps(1)).toEqual([256, 300]);
      expect(steps(2)).toEqual([514]);
      expect(steps(3)).toEqual([]);
      expect(steps(4)).toEqual(Array.from({ length: 256 }, (_, i) => 256 + i));
      expect(steps(5)).toEqual([]);
      expect(listed).toBe(5 + 256);
      // what it wrote stays inside the scratch the products allocate
      expect(at(lists + 6 * 4)).toBeLessThanOrEqual(lists + 4 * (m / 2) * k + 4 * 7);
      expect(pairStepsFloats(m, k)).toBeGreaterThanOrEqual((m / 2) * 3 + 1 + (m / 2) * k + 16 + k * 16);
    },
  );

  it.each([
    ['SIMD', pairStepsWasm.SIMD_WASM_BASE64, kernelsWasm.SIMD_WASM_BASE64],
    ['FMA', pairStepsWasm.FMA_WASM_BASE64, kernelsWasm.FMA_WASM_BASE64],
  ])(
    'gives the bits of the dense product (kernels.wat, every step) on k over 256 (%s build)',
    (_n, pairs, dense) => {
      const [m, k, n] = [8, 300, 32];
      const { kernels, reference, heap } = pairModulesOn(pairs, dense, 8);
      // half 0 (some -0), row 5 all 0, large and small magnitudes
      const a = sequence(m * k, 3).map((v, i) => (v < 0 ? (i % 3 === 0 ? -0 : 0) : v * 10 ** ((i % 9) - 4)));
      a.fill(0, 5 * k, 6 * k);
      heap.set(a, 0);
      heap.set(sequence(k * n, 4), m * k);
      const [out, want] = [m * k + k * n, m * k + k * n + m * n];
      const lists = (want + m * n) * 4;
      heap.fill(7, out, out + m * n); // out need not be zeroed
      expect(kernels.pairSteps(0, lists, m, k)).toBeLessThan((m / 2) * k);
      const { every, panel } = pairScratchAt(lists, m, k);
      expect(kernels.matMulPairs(0, m * k * 4, out * 4, m, k, n, lists, every, panel)).toBe(0);
      reference.matMul(0, m * k * 4, want * 4, m, k, n, 0);
      const bits = (from: number) => Buffer.from(heap.buffer, from * 4, m * n * 4);
      expect(bits(out).equals(bits(want))).toBe(true);
      // An Infinity in the second panel of 16 columns, at a step where row 5 is 0: that panel walks
      // every step (0 x Infinity: NaN in row 5, as densely), the first still its lists.
      heap[m * k + 3 * n + 20] = Number.POSITIVE_INFINITY;
      expect(heap[5 * k + 3]).toBe(0);
      expect(kernels.matMulPairs(0, m * k * 4, out * 4, m, k, n, lists, every, panel)).toBe(1);
      reference.matMul(0, m * k * 4, want * 4, m, k, n, 0);
      expect(heap[out + 5 * n + 20]).toBeNaN();
      expect(bits(out).equals(bits(want))).toBe(true);
    },
  );
});

/** `[rows, cols]` values in [-1, 1) with about half of them 0, independently in each row (a ReLU's). */
function relu(rows: number, cols: number, seed: number): Float32Array {
  // biome-ignore lint/complexity/useMathMinMax: max(v, 0) would turn a -0 of the sequence into +0
  return sequence(rows * cols, seed).map((v) => (v < 0 ? 0 : v));
}

interface Case {
  a: KernelInput;
  b: KernelInput;
  attrs?: Record<string, unknown>;
  /** One thread walks lists per pair of rows (else per block of 4 rows, or none). Default true. */
  pairs?: boolean;
}

const CASES: [string, Case][] = [
  [
    "a hidden layer's forward pass on a ReLU's output (h . W)",
    { a: input(relu(128, 512, 1), [128, 512]), b: input(sequence(512 * 256, 2), [512, 256]) },
  ],
  [
    'its weight gradient (h^T . dy, transposeA)',
    {
      a: input(relu(128, 512, 3), [128, 512]),
      b: input(relu(128, 256, 4), [128, 256]),
      attrs: { transposeA: true },
    },
  ],
  [
    'its input gradient (dy . W^T, transposeB: kept as written on one thread, dy on the left)',
    {
      a: input(relu(128, 256, 5), [128, 256]),
      b: input(sequence(512 * 256, 6), [512, 256]),
      attrs: { transposeB: true },
    },
  ],
  [
    'k over 256 and not a multiple of 4 (blocks and tails)',
    { a: input(relu(64, 515, 7), [64, 515]), b: input(sequence(515 * 48, 8), [515, 48]) },
  ],
  [
    // one thread walks 512 steps at a time (two of the lists' blocks of 256), the last walk one block
    // where their count is odd (3 here): out carries the sums between walks, the same bits
    'k over 512, an odd count of blocks of 256 (walks of 512 steps and a last one of 188)',
    { a: input(relu(64, 700, 17), [64, 700]), b: input(sequence(700 * 32, 18), [700, 32]) },
  ],
  [
    "the MLP's first layer's k (784: walks of 512 and 272 steps)",
    { a: input(relu(32, 784, 19), [32, 784]), b: input(sequence(784 * 48, 20), [784, 48]) },
  ],
  [
    'under MIN_PAIR_MULTIPLY_ADDS (lists per block of 4 rows only)',
    { a: input(relu(64, 128, 15), [64, 128]), b: input(sequence(128 * 64, 16), [128, 64]), pairs: false },
  ],
  [
    'columns not a multiple of 16 (lists per block of 4 rows only)',
    { a: input(relu(64, 300, 9), [64, 300]), b: input(sequence(300 * 40, 10), [300, 40]), pairs: false },
  ],
];

/** The case's product on `backend`. */
function run(c: Case, backend: 'cpu' | 'wasm' = 'wasm') {
  return runKernelOn(
    backend,
    'BatchMatMul',
    { a: c.a, b: c.b },
    { transposeA: false, transposeB: false, ...c.attrs },
  );
}

/** The case with lists per pair on, per block of 4 rows only, and no skip: outputs and steps skipped. */
async function threeWays(c: Case) {
  const sides = [];
  for (const [skip, pairs] of [
    [true, true],
    [true, false],
    [false, false],
  ]) {
    setFloatZeroSkipEnabled(skip);
    setFloatPairListsEnabled(pairs);
    const before = floatZeroStepsSkipped();
    const out = await run(c);
    sides.push({ out, skipped: floatZeroStepsSkipped() - before });
  }
  return sides;
}

describe.each([1, 2, 3])('the float32 products over lists per pair of rows, on %i threads', (threads) => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(await setWasmThreads(threads)).toBe(threads);
  });
  afterEach(() => {
    setFloatZeroSkipEnabled(true);
    setFloatPairListsEnabled(true);
    setFmaKernelsEnabled(true);
  });
  afterAll(async () => {
    await setWasmThreads(1);
  });

  it.each(CASES)(
    'the same bits as the blocks of 4 rows and as no skip, the CPU backend within 1e-4: %s',
    async (_name, c) => {
      const want = await run(c, 'cpu');
      const [pairs, blocks, none] = await threeWays(c);
      expect(pairs.out.shape).toEqual(want.shape);
      expect(sameBits(pairs.out.values, none.out.values)).toBe(true);
      expect(sameBits(blocks.out.values, none.out.values)).toBe(true);
      expect(worstExcess(pairs.out.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
      expect(none.skipped).toBe(0);
      // One thread (the FMA build) and the pool (threaded-pair-steps.wat, where its tiles are 16
      // columns wide or more: on 2 threads all these) walk the pairs' lists: more steps passed over.
      if (threads <= 2 && simdKernelsFlavor() === 'fma' && c.pairs !== false) {
        expect(pairs.skipped).toBeGreaterThan(1.5 * blocks.skipped);
      }
      if (threads === 1 && c.pairs === false) expect(pairs.skipped).toBe(blocks.skipped);
    },
  );

  it('walks every step in the panels of 16 columns where b holds an Infinity or a NaN, and keeps the NaN of a', async () => {
    const a = relu(128, 512, 11);
    a[512 * 9 + 4] = Number.NaN;
    const finite = sequence(512 * 256, 12);
    const b = Float32Array.from(finite);
    b[256 * 3 + 5] = Number.POSITIVE_INFINITY; // panel 0
    b[256 * 400 + 40] = Number.NaN; // panel 2
    const c: Case = { a: input(a, [128, 512]), b: input(b, [512, 256]) };
    const want = await run(c, 'cpu');
    const [pairs, blocks, none] = await threeWays(c);
    // One thread: 14 of the 16 panels skip what they skip with b finite; blocks of 4 rows not at all.
    const [clean] = await threeWays({ ...c, b: input(finite, [512, 256]) });
    if (threads === 1 && simdKernelsFlavor() === 'fma') {
      expect(clean.skipped).toBeGreaterThan(0);
      expect(pairs.skipped).toBe((clean.skipped * 14) / 16);
    }
    expect(blocks.skipped).toBe(0);
    expect(sameBits(pairs.out.values, none.out.values)).toBe(true);
    for (let i = 0; i < want.values.length; i++) {
      expect(Number.isNaN(pairs.out.values[i])).toBe(Number.isNaN(want.values[i]));
    }
    expect(pairs.out.values.slice(9 * 256, 10 * 256).every(Number.isNaN)).toBe(true);
  });

  it('walks around a NaN of a (a listed step) where b is finite, with the same bits', async () => {
    const a = relu(128, 512, 13);
    a[512 * 9 + 4] = Number.NaN;
    const c: Case = { a: input(a, [128, 512]), b: input(sequence(512 * 256, 14), [512, 256]) };
    const [pairs, , none] = await threeWays(c);
    if (threads === 1 && simdKernelsFlavor() === 'fma') expect(pairs.skipped).toBeGreaterThan(0);
    expect(sameBits(pairs.out.values, none.out.values)).toBe(true);
    expect(pairs.out.values.slice(9 * 256, 10 * 256).every(Number.isNaN)).toBe(true);
    expect(pairs.out.values.slice(8 * 256, 9 * 256).some(Number.isNaN)).toBe(false);
  });
});

describe('which shapes walk the pairs, and dy . W^T on one thread (batch-mat-mul.ts)', () => {
  onOneWasmThreadWithFloatSkip();

  it('counts a resting shape out for REST_CALLS calls, and shapes under 32 columns always', () => {
    const [m, k, n] = [64, 512, 96];
    expect(pairListsLikely(m, k, n)).toBe(true);
    // a listing of every pair-step (a dense dy) does not pay, and rests the shape
    expect(pairListsPay((m / 2) * k, m, k, n)).toBe(false);
    for (let call = 0; call < REST_CALLS; call++) expect(pairListsLikely(m, k, n)).toBe(false);
    expect(pairListsLikely(m, k, n)).toBe(true);
    expect(pairListsLikely(m, k, n)).toBe(true);
    expect(pairListsWanted(256, 256, 16)).toBe(true);
    expect(pairListsLikely(256, 256, 16)).toBe(false); // (the skip is never tried there)
    setFloatPairListsEnabled(false);
    expect(pairListsLikely(m, k, n)).toBe(false);
  });

  it.each([
    // [dy rows, inner, W rows, W transposed into the panels]: the MLP's (W transposed moves 1.7 times
    // the data): as written, dy's zeros passed over; a batch of 16 against [512, 512] (19 times):
    // transposed, W on the left, where W takes a transpose pass of its own; as written where the
    // panels' copy transposes it (no limit then)
    [128, 256, 512, false, true],
    [16, 512, 512, false, false],
    [128, 256, 512, true, true],
    [16, 512, 512, true, true],
  ])(
    'runs dy [%i, %i] . W^T (W of %i rows, transposed into the panels: %s) as written (%s) only where transposing W moves little more than the other form',
    async (m, k, n, fused, asWritten) => {
      setPairsTransposeFused(fused);
      const c: Case = {
        a: input(relu(m, k, 21), [m, k]),
        b: input(sequence(n * k, 22), [n, k]),
        attrs: { transposeB: true },
      };
      const want = await run(c, 'cpu');
      const [pairs, , none] = await threeWays(c);
      // As written: the same bits as the plain product on W transposed beforehand, skip off (the
      // dense loop). Transposed, or as written where the transposed form also runs tensorfold's
      // kernel (not for 16 rows: dy^T's 16 columns send it to XNNPACK, other sums): as no skip.
      if (asWritten) {
        const wT = new Float32Array(k * n); // [k, n]
        for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) wT[p * n + j] = c.b.values[j * k + p];
        setFloatZeroSkipEnabled(false);
        const plain = await run({ a: c.a, b: input(wT, [k, n]) });
        expect(sameBits(pairs.out.values, plain.values)).toBe(true);
      }
      if (!asWritten || m > 16) expect(sameBits(pairs.out.values, none.out.values)).toBe(true);
      expect(worstExcess(pairs.out.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
      // As written, dy [m, k] on the left, its pairs' zeros are passed over; transposed, the dense W
      // [n, k] is the left operand (and dy^T gives 16 columns, too few to list): nothing.
      if (simdKernelsFlavor() === 'fma') expect(pairs.skipped > 0).toBe(asWritten);
    },
  );
});
