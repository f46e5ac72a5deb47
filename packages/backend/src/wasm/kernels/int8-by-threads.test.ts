import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { INT8_CONV2D, INT8_MAT_MUL, type Int8Conv2DAttrs, packInt8Levels } from '../../int8/int8-kernels.js';
import { int8Conv2DReference, int8ConvGeometry, int8MatMulReference } from '../../int8/reference.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { setFmaKernelsEnabled } from '../simd/simd-module.js';
import { sequence } from '../test-utils/run-kernel.js';
import { setWasmThreads, threadPool } from '../threads/wasm-threads.js';
import {
  int8Conv2DByThreads,
  int8MatMulByThreads,
  int8Tiles,
  packQuadBytes,
  setThreadedInt8Minimum,
  THREADED_INT8_MIN_MULTIPLY_ADDS,
} from './int8-by-threads.js';

/** Which inputs: all signed, all non-negative (the byte products), or the first half non-negative. */
type Sign = 'signed' | 'non-negative' | 'mixed';

/** Operands of an int8 kernel: x, random levels [k, n] packed, scales and bias. */
function operands(xShape: number[], k: number, n: number, seed: number, sign: Sign = 'signed') {
  const size = xShape.reduce((a, b) => a * b, 1);
  const x = sequence(size, seed).map((v, i) =>
    sign === 'non-negative' || (sign === 'mixed' && i < size / 2) ? Math.abs(v) : v,
  ); // in [-1, 1)
  const levels = Int8Array.from(sequence(k * n, seed + 1), (v) => Math.round(v * 127));
  const packed = packInt8Levels(levels, k, n);
  const scales = Float32Array.from(sequence(n, seed + 2), (v) => Math.abs(v) * 0.01 + 1e-3);
  const bias = sequence(n, seed + 3);
  return { x, packed, scales, bias };
}

type Ops = ReturnType<typeof operands>;

function tensorsOf(o: Ops, xShape: number[], k: number, n: number) {
  return {
    x: tf.tensor(o.x, xShape),
    w: tf.tensor(o.packed, [Math.ceil(n / 8), Math.ceil(k / 2), 8], 'int32'),
    scales: tf.tensor1d(o.scales),
    bias: tf.tensor1d(o.bias),
  };
}

/** The registered kernel's result on the WASM backend, and no tensor or buffer left behind. */
async function runKernel(name: string, o: Ops, xShape: number[], k: number, n: number, attrs: object) {
  const before = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  const inputs = tensorsOf(o, xShape, k, n);
  const y = tf.engine().runKernel(name, inputs, attrs as never) as tf.Tensor;
  const values = (await y.data()) as Float32Array;
  tf.dispose([y, ...Object.values(inputs)]);
  expect(tf.memory().numTensors).toBe(before);
  expect(tf.engine().backend.numDataIds()).toBe(dataIds);
  return values;
}

const products: Array<[number, number, number]> = [
  [64, 784, 40],
  [32, 200, 300],
  [100, 700, 12], // over 65536 inputs: quantized by the pool too
  [37, 33, 21],
  [128, 256, 10],
  [9, 5, 3],
];

