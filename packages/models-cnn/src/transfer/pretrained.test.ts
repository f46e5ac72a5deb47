import { useBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core/node';
import { loadMnist } from '@tensorfold/data/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDigitsBase } from './pretrained.js';

beforeAll(() => useBackend('wasm'));

describe('the shipped pretrained base', () => {
  it('loads offline from the package and recognizes the MNIST test digits 0-4', async () => {
    const base = await loadDigitsBase();
    const test = await loadMnist({ split: 'test', limit: 1000 });
    const keep = Array.from(test.labels.keys()).filter((i) => test.labels[i] < 5);
    const x = tf.gather(test.xs, keep);
    const predicted = tf.tidy(() => tf.argMax(base.predict(x) as tf.Tensor, 1));
    const p = await predicted.data();
    const correct = keep.filter((i, k) => p[k] === test.labels[i]).length;
    expect(keep.length).toBeGreaterThan(400);
    expect(correct / keep.length).toBeGreaterThan(0.97);
    tf.dispose([x, predicted]);
    test.dispose();
    base.dispose();
  });
});
