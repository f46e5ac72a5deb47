import { create, type Metric, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu, values } from '../test-utils/setup.js';
import {
  cosineSimilarityMetric,
  MeanSquaredError,
  meanAbsoluteErrorMetric,
  meanAbsolutePercentageErrorMetric,
  meanSquaredErrorMetric,
  RootMeanSquaredError,
  rootMeanSquaredError,
} from './regression.js';

beforeAll(useCpu);

async function run(metric: Metric, batches: Array<[number[][], number[][], number[]?]>) {
  for (const [y, p, w] of batches) {
    const [yt, pt] = [tf.tensor2d(y), tf.tensor2d(p)];
    const wt = w ? tf.tensor1d(w) : undefined;
    metric.update(yt, pt, wt);
    tf.dispose([yt, pt, ...(wt ? [wt] : [])]);
  }
  const r = metric.result();
  const [v] = await values(r);
  r.dispose();
  metric.dispose();
  return v;
}

describe('regression metrics', () => {
  const batches: Array<[number[][], number[][]]> = [
    [
      [[0], [0]],
      [[1], [-1]],
    ],
    [[[0]], [[3]]],
  ];

  it('mean squared and absolute errors over all samples', async () => {
    expect(await run(meanSquaredErrorMetric(), batches)).toBeCloseTo(11 / 3, 5);
    expect(await run(meanAbsoluteErrorMetric(), batches)).toBeCloseTo(5 / 3, 5);
    expect(
      await run(meanAbsolutePercentageErrorMetric(), [
        [
          [[2], [4]],
          [[1], [5]],
        ],
      ]),
    ).toBeCloseTo(37.5, 4);
  });

  it('RMSE is the root of the overall mean, not the mean of per-batch roots', async () => {
    expect(await run(rootMeanSquaredError(), batches)).toBeCloseTo(Math.sqrt(11 / 3), 5);
    // with weights [1, 1] and [2]: (1 + 1 + 2 * 9) / 4
    expect(
      await run(rootMeanSquaredError(), [
        [...batches[0], [1, 1]],
        [...batches[1], [2]],
      ]),
    ).toBeCloseTo(Math.sqrt(20 / 4), 5);
  });

  it('cosine similarity is +1 for aligned vectors', async () => {
    expect(
      await run(cosineSimilarityMetric(), [
        [
          [
            [1, 0],
            [0, 2],
          ],
          [
            [3, 0],
            [0, -1],
          ],
        ],
      ]),
    ).toBeCloseTo(0, 6);
    expect(await run(cosineSimilarityMetric(), [[[[1, 1]], [[2, 2]]]])).toBeCloseTo(1, 6);
  });

  it('are registered under short and long names', () => {
    expect(create('metric', 'mse')).toBeInstanceOf(MeanSquaredError);
    expect(create<Metric>('metric', 'mse', { name: 'mse' }).name).toBe('mse');
    expect(create('metric', 'rmse')).toBeInstanceOf(RootMeanSquaredError);
    for (const name of ['mae', 'mape', 'mean_absolute_error', 'cosine_similarity'])
      expect(() => create('metric', name)).not.toThrow();
  });
});
