import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import {
  INT8_DENSE_CHAIN,
  INT8_MAT_MUL,
  type Int8Activation,
  packInt8Levels,
} from '../../int8/int8-kernels.js';
import { int8MatMulReference } from '../../int8/reference.js';
import { setFmaKernelsEnabled } from '../simd/simd-module.js';
import { sequence } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import { keptWeightBytesCopied, setThreadedInt8Minimum } from './int8-by-threads.js';
import {
  chainChunkRows,
  setInt8ChainByRowsEnabled,
  setInt8OneThreadRows,
  setInt8SkipListsEnabled,
  setInt8ZeroSkipEnabled,
} from './int8-chain-by-rows.js';
import { soloChain } from './int8-chain-solo.js';
import { setInt8PhaseClock } from './int8-phases.js';
import { SIGNED_INPUT_FIRST_WAIT } from './int8-signed-waits.js';

/** A stack's operands: x `[m, sizes[0]]` and, per layer, packed random levels, scales and bias. */
function stack(m: number, sizes: number[], seed: number, signedInput: boolean) {
  const x = sequence(m * sizes[0], seed).map((v) => (signedInput ? v : Math.abs(v))); // [m, k0]
  const layers = sizes.slice(1).map((n, i) => {
    const k = sizes[i];
    const levels = Int8Array.from(sequence(k * n, seed + 10 * i + 1), (v) => Math.round(v * 127));
    return {
      k,
      n,
      packed: packInt8Levels(levels, k, n),
      scales: Float32Array.from(sequence(n, seed + 10 * i + 2), (v) => Math.abs(v) * 0.02 + 1e-3),
      bias: sequence(n, seed + 10 * i + 3),
    };
  });
  return { x, layers };
}

type Stack = ReturnType<typeof stack>;

function tensors(s: Stack, m: number) {
  const inputs: Record<string, tf.Tensor> = { x: tf.tensor2d(s.x, [m, s.layers[0].k]) };
  s.layers.forEach((l, i) => {
    inputs[`w${i}`] = tf.tensor(l.packed, [Math.ceil(l.n / 8), Math.ceil(l.k / 2), 8], 'int32');
    inputs[`scales${i}`] = tf.tensor1d(l.scales);
    inputs[`bias${i}`] = tf.tensor1d(l.bias);
  });
  return inputs;
}

/** The chain kernel's result, and the layers' INT8_MAT_MUL calls one after another; nothing left behind. */
async function both(s: Stack, m: number, activations: Int8Activation[]) {
  const before = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  const inputs = tensors(s, m);
  const chained = tf.engine().runKernel(INT8_DENSE_CHAIN, inputs, { activations } as never) as tf.Tensor;
  const chain = (await chained.data()) as Float32Array;
  let y = inputs.x;
  const steps: tf.Tensor[] = [];
  s.layers.forEach((_, i) => {
    y = tf
      .engine()
      .runKernel(
        INT8_MAT_MUL,
        { x: y, w: inputs[`w${i}`], scales: inputs[`scales${i}`], bias: inputs[`bias${i}`] },
        { activation: activations[i] } as never,
      ) as tf.Tensor;
    steps.push(y);
  });
  const layered = (await y.data()) as Float32Array;
  tf.dispose([chained, ...steps, ...Object.values(inputs)]);
  expect(tf.memory().numTensors).toBe(before);
  expect(tf.engine().backend.numDataIds()).toBe(dataIds);
  return { chain, layered };
}

/** The reference: int8MatMulReference a layer, each output quantized again by the next. */
function reference(s: Stack, m: number, activations: Int8Activation[]): Float32Array {
  let values: ArrayLike<number> = s.x;
  s.layers.forEach((l, i) => {
    values = int8MatMulReference(values, m, l.k, l.packed, l.n, l.scales, l.bias, activations[i] === 'relu');
  });
  return values as Float32Array;
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * The steps of the first layer's product `[m, k] . [k, n]` that gemm passes over where x is 0 (its
 * level is then 0), as one chunk of m rows does (one thread, m <= 64): each block of 4 rows (rows
 * past m read row m - 1) in steps of 4 levels of k, per block of 8 columns. Byte levels (`bytes`,
 * the FMA build) are tested in each pair of rows, 4 bytes a row, zero past k; int16 levels (the SIMD
 * build) in all 4 rows at once, 8 bytes a row, the odd last pair of k never passed over. A lower
 * bound of the kernel's count: levels that round to 0 and the later layers add to it.
 */
