import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackend } from '../../backend-info.js';
import { backendInfo, initBackend, useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import * as threadedMatMulWasm from '../simd/generated/threaded-mat-mul-wasm.js';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import { runKernelOn, runPathOnWasm, sequence, worstExcess } from '../test-utils/run-kernel.js';
import {
  setThreadedKernelsEnabled,
  setWasmThreads,
  type ThreadedMatMulKernels,
  wasmThreads,
} from '../threads/wasm-threads.js';
import {
  MAT_MUL_CROSSOVER,
  type MatMulCrossover,
  matMulByThreads,
  poolPaysFor,
  productSize,
  setThreadedMatMulCrossover,
  setThreadedMatMulMinimum,
  THREADED_MIN_MULTIPLY_ADDS,
  threadedMatMulRoutes,
  tiles,
} from './mat-mul-by-threads.js';

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

interface Case {
  a: number[];
  b: number[];
  attrs?: Record<string, unknown>;
  bias?: number[];
}

/** The registered kernel (`_FusedMatMul` with a bias or activation, else `BatchMatMul`) on `backend`. */
function run(backend: 'cpu' | 'wasm', c: Case) {
  const inputs = {
    a: { values: sequence(size(c.a), 1), shape: c.a },
    b: { values: sequence(size(c.b), 2), shape: c.b },
    ...(c.bias != null ? { bias: { values: sequence(size(c.bias), 3), shape: c.bias } } : {}),
  };
  const fused = c.bias != null || c.attrs?.activation != null;
  return runKernelOn(backend, fused ? '_FusedMatMul' : 'BatchMatMul', inputs, {
    transposeA: false,
    transposeB: false,
    ...c.attrs,
  });
}

/** `matMulByThreads` itself on fresh operands: null where it leaves the product to one thread. */
async function byThreads(c: Case) {
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const a = tf.tensor(sequence(size(c.a), 1), c.a);
  const b = tf.tensor(sequence(size(c.b), 2), c.b);
  try {
    const out = matMulByThreads(tf.backend() as unknown as WasmBackendLike, { a, b }, {
      ...c.attrs,
    } as tf.NamedAttrMap);
    if (out == null) return null;
    const result = tf.engine().makeTensorFromTensorInfo(out);
    const values = Float32Array.from(await result.data());
    result.dispose();
    return values;
  } finally {
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  }
}

const CASES: [string, Case][] = [
  ['an MLP forward product', { a: [128, 784], b: [784, 256] }],
  ['its input gradient (transposeB)', { a: [128, 256], b: [784, 256], attrs: { transposeB: true } }],
  ['its weight gradient (transposeA)', { a: [128, 784], b: [128, 256], attrs: { transposeA: true } }],
  [
    'both transposed, sizes off the 4 x 8 tiles',
    { a: [160, 101], b: [99, 160], attrs: { transposeA: true, transposeB: true } },
  ],
  ['rows and columns off the tiles', { a: [102, 130], b: [130, 90] }],
  ['a batch on a folded into rows', { a: [3, 40, 128], b: [128, 72] }],
  [
    'a dense layer: bias and relu fused',
    { a: [96, 200], b: [200, 100], bias: [100], attrs: { activation: 'relu' } },
  ],
  ['a bias without activation', { a: [64, 256], b: [256, 64], bias: [64] }],
];

describe('WASM matMul on 2 threads', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(await setWasmThreads(2)).toBe(2);
    // The pool's own results on small shapes: the size alone decides (not the crossover's copy term).
    setThreadedMatMulMinimum(THREADED_MIN_MULTIPLY_ADDS);
  });
  afterAll(async () => {
    setThreadedMatMulMinimum();
    setFmaKernelsEnabled(true);
    await setWasmThreads(1);
  });

  it('reports its threads', () => {
    expect(wasmThreads()).toBe(2);
    expect(backendInfo().threads).toBe(2);
    expect(describeBackend(backendInfo())).toMatch(/^wasm \(SIMD( \+ FMA)?, 2 threads\)$/);
  });

  it.each(CASES)('matches the CPU backend: %s', async (_name, c) => {
    const want = await run('cpu', c);
    const got = await run('wasm', c);
    expect(got.shape).toEqual(want.shape);
    expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
  });

  it.each(CASES.filter(([, c]) => c.bias == null))('takes the product itself: %s', async (_name, c) => {
    const work = c.a.reduce((x, y) => x * y, 1) * c.b[c.attrs?.transposeB ? 0 : 1];
    expect(work).toBeGreaterThanOrEqual(THREADED_MIN_MULTIPLY_ADDS);
    expect(await byThreads(c)).not.toBeNull();
  });

  it('gives the same bits on 2 and 3 threads, FMA build and SIMD build', async () => {
    for (const fma of [true, false]) {
      setFmaKernelsEnabled(fma);
      // Every case on 2 threads, then on 3: two pool starts per build, not two per case.
      await setWasmThreads(2);
      const two = [];
      for (const [, c] of CASES) two.push(await run('wasm', c));
      await setWasmThreads(3);
      for (const [i, [, c]] of CASES.entries()) {
        const three = await run('wasm', c);
        expect(Buffer.from(three.values.buffer).equals(Buffer.from(two[i].values.buffer))).toBe(true);
      }
    }
    setFmaKernelsEnabled(true);
    await setWasmThreads(2);
  });

  it('gives the same bits as the one-thread SIMD kernel where that runs (FMA build, plain products)', async () => {
    const c = { a: [64, 256], b: [256, 64] };
    const two = await run('wasm', c);
    await setWasmThreads(1);
    const one = await run('wasm', c);
    await setWasmThreads(2);
    expect(Buffer.from(one.values.buffer).equals(Buffer.from(two.values.buffer))).toBe(true);
  });

  it('runs each product of a batch on both sides on the pool (one per entry), as the CPU backend computes', async () => {
    const c = { a: [2, 128, 96], b: [2, 96, 128], attrs: { transposeB: false } };
    const want = await run('cpu', c);
    const got = await run('wasm', c);
    expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
    await setWasmThreads(3);
    const three = await run('wasm', c);
    await setWasmThreads(2);
    expect(Buffer.from(three.values.buffer).equals(Buffer.from(got.values.buffer))).toBe(true);
  });

  it('leaves small products, batches on b, other activations and prelu to one thread', async () => {
    expect(await byThreads({ a: [64, 128], b: [128, 64] })).toBeNull(); // under THREADED_MIN_MULTIPLY_ADDS
    expect(await byThreads({ a: [2, 128, 128], b: [2, 128, 128] })).toBeNull();
    expect(await byThreads({ a: [2, 128, 128], b: [128, 128], attrs: { transposeA: true } })).toBeNull();
    expect(await byThreads({ a: [128, 128], b: [128, 128], attrs: { activation: 'elu' } })).toBeNull();
  });

  it('never adds a bias per row ([rows, 1], rows = cols) per column: stock refuses it, as on one thread', async () => {
    // Before, the pool took it (its size equals the columns) and added it per column: wrong values.
    const c: Case = { a: [128, 128], b: [128, 128], bias: [128, 1] };
    await expect(run('wasm', c)).rejects.toThrow(/rank-1 bias/);
    const inputs = {
      a: { values: sequence(size(c.a), 1), shape: c.a },
      b: { values: sequence(size(c.b), 2), shape: c.b },
      bias: { values: sequence(128, 3), shape: [128, 1] },
    };
    expect(await runPathOnWasm(matMulByThreads, inputs, {})).toBeNull();
  });

  it('keeps NaN and infinities as the CPU backend does', async () => {
    const values = sequence(96 * 128, 4);
    values[5] = Number.NaN;
    values[300] = Number.POSITIVE_INFINITY;
    const inputs = {
      a: { values, shape: [96, 128] },
      b: { values: sequence(128 * 64, 5), shape: [128, 64] },
    };
    const attrs = { transposeA: false, transposeB: false };
    const want = await runKernelOn('cpu', 'BatchMatMul', inputs, attrs);
    const got = await runKernelOn('wasm', 'BatchMatMul', inputs, attrs);
    for (let i = 0; i < want.values.length; i++) {
      if (!Number.isFinite(want.values[i])) expect(got.values[i]).toBe(want.values[i]);
    }
  });
});