const convs: Array<{ x: number[]; n: number; attrs: Int8Conv2DAttrs }> = [
  // over 65536 inputs: quantized by the pool too
  { x: [6, 40, 40, 8], n: 8, attrs: { kernelSize: [3, 3], strides: [1, 1], padding: 'same' } },
  {
    x: [5, 12, 12, 3],
    n: 16,
    attrs: { kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu' },
  },
  { x: [3, 9, 8, 5], n: 10, attrs: { kernelSize: [3, 2], strides: [2, 3], padding: 'same' } },
  { x: [2, 14, 14, 8], n: 12, attrs: { kernelSize: [5, 5], strides: [1, 1], padding: 'valid' } },
];

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const SIGNS: Sign[] = ['signed', 'non-negative', 'mixed'];

describe.each([
  ['FMA', true],
  ['SIMD', false],
] as const)('the int8 kernels on the WASM thread pool (%s build)', (_build, fma) => {
  beforeAll(async () => {
    await useBackend('wasm');
    setFmaKernelsEnabled(fma);
    setThreadedInt8Minimum(0);
  });
  afterAll(async () => {
    setThreadedInt8Minimum();
    setFmaKernelsEnabled(true);
    await setWasmThreads(1);
  });

  it(`${fma ? 'has' : 'has no'} byte products (relaxed SIMD dot products, the FMA build only)`, async () => {
    expect(await setWasmThreads(2)).toBe(2);
    expect(threadPool('int8')?.kernels.hasBytes != null).toBe(fma);
  });

  it('takes products and convolutions on the pool, and leaves small ones under the minimum to one thread', async () => {
    expect(await setWasmThreads(2)).toBe(2);
    const wasm = tf.backend() as unknown as WasmBackendLike;
    const o = operands([64, 100], 100, 16, 1);
    const inputs = tensorsOf(o, [64, 100], 100, 16);
    const out = tf.zeros([64, 16]);
    const conv = tensorsOf(operands([2, 8, 8, 4], 36, 8, 2), [2, 8, 8, 4], 36, 8);
    const convOut = tf.zeros([2, 8, 8, 8]);
    const g = int8ConvGeometry([2, 8, 8, 4], 8, { kernelSize: [3, 3], strides: [1, 1], padding: 'same' });
    try {
      expect(int8MatMulByThreads(wasm, inputs, out, 64, 100, 16, false)).toBe(true);
      expect(int8Conv2DByThreads(wasm, conv, convOut, g, false)).toBe(true);
      setThreadedInt8Minimum();
      expect(64 * 100 * 16).toBeLessThan(THREADED_INT8_MIN_MULTIPLY_ADDS);
      expect(int8MatMulByThreads(wasm, inputs, out, 64, 100, 16, false)).toBe(false);
      expect(int8Conv2DByThreads(wasm, conv, convOut, g, false)).toBe(false);
    } finally {
      setThreadedInt8Minimum(0);
      tf.dispose([out, convOut, ...Object.values(inputs), ...Object.values(conv)]);
    }
  });

  it.each(products.flatMap((p) => SIGNS.map((sign) => [...p, sign] as const)))(
    'matMul [%i, %i] x [%i] of %s inputs gives the reference to the last bit on 1, 2 and 3 threads',
    async (m, k, n, sign) => {
      const o = operands([m, k], k, n, m + k, sign);
      const activations = ['linear', 'relu'] as const;
      // Both activations on each thread count: three pool changes per case, not six.
      const results: Float32Array[][] = [[], []];
      for (const threads of [1, 2, 3]) {
        expect(await setWasmThreads(threads)).toBe(threads);
        for (const [i, activation] of activations.entries()) {
          results[i].push(await runKernel(INT8_MAT_MUL, o, [m, k], k, n, { activation }));
        }
      }
      for (const [i, activation] of activations.entries()) {
        const expected = int8MatMulReference(o.x, m, k, o.packed, n, o.scales, o.bias, activation === 'relu');
        expect(Array.from(results[i][1])).toEqual(Array.from(expected));
        for (const r of results[i]) expect(bits(r).equals(bits(results[i][1]))).toBe(true);
      }
    },
  );

  it.each(convs.flatMap((c) => SIGNS.map((sign) => ({ ...c, sign }))))(
    'conv2d %j gives the reference to the last bit on 1, 2 and 3 threads',
    async ({ x, n, attrs, sign }) => {
      const k = attrs.kernelSize[0] * attrs.kernelSize[1] * x[3];
      const o = operands(x, k, n, k, sign);
      const g = int8ConvGeometry(x, n, attrs);
      const expected = int8Conv2DReference(o.x, g, o.packed, o.scales, o.bias, attrs.activation === 'relu');
      const results: Float32Array[] = [];
      for (const threads of [1, 2, 3]) {
        expect(await setWasmThreads(threads)).toBe(threads);
        results.push(await runKernel(INT8_CONV2D, o, x, k, n, attrs));
      }
      expect(Array.from(results[1])).toEqual(Array.from(expected));
      for (const r of results) expect(bits(r).equals(bits(results[1]))).toBe(true);
    },
  );
});

describe('int8Tiles', () => {
  it('cuts tall outputs across rows and wide ones (a batch of 32) across columns, in whole 4 x 8 blocks', () => {
    expect(int8Tiles(1000, 512, 2)).toEqual({ chunkRows: 128, chunkCols: 512, chunks: 8 });
    expect(int8Tiles(32, 512, 2)).toEqual({ chunkRows: 32, chunkCols: 64, chunks: 8 });
    expect(int8Tiles(32, 10, 2)).toEqual({ chunkRows: 4, chunkCols: 16, chunks: 8 });
  });
});

/**
 * Registers, in the calling `describe`: WASM on 2 threads with every int8 product on the pool (minimum
 * 0) before its tests; the default minimum and one thread after them.
 */
function onTwoThreadsEveryInt8ProductPooled(): void {
  beforeAll(async () => {
    await useBackend('wasm');
    setThreadedInt8Minimum(0);
    expect(await setWasmThreads(2)).toBe(2);
  });
  afterAll(async () => {
    setThreadedInt8Minimum();
    await setWasmThreads(1);
  });
}

describe('the byte weights kept per tensor', () => {
  onTwoThreadsEveryInt8ProductPooled();

  it('gives the reference for the same weights again, and for new weights of the same shape', async () => {
    const [m, k, n] = [24, 60, 40];
    const first = operands([m, k], k, n, 11, 'non-negative');
    const second = operands([m, k], k, n, 12, 'non-negative');
    for (const o of [first, second]) {
      const inputs = tensorsOf(o, [m, k], k, n);
      for (let round = 0; round < 2; round++) {
        const y = tf.engine().runKernel(INT8_MAT_MUL, inputs, {}) as tf.Tensor;
        const expected = int8MatMulReference(o.x, m, k, o.packed, n, o.scales, o.bias, false);
        expect(Array.from(await y.data())).toEqual(Array.from(expected));
        y.dispose();
      }
      tf.dispose(Object.values(inputs));
    }
  });
});

describe('packQuadBytes', () => {
  it('lays the levels out as 4 rows of k per column, 8 columns a block, zero past k and n', () => {
    const [k, n] = [7, 11];
    const levels = Int8Array.from({ length: k * n }, (_, i) => ((i * 37) % 255) - 127);
    const packed = packQuadBytes(packInt8Levels(levels, k, n), 2, 4);
    expect(packed.length).toBe(2 * 2 * 32);
    for (let b = 0; b < 2; b++)
      for (let q = 0; q < 2; q++)
        for (let c = 0; c < 8; c++)
          for (let t = 0; t < 4; t++) {
            const [row, col] = [4 * q + t, 8 * b + c];
            const want = row < k && col < n ? levels[row * n + col] : 0;
            expect(packed[((b * 2 + q) * 8 + c) * 4 + t]).toBe(want);
          }
  });
});

describe('the byte weights kept in the pool memory', () => {
  onTwoThreadsEveryInt8ProductPooled();

  it('are copied in again after another kernel had the pool (a float product over them)', async () => {
    const [m, k, n] = [16, 40, 24];
    const o = operands([m, k], k, n, 21, 'non-negative');
    const inputs = tensorsOf(o, [m, k], k, n);
    const expected = Array.from(int8MatMulReference(o.x, m, k, o.packed, n, o.scales, o.bias, false));
    const product = async () => {
      const y = tf.engine().runKernel(INT8_MAT_MUL, inputs, {}) as tf.Tensor;
      const values = Array.from(await y.data());
      y.dispose();
      return values;
    };
    expect(await product()).toEqual(expected);
    expect(await product()).toEqual(expected); // the kept weights
    // a float product on the pool writes its operands over the whole memory in use
    const a = tf.randomUniform([512, 512], 0, 1, 'float32', 1);
    const floatProduct = tf.matMul(a, a);
    await floatProduct.data();
    tf.dispose([a, floatProduct]);
    expect(await product()).toEqual(expected);
    tf.dispose(Object.values(inputs));
  });
});
