import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../init-backend.js';
import { backendsForTests } from '../testing.js';
import { collapseReduction } from './shape-limits.js';

const hasWebgpu = (await backendsForTests()).includes('webgpu');

describe('collapseReduction', () => {
  it('merges neighbouring axes that are all reduced or all kept, dropping size-1 axes', () => {
    expect(collapseReduction([2, 3, 4, 5, 1, 6], [1, 2, 5])).toEqual({ shape: [2, 12, 5, 6], axes: [1, 3] });
    expect(collapseReduction([1, 1], [0])).toEqual({ shape: [1], axes: [0] });
    expect(collapseReduction([3, 1, 4], [])).toEqual({ shape: [12], axes: [] });
  });
});

function values(shape: number[]): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => ((i * 7) % 13) / 4 - 1.5);
}

async function runOn(backend: 'cpu' | 'webgpu', op: (x: tf.Tensor) => tf.Tensor, shape: number[]) {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const x = tf.tensor(values(shape), shape);
  const out = tf.tidy(() => op(x));
  const result = { shape: out.shape, values: Array.from(await out.data()) };
  tf.dispose([x, out]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

// Found by the fuzz suite: stock tfjs-backend-webgpu throws above its shaders' rank, returns the
// wrong shape, or builds an invalid pipeline (read as zeros) for these.
describe.skipIf(!hasWebgpu)('WebGPU reductions, argMax, where, reverse and pad at any rank', () => {
  const cases: Array<[string, (x: tf.Tensor) => tf.Tensor, number[]]> = [
    ['sum over axes 1, 3, 5 of a rank-7 tensor', (x) => tf.sum(x, [1, 3, 5]), [2, 2, 3, 2, 2, 2, 3]],
    ['sum of everything at rank 8', (x) => tf.sum(x), [2, 1, 3, 2, 1, 2, 2, 3]],
    ['max with keepDims at rank 7', (x) => tf.max(x, [0, 6], true), [2, 2, 3, 2, 2, 2, 3]],
    ['prod with keepDims of a vector (stock drops the axis)', (x) => tf.prod(x, 0, true), [3]],
    ['argMax of a vector (stock returns shape [1])', (x) => tf.argMax(x), [5]],
    ['argMin over axis 3 of a rank-7 tensor', (x) => tf.argMin(x, 3), [2, 2, 3, 2, 2, 2, 3]],
    ['where at rank 5', (x) => tf.where(tf.greater(x, 0), x, tf.neg(x)), [5, 3, 2, 1, 2]],
    ['reverse of no axis at rank 5', (x) => tf.reverse(x, []), [2, 1, 1, 1, 5]],
    ['reverse of alternate axes at rank 6', (x) => tf.reverse(x, [0, 2, 4]), [2, 3, 2, 3, 2, 3]],
    [
      'pad of four axes at rank 5 (one axis at a time)',
      (x) =>
        tf.pad(x, [
          [0, 0],
          [1, 0],
          [0, 1],
          [0, 1],
          [0, 1],
        ]),
      [5, 1, 1, 1, 1],
    ],
    [
      'pad of the last axis at rank 5',
      (x) =>
        tf.pad(x, [
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 1],
        ]),
      [5, 1, 1, 1, 1],
    ],
  ];
  for (const [name, op, shape] of cases) {
    it(`${name} matches the CPU backend`, async () => {
      const got = await runOn('webgpu', op, shape);
      const want = await runOn('cpu', op, shape);
      expect(got.shape).toEqual(want.shape);
      got.values.forEach((v, i) => {
        expect(Math.abs(v - want.values[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want.values[i])));
      });
    });
  }
});
