// The package entry first, as applications import it (the bundle of gradients is evaluated first).
import { readFileSync } from 'node:fs';
import { tf } from '../index.js';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { softmaxGradient } from '../kernels/softmax-grad.js';
import { softmaxGradConfig } from './softmax-gradient.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

describe("core's Softmax gradient", () => {
  it('is the one registered for Softmax (tfjs-core’s is left out of the bundle at the source)', () => {
    expect(tf.getGradient(tf.Softmax)).toBe(softmaxGradConfig);
    const bundle = readFileSync(new URL('../generated/tfjs-core-registrations.js', import.meta.url), 'utf8');
    expect(bundle).not.toMatch(/kernelName: Softmax,/);
    expect(bundle).toMatch(/kernelName: LogSoftmax,/);
  });

  it("gives tfjs-core's values on the CPU backend (no kernel there: the same ops), bit for bit", async () => {
    const z = tf.tensor2d([
      [1, 2, 3, -1],
      [0.5, 0.5, -2, 4],
    ]);
    const dy = tf.tensor2d([
      [0.1, -0.3, 2, 1],
      [1, 1, -1, 0.25],
    ]);
    const before = tf.memory().numTensors;
    const got = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.softmax(x), dy)))(z);
    const want = tf.tidy(() => {
      const y = tf.softmax(z);
      const dyTimesY = tf.mul(dy, y);
      return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [1], true), y));
    });
    expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
    tf.dispose([got, want]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, dy]);
  });

  it('takes a softmax over another axis by the ops', async () => {
    const y = tf.softmax(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]).transpose()).transpose();
    const dy = tf.onesLike(y);
    const dx = softmaxGradient(dy, y, 0); // sum(dy * y) over axis 0 is 1: dx = y - y = 0
    expect(Array.from(await dx.data())).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose([y, dy, dx]);
  });
});