function zeroSteps(x: ArrayLike<number>, m: number, k: number, n: number, bytes: boolean): number {
  const pairs = Math.ceil(k / 2);
  const steps = bytes ? Math.ceil(pairs / 2) : Math.floor(pairs / 2);
  const rows = bytes ? 2 : 4;
  const zero = (i: number, step: number) => {
    const row = Math.min(i, m - 1);
    for (let t = 4 * step; t < Math.min(4 * step + 4, k); t++) if (x[row * k + t] !== 0) return false;
    return true;
  };
  let count = 0;
  for (let i = 0; i < Math.ceil(m / 4) * 4; i += rows)
    for (let step = 0; step < steps; step++)
      if (Array.from({ length: rows }, (_, r) => zero(i + r, step)).every(Boolean)) count++;
  return count * Math.ceil(n / 8);
}

const cases: Array<{ m: number; sizes: number[]; activations: Int8Activation[]; signed: boolean }> = [
  // the MLP of the benchmarks at predict's batch
  { m: 32, sizes: [784, 512, 256, 10], activations: ['relu', 'relu', 'linear'], signed: false },
  // a linear hidden layer: negative inputs to the next (the int16 products there)
  { m: 13, sizes: [60, 40, 21, 5], activations: ['linear', 'relu', 'linear'], signed: false },
  { m: 40, sizes: [33, 17, 9], activations: ['relu', 'relu'], signed: true },
  { m: 5, sizes: [400, 120, 84, 10], activations: ['relu', 'relu', 'linear'], signed: false },
  { m: 9, sizes: [12, 7], activations: ['relu'], signed: false },
];

