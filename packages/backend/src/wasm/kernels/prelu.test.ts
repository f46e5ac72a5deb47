import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { alphaIsTrailing } from './prelu.js';

describe('alphaIsTrailing', () => {
  it("accepts alpha equal to x's trailing axes, after leading 1s", () => {
    expect(alphaIsTrailing([4, 5, 2], [5, 2])).toBe(true);
    expect(alphaIsTrailing([4, 5, 2], [1, 1, 2])).toBe(true);
    expect(alphaIsTrailing([4, 5, 2], [])).toBe(true);
    expect(alphaIsTrailing([4, 5, 2], [5, 1])).toBe(false);
    expect(alphaIsTrailing([4, 5, 2], [4, 1, 1])).toBe(false);
    expect(alphaIsTrailing([], [5])).toBe(false);
  });
});

async function preluOn(backend: 'cpu' | 'wasm', xShape: number[], alphaShape: number[]) {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = tf.tensor(
    Array.from({ length: size(xShape) }, (_, i) => ((i * 5) % 11) - 5),
    xShape,
  );
  const alpha = tf.tensor(
    Array.from({ length: size(alphaShape) }, (_, i) => (i + 1) / 10),
    alphaShape,
  );
  const y = tf.prelu(x, alpha);
  const result = { shape: y.shape, values: Array.from(await y.data()) };
  tf.dispose([x, alpha, y]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

// Found by the fuzz suite: stock WASM took alpha [5, 1] as 5 slopes repeated over x's elements.
describe('WASM prelu with alpha broadcast on inner axes', () => {
  for (const [xShape, alphaShape] of [
    [
      [1, 5, 2],
      [5, 1],
    ],
    [
      [3, 4, 2, 2, 1, 2, 3],
      [4, 1, 1, 1, 1, 1],
    ],
    [[3, 4], [4]],
  ] as Array<[number[], number[]]>) {
    it(`x ${JSON.stringify(xShape)}, alpha ${JSON.stringify(alphaShape)} matches the CPU backend`, async () => {
      const got = await preluOn('wasm', xShape, alphaShape);
      const want = await preluOn('cpu', xShape, alphaShape);
      expect(got.shape).toEqual(want.shape);
      got.values.forEach((v, i) => {
        expect(v).toBeCloseTo(want.values[i], 5);
      });
    });
  }
});

// Found by the fuzz suite: stock WASM traps ("RuntimeError: divide by zero") on these.
describe('WASM prelu, cumsum, cumprod and transpose of empty tensors', () => {
  const cases: Array<[string, () => tf.Tensor]> = [
    ['prelu', () => tf.prelu(tf.zeros([0]), tf.zeros([0]))],
    ['prelu with a broadcast alpha', () => tf.prelu(tf.zeros([2, 0, 3]), tf.ones([3]))],
    ['cumsum over an empty axis', () => tf.cumsum(tf.zeros([3, 0, 2]), 1)],
    ['cumsum over a full axis of an empty tensor', () => tf.cumsum(tf.zeros([3, 0, 2, 4, 1]), 2)],
    ['cumprod over a full axis of an empty tensor', () => tf.cumprod(tf.zeros([0, 2]), 1, true, true)],
    [
      'transpose of an empty rank-7 tensor',
      () => tf.transpose(tf.zeros([0, 5, 1, 1, 18, 5, 0]), [0, 1, 2, 3, 4, 6, 5]),
    ],
  ];
  for (const [name, f] of cases) {
    it(`${name} gives an empty tensor of the CPU backend's shape, and WASM still works after`, async () => {
      await useBackend('cpu');
      const want = f();
      await useBackend('wasm');
      const got = f();
      expect(got.shape).toEqual(want.shape);
      expect(got.dtype).toEqual(want.dtype);
      expect((await got.data()).length).toBe(0);
      tf.dispose([got, want]);
      const probe = tf.add(tf.ones([3]), 1);
      expect(Array.from(await probe.data())).toEqual([2, 2, 2]);
      probe.dispose();
    });
  }
});
