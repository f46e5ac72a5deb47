import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu, values } from '../test-utils/setup.js';
import { categoricalCrossentropyOfProbabilities } from './categorical-probabilities.js';
import { EPSILON } from './loss.js';

beforeAll(useCpu);

type Loss = (y: tf.Tensor, p: tf.Tensor) => tf.Tensor;

/** The expression the loss computed before its gradient was written out, differentiated by tfjs. */
const byAutodiff =
  (axis: number): Loss =>
  (y, p) => {
    const normalized = tf.div(p, tf.sum(p, axis, true));
    const logP = tf.log(tf.clipByValue(normalized, EPSILON, 1 - EPSILON));
    return tf.neg(tf.sum(tf.mul(y, logP), axis));
  };

const written =
  (axis: number): Loss =>
  (y, p) =>
    categoricalCrossentropyOfProbabilities(y, p, axis);

/** Loss values and the gradients with respect to targets and predictions, for upstream gradient `dy`. */
async function lossAndGradients(loss: Loss, y: tf.Tensor, p: tf.Tensor, dy: tf.Tensor) {
  const value = tf.tidy(() => loss(y, p));
  const [dY, dP] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(loss(a, b), dy)))([y, p]);
  const result = { value: await values(value), dY: await values(dY), dP: await values(dP) };
  tf.dispose([value, dY, dP]);
  return result;
}

function expectNear(got: number[], want: number[], tolerance: number) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - want[i])).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(want[i])));
  });
}

/** Soft targets `[rows, classes]`, each row summing to 1. */
const softTargets = (rows: number, classes: number, seed: number) =>
  tf.softmax(tf.randomUniform([rows, classes], -2, 2, 'float32', seed));

describe('categorical cross-entropy of probabilities, gradient written out', () => {
  it.each([
    ['softmax outputs, one-hot targets', false],
    ['unnormalized, soft targets, probabilities of exactly 0 and 1 (clipped)', true],
  ])('matches autodiff of the same expression: %s', async (_name, extremes) => {
    const before = tf.memory().numTensors;
    const [rows, classes] = [6, 10];
    const y = tf.tidy(() =>
      extremes
        ? softTargets(rows, classes, 8)
        : tf.cast(tf.oneHot(tf.tensor1d([0, 3, 9, 2, 2, 7], 'int32'), classes), 'float32'),
    );
    // extremes: a row all on one class (q = 1, clipped to 1 - eps), and exact zeros elsewhere
    const p = tf.tidy(() =>
      extremes
        ? tf.concat([
            tf.cast(tf.oneHot(tf.tensor1d([4], 'int32'), classes), 'float32'),
            tf.relu(tf.randomUniform([rows - 1, classes], -0.5, 3, 'float32', 7)),
          ])
        : tf.softmax(tf.randomUniform([rows, classes], -3, 3, 'float32', 7)),
    );
    const dy = tf.randomUniform([rows], 0.5, 2, 'float32', 10);
    const want = await lossAndGradients(byAutodiff(1), y, p, dy);
    const got = await lossAndGradients(written(1), y, p, dy);
    expect(got.value).toEqual(want.value); // the same kernels in the same order
    expectNear(got.dY, want.dY, 1e-6);
    expectNear(got.dP, want.dP, 1e-5);
    expect(got.dP.every(Number.isFinite)).toBe(true);
    if (extremes) expect(got.dP.slice(0, classes)).toContain(0); // the clipped q = 1 passes nothing
    tf.dispose([y, p, dy]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matches autodiff with the classes on another axis', async () => {
    // [classes 4, batch 3]: classes on axis 0
    const y = tf.tidy(() => tf.transpose(softTargets(3, 4, 2)));
    const p = tf.tidy(() => tf.transpose(tf.softmax(tf.randomUniform([3, 4], -3, 3, 'float32', 3))));
    const dy = tf.randomUniform([3], 0.5, 2, 'float32', 4);
    const want = await lossAndGradients(byAutodiff(0), y, p, dy);
    const got = await lossAndGradients(written(0), y, p, dy);
    expect(got.value).toEqual(want.value);
    expectNear(got.dY, want.dY, 1e-6);
    expectNear(got.dP, want.dP, 1e-5);
    tf.dispose([y, p, dy]);
  });

  it('records fewer kernels in a gradient than autodiff of the expression', async () => {
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([1, 3], 'int32'), 10), 'float32'));
    const p = tf.tidy(() => tf.softmax(tf.randomUniform([2, 10], 0, 1, 'float32', 3)));
    const count = async (loss: Loss) => {
      const info = await tf.profile(() => tf.grad((b: tf.Tensor) => tf.sum(loss(y, b)))(p));
      tf.dispose(info.result as tf.Tensor);
      return info.kernels.length;
    };
    const own = await count(written(1));
    const autodiff = await count(byAutodiff(1));
    expect(own).toBeLessThan(autodiff);
    tf.dispose([y, p]);
  });
});
