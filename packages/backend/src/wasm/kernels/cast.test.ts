import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';

describe('WASM Cast', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('to the same dtype shares memory; to another dtype converts', async () => {
    const backend = tf.backend();
    const idsBefore = backend.numDataIds();
    const x = tf.tensor1d([1.5, -2.25, 3]);
    const same = tf.cast(x, 'float32');
    expect(backend.numDataIds()).toBe(idsBefore + 1);
    const ints = tf.cast(x, 'int32');
    expect(backend.numDataIds()).toBe(idsBefore + 2);
    x.dispose();
    expect(Array.from(await same.data())).toEqual([1.5, -2.25, 3]);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([1, -2, 3]);
    tf.dispose([same, ints]);
    expect(backend.numDataIds()).toBe(idsBefore);
  });
});
