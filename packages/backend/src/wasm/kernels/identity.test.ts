import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';

describe('WASM Identity', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('clones without copying, keeps the values alive until the last clone is disposed, and frees them then', async () => {
    const backend = tf.backend();
    const idsBefore = backend.numDataIds();
    const original = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const copy = tf.clone(original);
    expect(backend.numDataIds()).toBe(idsBefore + 1);
    original.dispose();
    expect(Array.from(await copy.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(copy.shape).toEqual([2, 3]);
    copy.dispose();
    expect(backend.numDataIds()).toBe(idsBefore);
  });

  it('leaves the clone intact when the original variable is reassigned', async () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const saved = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(await saved.data())).toEqual([1, 2, 3]);
    expect(Array.from(await v.data())).toEqual([7, 8, 9]);
    tf.dispose([v, saved]);
  });
});
