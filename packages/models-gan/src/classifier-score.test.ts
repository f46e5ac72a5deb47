import { initBackend } from '@tensorfold/backend';
import { sequential, tf } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifierScore } from './classifier-score.js';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

/** A classifier of 2-D points into 3 classes by x, with known weights: class 0 left, 1 middle, 2 right. */
function byX() {
  const model = sequential({
    layers: [
      dense({ units: 2, inputShape: [2], name: 'features' }),
      dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.getLayer(0).setWeights([
    tf.tensor2d([
      [1, 0],
      [0, 1],
    ]),
    tf.zeros([2]),
  ]);
  // logits: -20x, 0, 20x: softmax picks 0 for x << 0, 2 for x >> 0, 1 near 0.
  model.getLayer(1).setWeights([
    tf.tensor2d([
      [-20, 0, 20],
      [0, 0, 0],
    ]),
    tf.tensor1d([0, 1, 0]),
  ]);
  return model;
}

describe('classifierScore', () => {
  it('counts confidence and class shares, and sees a collapsed generator', async () => {
    const model = byX();
    const spread = tf.tensor2d([
      [-1, 0],
      [-2, 5],
      [1, 0],
      [0, 0],
    ]);
    const score = await classifierScore(model, spread);
    expect(score.classShares).toEqual([0.5, 0.25, 0.25]);
    expect(score.classesCovered).toBe(3);
    expect(score.confidentShare).toBeCloseTo(0.75); // x = 0 gives e/(2+e) = 0.58
    const collapsed = tf.tensor2d([
      [-1, 0],
      [-1, 1],
      [-3, 0],
      [-2, 2],
    ]);
    const same = await classifierScore(model, collapsed);
    expect(same.classesCovered).toBe(1);
    tf.dispose([spread, collapsed]);
    model.dispose();
  });

  it('takes the Fréchet distance on the penultimate features: 0 against itself, large against a shifted sample', async () => {
    const model = byX();
    const real = tf.randomNormal([400, 2], 0, 1, 'float32', 1);
    const shifted = tf.add(real, tf.tensor1d([3, 0]));
    const before = tf.memory().numTensors;
    const itself = await classifierScore(model, real, { realImages: real });
    const far = await classifierScore(model, shifted, { realImages: real });
    expect(tf.memory().numTensors).toBe(before);
    expect(itself.frechetDistance).toBeCloseTo(0, 6);
    // The features are the points themselves (identity weights): the means differ by 3, so about 9.
    expect(far.frechetDistance).toBeCloseTo(9, 0);
    tf.dispose([real, shifted]);
    model.dispose();
  });
});