describe('which products go to the pool on 2 threads (the default crossover)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(await setWasmThreads(2)).toBe(2);
  });
  afterAll(async () => {
    await setWasmThreads(1);
  });

  // [name, a, b, transposeA, transposeB, on the pool]: the faster route on 2 threads, by 10% or more,
  // in the sweeps of BENCHMARKS.md (branch wip/crossover, under load) and the quiet machine's figures
  // after wave 10; LeNet-5's first dense layer, level product by product, stays on one thread, as the
  // quiet machine's whole training steps ran faster that way; predict's first layer at batch 32 stays
  // there too (on MNIST digits the one-thread pair lists beat the pool 1.36x over the whole pass, on
  // dense rows the pool wins 1.11x), and so does a 400-120 layer at batch 96 (pool 1.13x on dense
  // operands in the quiet sweep: the cost of the copy term that keeps predict's batches at home). A
  // rule that sends one of these the other way fails here.
  const ROUTES: [string, number[], number[], boolean, boolean, boolean][] = [
    ['MLP predict batch 32, first layer (12.8M)', [32, 784], [784, 512], false, false, false],
    ['MLP predict batch 32, second layer (4.2M)', [32, 512], [512, 256], false, false, false],
    ['MLP predict batch 32, output layer', [32, 256], [256, 10], false, false, false],
    ['MLP predict batch 16, first layer (6.4M)', [16, 784], [784, 512], false, false, false],
    ['MLP predict batch 64, first layer', [64, 784], [784, 512], false, false, true],
    ['MLP predict batch 1000, first layer', [1000, 784], [784, 512], false, false, true],
    ['MLP training forward (batch 128)', [128, 784], [784, 512], false, false, true],
    ['MLP training weight gradient', [128, 784], [128, 512], true, false, true],
    ['MLP training input gradient', [128, 512], [784, 512], false, true, true],
    ['MLP training second layer forward', [128, 512], [512, 256], false, false, true],
    ['MLP training second layer weight gradient', [128, 512], [128, 256], true, false, true],
    ['MLP training second layer input gradient', [128, 256], [512, 256], false, true, true],
    ['MLP training output layer forward', [128, 256], [256, 10], false, false, false],
    ['MLP training output layer weight gradient', [128, 256], [128, 10], true, false, false],
    ['MLP training output layer input gradient', [128, 10], [256, 10], false, true, false],
    ['LeNet-5 dense forward (batch 64)', [64, 400], [400, 120], false, false, false],
    ['LeNet-5 dense weight gradient', [64, 400], [64, 120], true, false, false],
    ['LeNet-5 dense input gradient', [64, 120], [400, 120], false, true, false],
    ['LeNet-5 second dense forward', [64, 120], [120, 84], false, false, false],
    ['LeNet-5 second dense weight gradient', [64, 120], [64, 84], true, false, false],
    ['a square of 192', [192, 192], [192, 192], false, false, true],
    ['a dense layer 400-120 at batch 96', [96, 400], [400, 120], false, false, false],
    ['a dense layer 400-120 at batch 128', [128, 400], [400, 120], false, false, true],
    ['issue 22: 512 x 512 x 512', [512, 512], [512, 512], false, false, true],
    ['a batch on a folded into rows: 4 x 32 rows', [4, 32, 784], [784, 512], false, false, true],
    ['a batch of 2 on a, 16 rows each', [2, 16, 512], [512, 256], false, false, false],
  ];

  it.each(ROUTES)('%s', async (_name, a, b, transposeA, transposeB, pool) => {
    expect(threadedMatMulRoutes(a, b, transposeA, transposeB)).toBe(pool);
    const got = await byThreads({ a, b, attrs: { transposeA, transposeB } });
    expect(got == null).toBe(!pool);
  });

  it('weighs the multiply-adds against a base and the elements copied in and out', () => {
    const { base, perCopy } = MAT_MUL_CROSSOVER;
    // [32, 784] . [784, 512]: 12.8M multiply-adds; 25k + 401k + 16k copied: stays. [64, 784]: goes.
    expect(32 * 784 * 512).toBeLessThan(base + perCopy * (32 * 784 + 784 * 512 + 32 * 512));
    expect(poolPaysFor(32, 784, 512)).toBe(false);
    expect(64 * 784 * 512).toBeGreaterThanOrEqual(base + perCopy * (64 * 784 + 784 * 512 + 64 * 512));
    expect(poolPaysFor(64, 784, 512)).toBe(true);
    // Right at the crossover: a product of exactly `base + perCopy * copied` goes, one fewer row stays.
    const at = (m: number) => m * 512 * 256 - base - perCopy * (m * 512 + 512 * 256 + m * 256);
    const m = Array.from({ length: 512 }, (_, i) => i + 1).find((rows) => at(rows) >= 0)!;
    expect(poolPaysFor(m, 512, 256)).toBe(true);
    expect(poolPaysFor(m - 1, 512, 256)).toBe(false);
    // The same size with fewer copies goes: 8.4M as [64, 512] . [512, 256] against [16, 512] . [512, 1024].
    expect(poolPaysFor(64, 512, 256)).toBe(true);
    expect(poolPaysFor(16, 512, 1024)).toBe(false);
  });

  it('routes by a rule set for one run, and by the default again after', () => {
    setThreadedMatMulCrossover({ base: 0, perCopy: 48 }); // wave 10's: [48, 784] . [784, 512] (19.3M) stays
    try {
      expect(threadedMatMulRoutes([48, 784], [784, 512])).toBe(false);
      expect(threadedMatMulRoutes([128, 512], [512, 256])).toBe(true);
    } finally {
      setThreadedMatMulCrossover();
    }
    expect(threadedMatMulRoutes([48, 784], [784, 512])).toBe(true);
  });

  it('copies a rule set for one run, and refuses terms that are not finite numbers', () => {
    const rule = { base: 0, perCopy: 48 };
    setThreadedMatMulCrossover(rule);
    try {
      rule.perCopy = 0; // the caller's object changes; the rule in force does not
      expect(threadedMatMulRoutes([48, 784], [784, 512])).toBe(false);
      for (const bad of [
        { base: Number.NaN, perCopy: 14 },
        { base: 3e6, perCopy: Number.POSITIVE_INFINITY },
        { base: 3e6, perCopy: Number.NEGATIVE_INFINITY },
        { base: '3e6', perCopy: 14 } as unknown as MatMulCrossover,
      ]) {
        expect(() => setThreadedMatMulCrossover(bad)).toThrow(/give a finite number of multiply-adds/);
      }
      expect(threadedMatMulRoutes([48, 784], [784, 512])).toBe(false); // still 0 + 48
      setThreadedMatMulCrossover({ base: -1e6, perCopy: 26 }); // a fitted rule may have a negative term
      expect(threadedMatMulRoutes([48, 784], [784, 512])).toBe(true); // 19.3M >= -1M + 26 * 464k
    } finally {
      setThreadedMatMulCrossover();
    }
    expect(threadedMatMulRoutes([48, 784], [784, 512])).toBe(true);
  });

  it('computes m, k and n as matMulByThreads takes them, and null where the pool cannot take the product', () => {
    expect(productSize([4, 32, 784], [784, 512], false, false)).toEqual({ m: 128, k: 784, n: 512 });
    expect(productSize([128, 784], [128, 512], true, false)).toEqual({ m: 784, k: 128, n: 512 });
    expect(productSize([128, 256], [512, 256], false, true)).toEqual({ m: 128, k: 256, n: 512 });
    expect(productSize([2, 128, 784], [128, 512], true, false)).toBeNull(); // a transposed batched a
    expect(productSize([32, 784], [2, 784, 512], false, false)).toBeNull(); // a batch on b
    expect(productSize([32, 784], [783, 512], false, false)).toBeNull(); // inner sizes differ
    expect(productSize([0, 784], [784, 512], false, false)).toBeNull();
    expect(productSize([784], [784, 512], false, false)).toBeNull();
    // a batch on b: not matMulByThreads's (fastMatMul runs it as one [512, 512] . [512, 512] per entry, each on the pool)
    expect(threadedMatMulRoutes([2, 512, 512], [2, 512, 512])).toBe(false);
    expect(threadedMatMulRoutes([512, 512], [512, 512])).toBe(true);
  });

  it.each([
    [
      'a dense layer at batch 32 (bias, relu)',
      { a: [32, 784], b: [784, 512], bias: [512], attrs: { activation: 'relu' } },
    ],
    ['a plain product at batch 32', { a: [32, 512], b: [512, 256] }],
    ['a LeNet-5 weight gradient', { a: [64, 400], b: [64, 120], attrs: { transposeA: true } }],
    ['a LeNet-5 input gradient', { a: [64, 120], b: [400, 120], attrs: { transposeB: true } }],
  ] as [string, Case][])(
    'gives the same bits on the calling thread as on the pool, whichever route the crossover takes: %s',
    async (_name, c) => {
      setThreadedKernelsEnabled(false);
      let calling: Awaited<ReturnType<typeof run>>;
      try {
        calling = await run('wasm', c);
      } finally {
        setThreadedKernelsEnabled(true);
      }
      setThreadedMatMulMinimum(1);
      try {
        const pool = await run('wasm', c);
        expect(Buffer.from(pool.values.buffer).equals(Buffer.from(calling.values.buffer))).toBe(true);
      } finally {
        setThreadedMatMulMinimum();
      }
    },
  );

  it('sends every product the size allows to the pool once a minimum is set, and the default back', () => {
    setThreadedMatMulMinimum(1);
    expect(threadedMatMulRoutes([32, 512], [512, 256])).toBe(true);
    expect(threadedMatMulRoutes([4, 4], [4, 4])).toBe(true);
    setThreadedMatMulMinimum();
    expect(threadedMatMulRoutes([32, 512], [512, 256])).toBe(false);
    expect(threadedMatMulRoutes([128, 784], [784, 512])).toBe(true);
  });
});

