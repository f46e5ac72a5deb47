import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../init-backend.js';
import { backendsForTests } from '../testing.js';

const hasWebgpu = (await backendsForTests()).includes('webgpu');

function values(shape: number[], seed: number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => (((i + seed) * 7) % 13) / 4 - 1.5);
}

type Op = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

async function runOn(backend: 'cpu' | 'webgpu', op: Op, aShape: number[], bShape: number[]) {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const a = tf.tensor(values(aShape, 1), aShape);
  const b = tf.tensor(values(bShape, 4), bShape);
  const out = tf.tidy(() => op(a, b));
  const result = { shape: out.shape, values: Array.from(await out.data()) };
  tf.dispose([a, b, out]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

// Stock tfjs-backend-webgpu's shaders throw "GPU for rank 7 is not yet supported".
describe.skipIf(!hasWebgpu)('WebGPU element-wise ops above rank 6', () => {
  const cases: Array<[string, Op, number[], number[]]> = [
    ['sub, same rank-7 shapes', tf.sub, [2, 2, 2, 2, 2, 2, 3], [2, 2, 2, 2, 2, 2, 3]],
    ['mul, rank 8 and a vector', tf.mul, [2, 1, 3, 2, 1, 2, 2, 3], [3]],
    [
      'add, broadcast on alternate axes (rank 7 after merging)',
      tf.add,
      [2, 1, 2, 1, 2, 1, 3],
      [1, 2, 1, 2, 1, 2, 3],
    ],
    [
      'maximum, broadcast on alternate axes at rank 8',
      tf.maximum,
      [2, 1, 2, 1, 2, 1, 2, 3],
      [1, 2, 1, 2, 1, 2, 1, 3],
    ],
    ['pow with a scalar, rank 7', (a, b) => tf.pow(tf.abs(a), b), [10, 4, 1, 2, 1, 5, 2], []],
    ['minimum, rank 7 and rank 6', tf.minimum, [4, 3, 4, 2, 3, 5, 2], [1, 1, 1, 3, 1, 1]],
    ['sub, rank 7 and rank 6', tf.sub, [4, 3, 4, 2, 3, 5, 2], [1, 1, 1, 3, 1, 1]],
    ['add of a vector to a rank-6 tensor (stock: an invalid pipeline)', tf.add, [1, 5, 9, 1, 18, 5], [5]],
    ['greater (bool output), rank 7', tf.greater, [2, 2, 2, 2, 2, 2, 3], [3]],
    ['sigmoid, rank 8', (a) => tf.sigmoid(a), [2, 1, 3, 2, 1, 2, 2, 3], [1]],
    ['addN of 10, rank 7', (a) => tf.addN(Array.from({ length: 10 }, () => a)), [2, 2, 2, 2, 2, 2, 3], [1]],
  ];
  for (const [name, op, aShape, bShape] of cases) {
    it(`${name} matches the CPU backend`, async () => {
      const got = await runOn('webgpu', op, aShape, bShape);
      const want = await runOn('cpu', op, aShape, bShape);
      expect(got.shape).toEqual(want.shape);
      got.values.forEach((v, i) => {
        expect(Math.abs(v - want.values[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want.values[i])));
      });
    });
  }
});
