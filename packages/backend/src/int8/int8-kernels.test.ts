import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../init-backend.js';
import { backendsForTests } from '../testing.js';
import type { WasmBackendLike } from '../wasm/kernel-scope.js';
import { int8Simd } from '../wasm/simd/int8-simd.js';
import { setSimdKernelsEnabled } from '../wasm/simd/simd-module.js';
import { INT8_CONV2D, INT8_MAT_MUL, type Int8Conv2DAttrs, packInt8Levels } from './int8-kernels.js';
import {
  int8Conv2DReference,
  int8ConvGeometry,
  int8MatMulReference,
  levelAt,
  roundHalfEven,
} from './reference.js';

/** Deterministic numbers in [-1, 1). */
function numbers(count: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

/** Random int8 levels [k, n], and packed for the kernels. */
function packedLevels(k: number, n: number, seed: number): { levels: Int8Array; packed: Int32Array } {
  const levels = Int8Array.from(numbers(k * n, seed), (v) => Math.round(v * 127));
  return { levels, packed: packInt8Levels(levels, k, n) };
}

const packedShape = (k: number, n: number) => [Math.ceil(n / 8), Math.ceil(k / 2), 8];

describe('the int8 reference', () => {
  it('rounds halves to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([
      0, 2, 2, -0, -2, -2, 2, -3,
    ]);
  });

  it('unpacks the signed levels of both halves', () => {
    const { levels, packed } = packedLevels(5, 3, 7);
    for (let t = 0; t < 5; t++)
      for (let j = 0; j < 3; j++) expect(levelAt(packed, 3, t, j)).toBe(levels[t * 3 + j]);
  });

  it('is the float product within the quantization error', () => {
    const [m, k, n] = [3, 9, 5];
    const x = numbers(m * k, 1);
    const { levels, packed } = packedLevels(k, n, 2);
    const scales = Float32Array.from({ length: n }, (_, j) => 0.01 * (j + 1));
    const bias = numbers(n, 3);
    const y = int8MatMulReference(x, m, k, packed, n, scales, bias, false);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let exact = bias[j];
        for (let t = 0; t < k; t++) exact += x[i * k + t] * levels[t * n + j] * scales[j];
        expect(Math.abs(y[i * n + j] - exact)).toBeLessThan(0.02 * (j + 1));
      }
  });
});

const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [5, 7, 3],
  [8, 16, 8],
  [13, 33, 21],
  [64, 784, 10],
];

const convCases: Array<{ x: number[]; n: number; attrs: Int8Conv2DAttrs }> = [
  { x: [2, 6, 5, 1], n: 3, attrs: { kernelSize: [3, 3], strides: [1, 1], padding: 'same' } },
  {
    x: [1, 7, 7, 3],
    n: 8,
    attrs: { kernelSize: [5, 5], strides: [1, 1], padding: 'valid', activation: 'relu' },
  },
  { x: [3, 9, 8, 5], n: 10, attrs: { kernelSize: [3, 2], strides: [2, 3], padding: 'same' } },
  {
    x: [2, 28, 28, 1],
    n: 8,
    attrs: { kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu' },
  },
  { x: [1, 4, 4, 16], n: 32, attrs: { kernelSize: [3, 3], strides: [1, 1], padding: 'same' } },
];

const hasWebgpu = (await backendsForTests()).includes('webgpu');

/**
 * Expects `actual` to be `expected`: to the last bit on CPU and WASM, within a level of the
 * quantization on WebGPU (whose f32 division may round `127 / max` differently).
 */
function expectClose(actual: Float32Array, expected: Float32Array, backend: string): void {
  if (backend !== 'webgpu') {
    expect(Array.from(actual)).toEqual(Array.from(expected));
    return;
  }
  const scale = Math.max(...Array.from(expected, Math.abs), 1);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-3 * scale);
}