describe('packPanels of a transposed b', () => {
  it('pads the last panel with zeros without reading past b, even where b ends at the end of the memory', () => {
    // b^T [n = 9, k = 1000] in the last bytes of a 2-page memory; its 2 panels of 8 columns at 0. The
    // 7 padding columns lie 4,000 to 28,000 bytes past b's end, that is past the memory's end (a Tucker
    // unfolding of 100^3 with rank 10 trapped there on 2 threads).
    const [n, k] = [9, 1000];
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    const module = new WebAssembly.Module(Buffer.from(threadedMatMulWasm.SIMD_WASM_BASE64, 'base64'));
    const kernels = new WebAssembly.Instance(module, { env: { memory } })
      .exports as unknown as ThreadedMatMulKernels;
    const heap = new Float32Array(memory.buffer);
    const bAt = heap.length - n * k; // floats
    heap.fill(Number.NaN, 0, bAt);
    heap.set(sequence(n * k, 6), bAt);
    kernels.packPanels(bAt * 4, 0, k, n, 1);
    for (let col = 0; col < 16; col++) {
      for (const p of [0, 1, k - 1]) {
        const packed = heap[Math.floor(col / 8) * k * 8 + p * 8 + (col % 8)];
        expect(packed).toBe(col < n ? heap[bAt + col * k + p] : 0);
      }
    }
  });
});

describe('tiles', () => {
  it('cuts tall outputs across rows and wide ones across columns, in whole 4 x 8 blocks', () => {
    expect(tiles(784, 512, 2)).toEqual({ chunkRows: 100, chunkCols: 512, chunks: 8 });
    expect(tiles(128, 784, 2)).toEqual({ chunkRows: 128, chunkCols: 104, chunks: 8 });
    expect(tiles(8, 8, 4)).toEqual({ chunkRows: 4, chunkCols: 8, chunks: 2 });
  });
});

describe('initBackend({ threads })', () => {
  afterAll(async () => {
    await setWasmThreads(1);
  });

  it('starts the pool, and 1 stops it', async () => {
    expect((await initBackend({ require: 'wasm', threads: 2 })).threads).toBe(2);
    expect((await initBackend({ require: 'wasm', threads: 1 })).threads).toBe(1);
    expect(wasmThreads()).toBe(1);
  });

  it('refuses a thread count that is not a whole number', async () => {
    await expect(initBackend({ require: 'wasm', threads: 0 })).rejects.toThrow(/whole number of threads/);
    await expect(initBackend({ require: 'wasm', threads: 1.5 })).rejects.toThrow(/whole number of threads/);
  });
});
