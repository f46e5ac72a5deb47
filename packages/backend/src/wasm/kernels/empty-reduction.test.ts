import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';

async function runOn(backend: 'cpu' | 'wasm', f: () => tf.Tensor) {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const out = tf.tidy(f);
  const result = { shape: out.shape, dtype: out.dtype, values: Array.from(await out.data()) };
  out.dispose();
  // The WASM module still works.
  const probe = tf.tidy(() => tf.add(tf.ones([2]), 1));
  expect(Array.from(await probe.data())).toEqual([2, 2]);
  probe.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

// Stock WASM transposed the empty input first and trapped ("RuntimeError: divide by zero"); found by
// the fuzz suite through the gradient of `add` on shapes [0, 2, 5] and [0, 1, 5].
describe('WASM sum and mean of empty tensors', () => {
  const cases: Array<[string, () => tf.Tensor]> = [
    ['sum over the empty axis', () => tf.sum(tf.zeros([0, 3]), 0)],
    ['sum over another axis, keepDims', () => tf.sum(tf.zeros([0, 2, 5]), 1, true)],
    ['mean over the empty axis (0, as on the CPU backend)', () => tf.mean(tf.zeros([0, 3]), 0)],
    ['int32 sum', () => tf.sum(tf.zeros([2, 0], 'int32'), 1)],
    [
      'the gradient of a broadcast add on empty tensors',
      () =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.add(a, b)))([
          tf.zeros([0, 2, 5]),
          tf.zeros([0, 1, 5]),
        ])[1],
    ],
  ];
  for (const [name, f] of cases) {
    it(`${name} matches the CPU backend`, async () => {
      expect(await runOn('wasm', f)).toEqual(await runOn('cpu', f));
    });
  }
});