describe.each([
  ['cpu', true],
  ['wasm', true],
  ['wasm', false],
  ...(hasWebgpu ? [['webgpu', true] as const] : []),
] as const)('the int8 kernels on %s (SIMD %s)', (backend, simd) => {
  beforeAll(async () => {
    await useBackend(backend);
    setSimdKernelsEnabled(simd);
  });
  afterAll(() => setSimdKernelsEnabled(true));

  it(`runs ${backend === 'wasm' && simd ? 'the SIMD module' : 'no SIMD module'}`, () => {
    const wasm = tf.backend() as unknown as WasmBackendLike;
    const module = backend === 'wasm' ? int8Simd(wasm) : null;
    expect(module != null).toBe(backend === 'wasm' && simd);
    // the FMA build (relaxed SIMD: on in these tests) multiplies non-negative inputs as bytes
    expect(module?.packQuads != null).toBe(backend === 'wasm' && simd);
  });

  it.each(
    shapes.flatMap(([m, k, n]) => [
      [m, k, n, 'signed'],
      [m, k, n, 'non-negative'],
    ]),
  )('matMul [%i, %i] x [%i, ...] of %s inputs gives the reference to the last bit', async (m, k, n, sign) => {
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    const xs = numbers(m * k, m + k).map((v) => (sign === 'signed' ? v : Math.abs(v)));
    const { packed } = packedLevels(k, n, n);
    const scales = Float32Array.from(numbers(n, 5), (v) => Math.abs(v) * 0.01 + 1e-3);
    const bias = numbers(n, 6);
    for (const activation of ['linear', 'relu'] as const) {
      const inputs = {
        x: tf.tensor2d(xs, [m, k]),
        w: tf.tensor(packed, packedShape(k, n), 'int32'),
        scales: tf.tensor1d(scales),
        bias: tf.tensor1d(bias),
      };
      const y = tf.engine().runKernel(INT8_MAT_MUL, inputs, { activation }) as tf.Tensor;
      expect(y.shape).toEqual([m, n]);
      const expected = int8MatMulReference(xs, m, k, packed, n, scales, bias, activation === 'relu');
      expectClose((await y.data()) as Float32Array, expected, backend);
      tf.dispose([y, ...Object.values(inputs)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    // and the kernels' scratch is freed: the backend holds no more buffers than before
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
  });

  it('matMul of a zero row gives the bias', async () => {
    const y = tf.tidy(() =>
      tf.engine().runKernel(
        INT8_MAT_MUL,
        {
          x: tf.zeros([2, 4]),
          w: tf.ones([1, 2, 8], 'int32'),
          scales: tf.ones([3]),
          bias: tf.tensor1d([1, -2, 3]),
        },
        {},
      ),
    ) as tf.Tensor;
    expect(Array.from(await y.data())).toEqual([1, -2, 3, 1, -2, 3]);
    y.dispose();
  });

  it.each(
    convCases.flatMap((c) => [
      { ...c, sign: 'signed' },
      { ...c, sign: 'non-negative' },
    ]),
  )('conv2d %j gives the reference to the last bit', async ({ x: shape, n, attrs, sign }) => {
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    const k = attrs.kernelSize[0] * attrs.kernelSize[1] * shape[3];
    const xs = numbers(
      shape.reduce((a, b) => a * b, 1),
      k,
    ).map((v) => (sign === 'signed' ? v : Math.abs(v)));
    const { packed } = packedLevels(k, n, n + 1);
    const scales = Float32Array.from(numbers(n, 5), (v) => Math.abs(v) * 0.01 + 1e-3);
    const bias = numbers(n, 6);
    const inputs = {
      x: tf.tensor(xs, shape),
      w: tf.tensor(packed, packedShape(k, n), 'int32'),
      scales: tf.tensor1d(scales),
      bias: tf.tensor1d(bias),
    };
    const y = tf.engine().runKernel(INT8_CONV2D, inputs, attrs as never) as tf.Tensor;
    const g = int8ConvGeometry(shape, n, attrs);
    expect(y.shape).toEqual([g.batch, g.outH, g.outW, n]);
    const expected = int8Conv2DReference(xs, g, packed, scales, bias, attrs.activation === 'relu');
    expectClose((await y.data()) as Float32Array, expected, backend);
    tf.dispose([y, ...Object.values(inputs)]);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
  });
});
