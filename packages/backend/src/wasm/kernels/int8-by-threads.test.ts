import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { INT8_CONV2D, INT8_MAT_MUL, type Int8Conv2DAttrs, packInt8Levels } from '../../int8/int8-kernels.js';
import { int8Conv2DReference, int8ConvGeometry, int8MatMulReference } from '../../int8/reference.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { sequence } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import {
  int8Conv2DByThreads,
  int8MatMulByThreads,
  setThreadedInt8Minimum,
  THREADED_INT8_MIN_MULTIPLY_ADDS,
} from './int8-by-threads.js';

/** Operands of an int8 kernel: x, random levels [k, n] packed, scales and bias. */
function operands(xShape: number[], k: number, n: number, seed: number) {
  const size = xShape.reduce((a, b) => a * b, 1);
  const x = sequence(size, seed); // in [-1, 1)
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
  [37, 33, 21],
  [128, 256, 10],
  [9, 5, 3],
];

const convs: Array<{ x: number[]; n: number; attrs: Int8Conv2DAttrs }> = [
  {
    x: [5, 12, 12, 3],
    n: 16,
    attrs: { kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu' },
  },
  { x: [3, 9, 8, 5], n: 10, attrs: { kernelSize: [3, 2], strides: [2, 3], padding: 'same' } },
  { x: [2, 14, 14, 8], n: 12, attrs: { kernelSize: [5, 5], strides: [1, 1], padding: 'valid' } },
];

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('the int8 kernels on the WASM thread pool', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    setThreadedInt8Minimum(0);
  });
  afterAll(async () => {
    setThreadedInt8Minimum();
    await setWasmThreads(1);
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

  it.each(products)(
    'matMul [%i, %i] x [%i] gives the reference to the last bit on 1, 2 and 3 threads',
    async (m, k, n) => {
      const o = operands([m, k], k, n, m + k);
      for (const activation of ['linear', 'relu'] as const) {
        const expected = int8MatMulReference(o.x, m, k, o.packed, n, o.scales, o.bias, activation === 'relu');
        const results: Float32Array[] = [];
        for (const threads of [1, 2, 3]) {
          expect(await setWasmThreads(threads)).toBe(threads);
          results.push(await runKernel(INT8_MAT_MUL, o, [m, k], k, n, { activation }));
        }
        expect(Array.from(results[1])).toEqual(Array.from(expected));
        for (const r of results) expect(bits(r).equals(bits(results[1]))).toBe(true);
      }
    },
  );

  it.each(convs)(
    'conv2d %j gives the reference to the last bit on 1, 2 and 3 threads',
    async ({ x, n, attrs }) => {
      const k = attrs.kernelSize[0] * attrs.kernelSize[1] * x[3];
      const o = operands(x, k, n, k);
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
