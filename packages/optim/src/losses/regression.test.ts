import { create, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose as close, useCpu, values } from '../test-utils/setup.js';

const expectClose = (a: number[], e: number[], digits = 5) => close(a, e, 10 ** -digits);

import {
  cosineSimilarity,
  huber,
  logCosh,
  MeanSquaredError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from './regression.js';

beforeAll(useCpu);

const yTrue = () =>
  tf.tensor2d([
    [0, 1],
    [0, 0],
  ]);
const yPred = () =>
  tf.tensor2d([
    [1, 1],
    [1, 0],
  ]);

async function lossValues(loss: { call(a: tf.Tensor, b: tf.Tensor): tf.Tensor }, y: tf.Tensor, p: tf.Tensor) {
  const out = loss.call(y, p);
  const v = await values(out);
  tf.dispose([out, y, p]);
  return v;
}

describe('regression losses', () => {
  it('mean squared and absolute errors match hand-computed values', async () => {
    expectClose(await lossValues(meanSquaredError(), yTrue(), yPred()), [0.5, 0.5]);
    expectClose(
      await lossValues(
        meanAbsoluteError(),
        yTrue(),
        tf.tensor2d([
          [1, -1],
          [0.5, 0],
        ]),
      ),
      [1.5, 0.25],
    );
  });

  it('mean absolute percentage and squared logarithmic errors', async () => {
    expectClose(
      await lossValues(meanAbsolutePercentageError(), tf.tensor2d([[2, 4]]), tf.tensor2d([[1, 5]])),
      [37.5],
    );
    const msle = ((Math.log(3) - Math.log(2)) ** 2 + (Math.log(1) - Math.log(5)) ** 2) / 2;
    expectClose(
      await lossValues(meanSquaredLogarithmicError(), tf.tensor2d([[1, 4]]), tf.tensor2d([[2, 0]])),
      [msle],
    );
  });

  it('Huber is quadratic inside delta and linear outside', async () => {
    // errors 0.5 (quadratic: 0.125) and 3 (linear: 1 * (3 - 0.5) = 2.5)
    expectClose(await lossValues(huber(), tf.tensor2d([[0, 0]]), tf.tensor2d([[0.5, -3]])), [
      (0.125 + 2.5) / 2,
    ]);
    expectClose(await lossValues(huber({ delta: 2 }), tf.tensor2d([[0]]), tf.tensor2d([[3]])), [2 * (3 - 1)]);
  });

  it('log-cosh matches log(cosh(x)) and stays finite where cosh overflows', async () => {
    expectClose(await lossValues(logCosh(), tf.tensor2d([[0, 0]]), tf.tensor2d([[0.5, -2]])), [
      (Math.log(Math.cosh(0.5)) + Math.log(Math.cosh(2))) / 2,
    ]);
    const [big] = await lossValues(logCosh(), tf.tensor2d([[0]]), tf.tensor2d([[1000]]));
    expect(big).toBeCloseTo(1000 - Math.LN2, 2);
  });

  it('cosine similarity is -1 for the same direction, 0 for orthogonal, and 0 for zero vectors', async () => {
    const y = tf.tensor2d([
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
    const p = tf.tensor2d([
      [2, 2],
      [0, 3],
      [1, 2],
    ]);
    expectClose(await lossValues(cosineSimilarity(), y, p), [-1, 0, 0]);
  });

  it('are registered under Keras and TensorFlow.js names', () => {
    expect(create('loss', 'mse')).toBeInstanceOf(MeanSquaredError);
    expect(create('loss', 'mean_squared_error')).toBeInstanceOf(MeanSquaredError);
    expect(create('loss', 'meanSquaredError')).toBeInstanceOf(MeanSquaredError);
    for (const name of [
      'mae',
      'mape',
      'msle',
      'huber_loss',
      'logcosh',
      'cosine_similarity',
      'cosineProximity',
    ])
      expect(() => create('loss', name)).not.toThrow();
  });
});
