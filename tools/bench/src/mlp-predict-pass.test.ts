import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpPredictPass } from './mlp-predict-pass.js';

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

describe('mlpPredictPass', () => {
  it("computes the seeded MLP's outputs batch by batch, softmax or logits, and leaks no tensor", () => {
    const x = tf.randomUniform([40, 784], 0, 1, 'float32', 5) as tf.Tensor2D; // [40, 784]: batches of 32 and 8
    const before = tf.memory().numTensors;
    const logitsPass = mlpPredictPass(x, { softmax: false });
    const softmaxPass = mlpPredictPass(x, { softmax: true });
    const logits = logitsPass.run();
    const probabilities = softmaxPass.run();
    expect(tf.memory().numTensors).toBe(before + 12); // two passes' 3 kernels and 3 biases
    logitsPass.dispose();
    softmaxPass.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // The last batch (rows 32-39) by plain products, with the weights the pass documents.
    const expected = tf.tidy(() => {
      let h = x.slice([32, 0], [8, 784]); // [8, 784]
      for (const [i, [n, units]] of [
        [784, 512],
        [512, 256],
        [256, 10],
      ].entries()) {
        const w = tf.randomUniform([n, units], -0.05, 0.05, 'float32', 10 + i);
        const b = tf.randomUniform([units], -0.05, 0.05, 'float32', 20 + i);
        h = tf.add(tf.matMul(h, w), b); // [8, units]
        if (i < 2) h = tf.relu(h);
      }
      return h.dataSync();
    });
    expect(logits).toHaveLength(8 * 10);
    for (let i = 0; i < logits.length; i++) expect(logits[i]).toBeCloseTo(expected[i], 5);
    const softmax = tf.tidy(() => tf.softmax(tf.tensor2d(expected, [8, 10])).dataSync());
    for (let i = 0; i < probabilities.length; i++) expect(probabilities[i]).toBeCloseTo(softmax[i], 5);
    x.dispose();
  });
});
