import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';

function values(shape: number[], seed: number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => (((i + seed) * 7) % 11) / 5 - 1);
}

type Conv = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor;

async function runOn(backend: 'cpu' | 'wasm', conv: Conv, xShape: number[], fShape: number[]) {
  await useBackend(backend);
  const x = tf.tensor4d(values(xShape, 1), xShape as [number, number, number, number]);
  const f = tf.tensor4d(values(fShape, 2), fShape as [number, number, number, number]);
  const y = conv(x, f);
  const result = { shape: y.shape, values: Array.from(await y.data()) };
  tf.dispose([x, f, y]);
  return result;
}

// Stock WASM passed 'same' to XNNPACK as its SAME flag, and these geometries came back all zeros.
describe("WASM convolutions with 'same' padding", () => {
  const cases: Array<[string, Conv, number[], number[]]> = [
    ['conv2d, 2x1 filter, stride 2', (x, f) => tf.conv2d(x, f, [2, 2], 'same'), [2, 9, 12, 3], [2, 1, 3, 4]],
    [
      'depthwiseConv2d, 2x1 filter, stride 2',
      (x, f) => tf.depthwiseConv2d(x, f, [2, 2], 'same'),
      [2, 9, 12, 3],
      [2, 1, 3, 2],
    ],
    [
      'fused conv2d with relu',
      (x, f) => tf.fused.conv2d({ x, filter: f, strides: [2, 2], pad: 'same', activation: 'relu' }),
      [2, 9, 12, 3],
      [2, 1, 3, 4],
    ],
    [
      'conv2d, 3x3 filter, stride 1 (unchanged)',
      (x, f) => tf.conv2d(x, f, 1, 'same'),
      [1, 5, 6, 2],
      [3, 3, 2, 3],
    ],
  ];
  for (const [name, conv, xShape, fShape] of cases) {
    it(`${name} matches the CPU backend`, async () => {
      const got = await runOn('wasm', conv, xShape, fShape);
      const want = await runOn('cpu', conv, xShape, fShape);
      expect(got.shape).toEqual(want.shape);
      got.values.forEach((v, i) => {
        expect(Math.abs(v - want.values[i])).toBeLessThanOrEqual(1e-4);
      });
    });
  }
});