describe.each([
  ['FMA', true],
  ['SIMD', false],
] as const)('TensorfoldInt8DenseChain on WASM (%s build)', (_build, fma) => {
  beforeAll(async () => {
    await useBackend('wasm');
    setFmaKernelsEnabled(fma);
    // small batches on the pool too (the paths these tests compare); the rule has its own test
    setInt8OneThreadRows(0);
  });
  afterAll(async () => {
    setInt8OneThreadRows();
    setThreadedInt8Minimum();
    setFmaKernelsEnabled(true);
    await setWasmThreads(1);
  });

  it('runs batches of up to the rows set with setInt8OneThreadRows on this thread where the pool runs, larger ones on the pool, with the same bits', async () => {
    const ONE_THREAD_ROWS = 32; // predict's batches
    const sizes = [100, 40, 10];
    const activations: Int8Activation[] = ['relu', 'linear'];
    const solo = soloChain();
    expect(solo).not.toBeNull();
    for (const threads of [2, 3]) {
      expect(await setWasmThreads(threads)).toBe(threads);
      setThreadedInt8Minimum(0);
      for (const m of [ONE_THREAD_ROWS, ONE_THREAD_ROWS + 1]) {
        const s = stack(m, sizes, m, false);
        // the one-thread module's own count of steps passed over moves only where it runs: the first
        // half of every row of x is 0
        for (let t = 0; t < s.x.length; t++) if (t % sizes[0] < sizes[0] / 2) s.x[t] = 0;
        const results: Float32Array[] = [];
        for (const rows of [ONE_THREAD_ROWS, 0]) {
          setInt8OneThreadRows(rows);
          const before = solo?.skippedSteps.value;
          const inputs = tensors(s, m);
          const y = tf.engine().runKernel(INT8_DENSE_CHAIN, inputs, { activations } as never) as tf.Tensor;
          results.push((await y.data()) as Float32Array);
          tf.dispose([y, ...Object.values(inputs)]);
          const onThisThread = solo?.skippedSteps.value !== before;
          expect(onThisThread).toBe(rows > 0 && m <= ONE_THREAD_ROWS);
        }
        setInt8OneThreadRows(0);
        expect(bits(results[0]).equals(bits(results[1]))).toBe(true);
        expect(Array.from(results[0])).toEqual(Array.from(reference(s, m, activations)));
      }
    }
    setThreadedInt8Minimum();
  });

  it.each(cases)(
    'gives the bits of the layers one call each and of the reference: %j, on 1 and 2 threads',
    async ({ m, sizes, activations, signed }) => {
      const s = stack(m, sizes, m + sizes[0], signed);
      const expected = reference(s, m, activations);
      for (const [threads, minimum] of [
        [1, undefined],
        [2, 0], // every layer on the pool
        [2, undefined], // small layers on the calling thread
        [3, 0],
      ] as const) {
        expect(await setWasmThreads(threads)).toBe(threads);
        setThreadedInt8Minimum(minimum);
        const { chain, layered } = await both(s, m, activations);
        expect(bits(chain).equals(bits(layered))).toBe(true);
        expect(Array.from(chain)).toEqual(Array.from(expected));
      }
    },
  );

  it('gives the bits of the layers one call each and of the reference on edge rows (zeros, ties, a tiny max, one value), on 1-3 threads', async () => {
    const [m, sizes] = [12, [40, 24, 10]];
    const activations: Int8Activation[] = ['relu', 'linear'];
    const s = stack(m, sizes, 7, false);
    const k = sizes[0];
    const rows: Array<(t: number) => number> = [
      () => 0, // a row of zeros (the next layer's input: the bias alone)
      (t) => (t === 0 ? 63 : (t % 9) + 0.5), // max 63 (DENSE_LEVEL_TOP): every other level a tie, rounded to even
      (t) => (t % 3) * 1e-38, // 63 / max overflows: levels 0, as the reference
      (t) => (t === k - 1 ? 0.25 : 0), // one value, in the tail
    ];
    rows.forEach((row, i) => {
      for (let t = 0; t < k; t++) s.x[i * k + t] = row(t);
    });
    const expected = reference(s, m, activations);
    for (const threads of [1, 2, 3]) {
      expect(await setWasmThreads(threads)).toBe(threads);
      setThreadedInt8Minimum(0);
      const { chain, layered } = await both(s, m, activations);
      expect(bits(chain).equals(bits(layered))).toBe(true);
      expect(Array.from(chain)).toEqual(Array.from(expected));
    }
    setThreadedInt8Minimum();
  });

  it('sums the byte products exactly at their largest (levels 63 by weights of -127 and 127, odd and even counts of units, tails of rows), on 1-3 threads', async () => {
    // The FMA build adds two units' byte products in int16 before widening (4 * 63 * 127 = 32004 <
    // 32767): rows whose levels are all 63 (every x equal), columns of weights all 127 or all -127,
    // k that leaves an odd last unit of the lists (k = 36: 9 units), an even count, and a short unit.
    const activations: Int8Activation[] = ['relu', 'linear'];
    for (const k of [36, 40, 37, 5]) {
      for (const m of [1, 3, 6, 9]) {
        const sizes = [k, 16, 10];
        const s = stack(m, sizes, k + m, false);
        const level = (t: number, j: number) =>
          j % 3 === 0 ? 127 : j % 3 === 1 ? -127 : ((t * 7 + j) % 255) - 127;
        const levels = Int8Array.from({ length: k * 16 }, (_, e) => level(Math.floor(e / 16), e % 16));
        s.layers[0].packed = packInt8Levels(levels, k, 16);
        for (let i = 0; i < m; i++)
          for (let t = 0; t < k; t++) {
            // row 0: every level 63; row 1: every other unit of 4 zero (lists of odd and even
            // length); the others 63 at t % 3 === 0, small levels elsewhere
            const v = i === 0 ? 2.5 : i === 1 ? ((t >> 2) % 2 ? 0 : 2.5) : t % 3 === 0 ? 2.5 : (t % 5) * 0.1;
            s.x[i * k + t] = v;
          }
        const expected = reference(s, m, activations);
        for (const threads of [1, 2, 3]) {
          expect(await setWasmThreads(threads)).toBe(threads);
          setThreadedInt8Minimum(0);
          const { chain, layered } = await both(s, m, activations);
          expect(bits(chain).equals(bits(layered)), `k ${k}, m ${m}, ${threads} threads`).toBe(true);
          expect(Array.from(chain), `k ${k}, m ${m}, ${threads} threads`).toEqual(Array.from(expected));
        }
      }
    }
    setThreadedInt8Minimum();
  });

  it('keeps a stack of the same layers right for a second batch and after a float product had the pool', async () => {
    expect(await setWasmThreads(2)).toBe(2);
    setThreadedInt8Minimum(0);
    const activations: Int8Activation[] = ['relu', 'linear'];
    const s = stack(16, [50, 30, 12], 7, false);
    const expected = Array.from(reference(s, 16, activations));
    const inputs = tensors(s, 16);
    const run = async () => {
      const y = tf.engine().runKernel(INT8_DENSE_CHAIN, inputs, { activations } as never) as tf.Tensor;
      const values = Array.from(await y.data());
      y.dispose();
      return values;
    };
    expect(await run()).toEqual(expected);
    expect(await run()).toEqual(expected); // the weights kept in the pool's memory
    const a = tf.randomUniform([512, 512], 0, 1, 'float32', 1);
    const product = tf.matMul(a, a);
    await product.data();
    tf.dispose([a, product]);
    expect(await run()).toEqual(expected);
    tf.dispose(Object.values(inputs));
  });

  it.each([
    // predict's batch: 8 chunks of 4 rows on 2 threads; a batch whose last chunk is short
    { m: 32, sizes: [784, 512, 256, 10], activations: ['relu', 'relu', 'linear'], signed: false },
    { m: 37, sizes: [60, 40, 21, 5], activations: ['relu', 'relu', 'relu'], signed: false },
    // larger batches: chunks of more rows, up to 64
    { m: 300, sizes: [33, 70, 9], activations: ['relu', 'linear'], signed: false },
    // a signed input: the FMA build meets it in the job and falls back to a job a layer
    { m: 40, sizes: [33, 17, 9], activations: ['relu', 'relu'], signed: true },
    // a linear hidden layer: the FMA build leaves the stack to a job a layer at once
    { m: 24, sizes: [20, 30, 7], activations: ['linear', 'relu'], signed: false },
  ] as Array<{ m: number; sizes: number[]; activations: Int8Activation[]; signed: boolean }>)(
    'runs the stack as one job over chunks of rows (the pool, or one thread), with the bits of a job a layer: %j',
    async ({ m, sizes, activations, signed }) => {
      const s = stack(m, sizes, 3 * m + sizes[0], signed);
      const expected = reference(s, m, activations);
      const jobs: string[] = [];
      setInt8PhaseClock((phase) => jobs.push(phase));
      try {
        for (const threads of [1, 2, 3]) {
          // 1: on this thread, on the chain module's own memory (int8-chain-solo.ts)
          expect(await setWasmThreads(threads)).toBe(threads);
          setThreadedInt8Minimum(0);
          for (const byRows of [true, false]) {
            setInt8ChainByRowsEnabled(byRows);
            const inputs = tensors(s, m);
            jobs.length = 0;
            const y = tf.engine().runKernel(INT8_DENSE_CHAIN, inputs, { activations } as never) as tf.Tensor;
            const phases = [...jobs];
            expect(Array.from(await y.data())).toEqual(Array.from(expected));
            tf.dispose([y, ...Object.values(inputs)]);
            // the job over rows ran (and, where it met a negative input, handed over)
            const rowsRan = phases.includes('rows: the job (every layer)');
            const solo = threads === 1 && m <= 64; // larger batches stay on the heap on one thread
            // to a job a layer on the pool, or on one thread to the layers on tfjs-backend-wasm's heap
            const handed = phases.includes(threads > 1 ? 'chain: out' : `quantize ${sizes[0]}`);
            const byteProducts = fma;
            const eligible = !byteProducts || activations.slice(0, -1).every((a) => a === 'relu');
            const rowsPath = byRows && eligible && (threads > 1 || solo);
            expect(rowsRan).toBe(rowsPath);
            expect(handed).toBe(!rowsPath || (byteProducts && signed));
          }
        }
      } finally {
        setInt8ChainByRowsEnabled(true);
        setInt8PhaseClock(null);
      }
    },
  );

  it.each([
    // the FMA build turns a stack by rows down (a linear hidden layer; a first input seen negative)
    // and runs a job a layer: the by-rows path must not have taken the pool first
    { m: 16, sizes: [50, 30, 12], activations: ['linear', 'relu'], signed: false, batches: [16] },
    { m: 16, sizes: [50, 30, 12], activations: ['relu', 'relu'], signed: true, batches: [16] },
    // batches under 8 rows on the chain's own memory, 8 and more on the pool, in turn
    { m: 16, sizes: [50, 30, 12], activations: ['relu', 'linear'], signed: false, batches: [4, 16] },
  ] as Array<{
    m: number;
    sizes: number[];
    activations: Int8Activation[];
    signed: boolean;
    batches: number[];
  }>)(
    'keeps the weights in the pool memory (and the one-thread chain memory) from call to call: %j',
    async ({ m, sizes, activations, signed, batches }) => {
      expect(await setWasmThreads(2)).toBe(2);
      setThreadedInt8Minimum(0);
      const s = stack(m, sizes, 5 * m + sizes[0], signed);
      const inputs = tensors(s, m);
      const run = async (rows: number) => {
        const x = tf.slice(inputs.x, [0, 0], [rows, sizes[0]]);
        const y = tf
          .engine()
          .runKernel(INT8_DENSE_CHAIN, { ...inputs, x }, { activations } as never) as tf.Tensor;
        const values = Array.from(await y.data());
        tf.dispose([x, y]);
        const expected = reference({ ...s, x: s.x.slice(0, rows * sizes[0]) }, rows, activations);
        expect(values).toEqual(Array.from(expected));
      };
      for (const rows of batches) await run(rows); // the weights copied in (a signed input: found)
      for (const rows of batches) await run(rows);
      const copied = keptWeightBytesCopied();
      for (let round = 0; round < 2; round++) for (const rows of batches) await run(rows);
      expect(keptWeightBytesCopied()).toBe(copied);
      tf.dispose(Object.values(inputs));
    },
  );

  it.each([
    // MNIST-like: zero borders in every row, so whole steps of k are 0 in a block's 4 rows
    { m: 32, sizes: [784, 64, 10], activations: ['relu', 'linear'] },
    // a short last block (rows past m read row m - 1) and an odd number of pairs (k = 30: 15)
    { m: 13, sizes: [30, 21, 5], activations: ['relu', 'relu'] },
  ] as Array<{ m: number; sizes: number[]; activations: Int8Activation[] }>)(
    'passes over steps of k that are 0 in all 4 rows of a block, with the same bits as multiplying them: %j',
    async ({ m, sizes, activations }) => {
      const s = stack(m, sizes, 7 * m + sizes[0], false);
      const k = sizes[0];
      // zero where (t mod 28) < 6, and (k over 100) t < 3 * 28, in every row (whole steps of k); in
      // block b (rows 4b to 4b + 3) also 8 levels from a multiple of 4 past those, in every row but
      // row 4b + (b mod 4): a step zero in 3 of the 4 rows, to be multiplied (each of the 4 rows the
      // odd one out in some block); rows 8-11 wholly 0 (a block of all-zero rows)
      const head = k > 100 ? 84 : 0;
      for (let i = 0; i < m; i++)
        for (let t = 0; t < k; t++) {
          const b = i >> 2;
          const from = head + 4 * (2 + (b % 3));
          const mostOfBlock = t >= from && t < from + 8 && i % 4 !== b % 4;
          if (t % 28 < 6 || t < head || mostOfBlock || (i >= 8 && i < 12)) s.x[i * k + t] = 0;
        }
      // rows that are not all 0 (the case is not vacuous)
      expect(s.x.some((v, j) => v !== 0 && j < k)).toBe(true);
      const expected = reference(s, m, activations);
      // the first layer's steps that are 0 where x is 0 (its later layers add more): at least this many
      const least = zeroSteps(s.x, m, k, sizes[1], fma);
      expect(least).toBeGreaterThan(0);
      const phases: string[] = [];
      setInt8PhaseClock((phase) => phases.push(phase));
      try {
        for (const threads of [1, 2, 3]) {
          // 1: one chunk on this thread, on the chain module's own instance, whose count the test reads
          expect(await setWasmThreads(threads)).toBe(threads);
          setThreadedInt8Minimum(0);
          const results: Float32Array[] = [];
          const counts: number[] = [];
          // skipping over lists of units (the FMA build's byte products; the default), skipping with
          // each unit tested, multiplying every step
          for (const [skip, lists] of [
            [true, true],
            [true, false],
            [false, true],
          ]) {
            setInt8ZeroSkipEnabled(skip);
            setInt8SkipListsEnabled(lists);
            const inputs = tensors(s, m);
            phases.length = 0;
            const before = soloChain()?.skippedSteps.value;
            const y = tf.engine().runKernel(INT8_DENSE_CHAIN, inputs, { activations } as never) as tf.Tensor;
            const skipped = (soloChain()?.skippedSteps.value ?? Number.NaN) - (before ?? Number.NaN);
            results.push((await y.data()) as Float32Array);
            tf.dispose([y, ...Object.values(inputs)]);
            // the job over rows ran (it is what skips), on the pool or on this thread
            expect(phases).toContain('rows: the job (every layer)');
            if (threads === 1) {
              if (skip) expect(skipped).toBeGreaterThanOrEqual(least);
              else expect(skipped).toBe(0);
            }
            counts.push(skipped);
          }
          // the lists pass over the same steps as the tests did
          if (threads === 1) expect(counts[0]).toBe(counts[1]);
          expect(bits(results[0]).equals(bits(results[1]))).toBe(true);
          expect(bits(results[0]).equals(bits(results[2]))).toBe(true);
          expect(Array.from(results[0])).toEqual(Array.from(expected));
        }
      } finally {
        setInt8ZeroSkipEnabled(true);
        setInt8SkipListsEnabled(true);
        setInt8PhaseClock(null);
      }
    },
  );

  it('tries the job over rows again some calls after a negative input, waiting twice as long after a try that meets one, the first wait again after one that does not, no weights copied again (FMA build; the SIMD build never waits)', async () => {
    expect(await setWasmThreads(2)).toBe(2);
    setThreadedInt8Minimum(0);
    const activations: Int8Activation[] = ['relu', 'linear'];
    const signed = stack(16, [50, 30, 12], 11, true);
    const unsigned = { ...signed, x: signed.x.map(Math.abs) };
    const inputs = tensors(signed, 16);
    const phases: string[] = [];
    setInt8PhaseClock((phase) => phases.push(phase));
    // whether the job over rows ran (and the values right either way)
    const run = async (s: Stack) => {
      phases.length = 0;
      const x = tf.tensor2d(s.x, [16, 50]);
      const y = tf
        .engine()
        .runKernel(INT8_DENSE_CHAIN, { ...inputs, x }, { activations } as never) as tf.Tensor;
      expect(Array.from(await y.data())).toEqual(Array.from(reference(s, 16, activations)));
      tf.dispose([x, y]);
      return phases.includes('rows: the job (every layer)');
    };
    // `calls` calls with a non-negative input: whether each tried the job over rows
    const tries = async (calls: number) => {
      const ran: boolean[] = [];
      for (let call = 1; call <= calls; call++) ran.push(await run(unsigned));
      return ran;
    };
    // the calls of a wait: none tries the job over rows but the last (the SIMD build: every one)
    const after = (wait: number) =>
      fma ? [...new Array(wait - 1).fill(false), true] : new Array(wait).fill(true);
    const first = SIGNED_INPUT_FIRST_WAIT;
    try {
      expect(await run(unsigned)).toBe(true);
      expect(await run(signed)).toBe(true); // tried, met the negative input, handed over
      // the last call tries again and meets no negative input
      expect(await tries(first)).toEqual(after(first));
      // from here every weight is kept (each path's scratch has been laid out once)
      const copied = keptWeightBytesCopied();
      // a negative input after that try: the first wait again, not twice it
      expect(await run(signed)).toBe(true);
      expect(await tries(first)).toEqual(after(first));
      expect(await run(signed)).toBe(true);
      // a try that meets a negative input again (a job over rows refused, then a job a layer): twice the wait
      expect([...(await tries(first - 1)), await run(signed)]).toEqual(after(first));
      expect(await tries(2 * first)).toEqual(after(2 * first));
      // the refused tries copied no weights in again: the job a layer after each found them kept
      expect(keptWeightBytesCopied()).toBe(copied);
    } finally {
      setInt8PhaseClock(null);
      tf.dispose(Object.values(inputs));
    }
  });

  it('cuts the rows into about 4 chunks a thread (on one thread: as few as can be), multiples of 4 rows from 4 to 64, at most 255 chunks', () => {
    expect(chainChunkRows(32, 2)).toBe(4);
    expect(chainChunkRows(32, 1)).toBe(32);
    expect(chainChunkRows(5, 1)).toBe(8);
    expect(chainChunkRows(1000, 1)).toBe(64);
    expect(chainChunkRows(8, 2)).toBe(4);
    expect(chainChunkRows(1000, 2)).toBe(64);
    expect(chainChunkRows(300, 3)).toBe(28);
    expect(Math.ceil(100_000 / chainChunkRows(100_000, 2))).toBeLessThanOrEqual(255);
  });

  it('says which input is missing or mis-shaped', async () => {
    await setWasmThreads(1);
    const s = stack(4, [8, 6, 3], 3, false);
    const inputs = tensors(s, 4);
    const { w1: _, ...missing } = inputs;
    expect(() =>
      tf.engine().runKernel(INT8_DENSE_CHAIN, missing, { activations: ['relu', 'linear'] } as never),
    ).toThrow(/layer 1 needs inputs w1/);
    expect(() =>
      tf.engine().runKernel(INT8_DENSE_CHAIN, { ...inputs, w1: inputs.w0 }, {
        activations: ['relu', 'linear'],
      } as never),
    ).toThrow(/layer 1's weights must be int32 \[1,3,8\]/);
    // a longer bias or scales would be copied past its space in the WASM memory: refused first
    const long = tf.zeros([20]);
    expect(() =>
      tf.engine().runKernel(INT8_DENSE_CHAIN, { ...inputs, bias1: long }, {
        activations: ['relu', 'linear'],
      } as never),
    ).toThrow(/layer 1's bias1 must be float32 \[3\]/);
    expect(() =>
      tf.engine().runKernel(INT8_DENSE_CHAIN, { ...inputs, scales0: tf.cast(inputs.scales0, 'int32') }, {
        activations: ['relu', 'linear'],
      } as never),
    ).toThrow(/layer 0's scales0 must be float32 \[6\]/);
    long.dispose();
    expect(() => tf.engine().runKernel(INT8_DENSE_CHAIN, inputs, { activations: [] } as never)).toThrow(
      /needs attrs.activations/,
    );
    tf.dispose(Object.values(inputs));
  });
});
