import { create, type Regularizer, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MeanSquaredError } from '../losses/regression.js';
import { sgd } from '../optimizers/sgd.js';
import { useCpu, values } from '../test-utils/setup.js';
import { TestDense } from '../test-utils/toys.js';
import { L1, type L1L2, L2, l1, l1l2, l2 } from './regularizers.js';

beforeAll(useCpu);

async function penalty(r: Regularizer, x: number[]): Promise<number> {
  const t = tf.tensor1d(x);
  const p = r.apply(t);
  const [v] = await values(p);
  tf.dispose([t, p]);
  return v;
}

describe('regularizers', () => {
  it('compute l1 * sum|w| + l2 * sum w^2', async () => {
    const w = [1, -2, 3];
    expect(await penalty(l1(0.1), w)).toBeCloseTo(0.6, 6);
    expect(await penalty(l2(0.1), w)).toBeCloseTo(1.4, 6);
    expect(await penalty(l1l2({ l1: 0.1, l2: 0.1 }), w)).toBeCloseTo(2.0, 6);
    expect(await penalty(l1l2(), w)).toBe(0);
    expect(await penalty(new L2(), w)).toBeCloseTo(0.14, 6);
  });

  it('save as L1L2, which TensorFlow.js and Keras both load, and load from every Keras name', () => {
    expect([l2(0.5).className, l2(0.5).getConfig()]).toEqual(['L1L2', { l1: 0, l2: 0.5 }]);
    expect(create('regularizer', { className: 'L2', config: { l2: 0.3 } })).toBeInstanceOf(L2);
    expect(create('regularizer', 'l1')).toBeInstanceOf(L1);
    const both = create<L1L2>('regularizer', { className: 'L1L2', config: { l1: 0.1, l2: 0.2 } });
    expect([both.l1, both.l2]).toEqual([0.1, 0.2]);
    expect(() => l2(-1)).toThrow(/regularizer l2 must be a number >= 0/);
  });
});

describe('regularization in training', () => {
  const x = () =>
    tf.tensor2d([
      [1, 2],
      [3, -1],
      [0.5, 0.5],
      [-1, -2],
    ]);
  const y = () => tf.tensor2d([[1], [0], [1], [0]]);

  /** A model whose weights cannot move (learning rate 0), so every batch sees the same penalty. */
  function frozenModel(kernelRegularizer?: Regularizer, activityRegularizer?: Regularizer) {
    const layer = new TestDense({ units: 1, inputShape: [2], seed: 4, kernelRegularizer });
    if (activityRegularizer) layer.activityRegularizer = activityRegularizer;
    const m = sequential({ layers: [layer] });
    m.compile({ optimizer: sgd({ learningRate: 0 }), loss: 'mse' });
    return m;
  }

  async function dataLoss(m: ReturnType<typeof frozenModel>, xs: tf.Tensor, ys: tf.Tensor) {
    const pred = m.predict(xs) as tf.Tensor;
    const perSample = new MeanSquaredError().call(ys, pred);
    const mean = tf.mean(perSample);
    const [v] = await values(mean);
    tf.dispose([pred, perSample, mean]);
    return v;
  }

  it('adds the weight penalty to the training loss, logs it apart, and leaves it out of evaluation', async () => {
    const [xs, ys] = [x(), y()];
    const m = frozenModel(l1l2({ l1: 0.05, l2: 0.2 }));
    const history = await m.fit(xs, ys, { epochs: 1, batchSize: 2, shuffle: false });
    const kernel = m.getWeights()[0];
    const expectedPenalty = await penalty(l1l2({ l1: 0.05, l2: 0.2 }), await values(kernel));
    const data = await dataLoss(m, xs, ys);
    expect(history.history.regularization_loss[0]).toBeCloseTo(expectedPenalty, 5);
    expect(history.history.loss[0]).toBeCloseTo(data + expectedPenalty, 5);
    const evaluation = await m.evaluate(xs, ys);
    expect(evaluation.loss).toBeCloseTo(data, 5);
    expect(evaluation.regularization_loss).toBeUndefined();
    tf.dispose([xs, ys, kernel]);
    m.dispose();
  });

  it('adds an activity penalty, averaged over the batch, to training only', async () => {
    const [xs, ys] = [x(), y()];
    const m = frozenModel(undefined, l2(0.1));
    const history = await m.fit(xs, ys, { epochs: 1, batchSize: 4, shuffle: false });
    const out = m.predict(xs) as tf.Tensor;
    const expected = (await penalty(l2(0.1), await values(out))) / 4;
    expect(history.history.regularization_loss[0]).toBeCloseTo(expected, 5);
    expect(history.history.loss[0]).toBeCloseTo((await dataLoss(m, xs, ys)) + expected, 5);
    expect((await m.evaluate(xs, ys)).loss).toBeCloseTo(await dataLoss(m, xs, ys), 5);
    tf.dispose([xs, ys, out]);
    m.dispose();
  });

  it('shrinks the weights when training with a penalty', async () => {
    const norm = async (reg?: Regularizer) => {
      const [xs, ys] = [x(), y()];
      const layer = new TestDense({ units: 1, inputShape: [2], seed: 4, kernelRegularizer: reg });
      const m = sequential({ layers: [layer] });
      m.compile({ optimizer: sgd({ learningRate: 0.05 }), loss: 'mse' });
      await m.fit(xs, ys, { epochs: 30, batchSize: 4, shuffle: false });
      const [k] = m.getWeights();
      const v = await values(k);
      tf.dispose([xs, ys, ...m.getWeights(), k]);
      m.dispose();
      return Math.hypot(...v);
    };
    expect(await norm(l2(1))).toBeLessThan((await norm()) * 0.8);
  });
});
