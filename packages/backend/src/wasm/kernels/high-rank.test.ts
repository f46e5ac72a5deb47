import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';

type Op = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Values that differ from element to element (and are never 0, for division), shaped `shape`. */
function values(shape: number[], seed: number): number[] {
  const size = shape.reduce((x, y) => x * y, 1);
  return Array.from({ length: size }, (_, i) => (((i + seed) * 7) % 13) - 6.5);
}

async function runOn(
  backend: 'cpu' | 'wasm',
  op: Op,
  aShape: number[],
  bShape: number[],
  dtype: 'float32' | 'int32',
) {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const a = tf.tensor(values(aShape, 1), aShape, 'float32');
  const b = tf.tensor(values(bShape, 5), bShape, 'float32');
  const out = tf.tidy(() => op(tf.cast(a, dtype), tf.cast(b, dtype)));
  const result = { shape: out.shape, values: Array.from(await out.data()) };
  tf.dispose([a, b, out]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

const binary: Array<[string, Op]> = [
  ['sub', tf.sub],
  ['mul', tf.mul],
  ['add', tf.add],
  ['div', tf.div],
  ['squaredDifference', tf.squaredDifference],
];

const shapes: Array<[string, number[], number[]]> = [
  ['same rank-7 shapes', [2, 2, 2, 2, 2, 2, 3], [2, 2, 2, 2, 2, 2, 3]],
  ['rank 8 and a vector', [2, 1, 3, 2, 1, 2, 2, 3], [3]],
  ['rank 7 broadcast on alternate axes', [2, 1, 2, 1, 2, 1, 3], [1, 2, 1, 2, 1, 2, 3]],
  ['rank 7 and rank 6', [1, 2, 3, 1, 2, 2, 2], [2, 1, 1, 2, 1, 2]],
  ['rank 7 with an empty axis', [2, 2, 0, 2, 1, 2, 2], [2, 1, 1, 2, 2, 1]],
];

// XNNPACK's n-d operators (which stock WASM runs these ops on) take at most 6 axes; above that
// stock logs "status 4" and returns uninitialized memory.
describe('WASM element-wise ops and pad above rank 6', () => {
  for (const [name, op] of binary) {
    for (const [label, aShape, bShape] of shapes) {
      it(`${name}: ${label} matches the CPU backend`, async () => {
        const got = await runOn('wasm', op, aShape, bShape, 'float32');
        const want = await runOn('cpu', op, aShape, bShape, 'float32');
        expect(got.shape).toEqual(want.shape);
        got.values.forEach((v, i) => {
          expect(Math.abs(v - want.values[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want.values[i])));
        });
      });
    }
  }

  it('int32 add at rank 8 matches the CPU backend', async () => {
    const shape = [2, 1, 3, 2, 1, 2, 2, 3];
    const got = await runOn('wasm', tf.add, shape, [1, 2, 1, 2, 1, 1, 1, 3], 'int32');
    const want = await runOn('cpu', tf.add, shape, [1, 2, 1, 2, 1, 1, 1, 3], 'int32');
    expect(got).toEqual(want);
  });

  const pads: Array<[string, number[], Array<[number, number]>]> = [
    [
      'padding that collapses to few axes',
      [2, 2, 2, 2, 2, 2, 3],
      [
        [0, 0],
        [1, 2],
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 1],
      ],
    ],
    [
      'padding on every axis (copied on the heap)',
      [2, 1, 2, 3, 1, 2, 2],
      [
        [1, 0],
        [0, 1],
        [1, 1],
        [0, 2],
        [1, 0],
        [0, 1],
        [2, 1],
      ],
    ],
    [
      'rank 8, nothing padded',
      [2, 1, 2, 1, 2, 1, 2, 3],
      Array.from({ length: 8 }, () => [0, 0] as [number, number]),
    ],
  ];
  for (const [label, shape, paddings] of pads) {
    it(`pad: ${label} matches the CPU backend`, async () => {
      const op: Op = (a) => tf.pad(a, paddings, 0.5);
      const got = await runOn('wasm', op, shape, [1], 'float32');
      const want = await runOn('cpu', op, shape, [1], 'float32');
      expect(got).toEqual(want);
    });
  }
});
