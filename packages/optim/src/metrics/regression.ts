import { register, tf } from '@tensorfold/core';
import type { LossBase } from '../losses/loss.js';
import {
  CosineSimilarity,
  MeanAbsoluteError as MaeLoss,
  MeanAbsolutePercentageError as MapeLoss,
  MeanSquaredError as MseLoss,
} from '../losses/regression.js';
import { MeanMetric, type MetricArgs } from './metric.js';

/** A metric that is the weighted mean of a loss's per-sample values. */
abstract class LossMean extends MeanMetric {
  protected abstract readonly loss: LossBase;
  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return this.loss.call(yTrue, yPred);
  }
}

/** Mean squared error over every sample since the last reset. */
export class MeanSquaredError extends LossMean {
  readonly className = 'MeanSquaredError';
  protected readonly loss = new MseLoss();
  constructor(args: MetricArgs = {}) {
    super(args, 'mean_squared_error');
  }
}

/** Mean absolute error over every sample since the last reset. */
export class MeanAbsoluteError extends LossMean {
  readonly className = 'MeanAbsoluteError';
  protected readonly loss = new MaeLoss();
  constructor(args: MetricArgs = {}) {
    super(args, 'mean_absolute_error');
  }
}

/** Mean absolute percentage error over every sample since the last reset. */
export class MeanAbsolutePercentageError extends LossMean {
  readonly className = 'MeanAbsolutePercentageError';
  protected readonly loss = new MapeLoss();
  constructor(args: MetricArgs = {}) {
    super(args, 'mean_absolute_percentage_error');
  }
}

/** Root of the mean squared error over every sample since the last reset (not a mean of batch roots). */
export class RootMeanSquaredError extends LossMean {
  readonly className = 'RootMeanSquaredError';
  protected readonly loss = new MseLoss();
  constructor(args: MetricArgs = {}) {
    super(args, 'root_mean_squared_error');
  }
  protected override finish(mean: tf.Scalar): tf.Scalar {
    return tf.sqrt(mean);
  }
}

/** Mean cosine similarity of targets and predictions along the last axis (1: same direction). */
export class CosineSimilarityMetric extends MeanMetric {
  readonly className = 'CosineSimilarity';
  private readonly loss = new CosineSimilarity();
  constructor(args: MetricArgs = {}) {
    super(args, 'cosine_similarity');
  }
  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.neg(this.loss.call(yTrue, yPred));
  }
}

/** Mean squared error metric (see {@link MeanSquaredError}). */
export function meanSquaredErrorMetric(args: MetricArgs = {}): MeanSquaredError {
  return new MeanSquaredError(args);
}
/** Mean absolute error metric (see {@link MeanAbsoluteError}). */
export function meanAbsoluteErrorMetric(args: MetricArgs = {}): MeanAbsoluteError {
  return new MeanAbsoluteError(args);
}
/** Mean absolute percentage error metric (see {@link MeanAbsolutePercentageError}). */
export function meanAbsolutePercentageErrorMetric(args: MetricArgs = {}): MeanAbsolutePercentageError {
  return new MeanAbsolutePercentageError(args);
}
/** Root mean squared error metric (see {@link RootMeanSquaredError}). */
export function rootMeanSquaredError(args: MetricArgs = {}): RootMeanSquaredError {
  return new RootMeanSquaredError(args);
}
/** Cosine similarity metric (see {@link CosineSimilarityMetric}). */
export function cosineSimilarityMetric(args: MetricArgs = {}): CosineSimilarityMetric {
  return new CosineSimilarityMetric(args);
}

register('metric', 'MeanSquaredError', (c) => new MeanSquaredError(c as MetricArgs), ['mse']);
register('metric', 'MeanAbsoluteError', (c) => new MeanAbsoluteError(c as MetricArgs), ['mae']);
register('metric', 'MeanAbsolutePercentageError', (c) => new MeanAbsolutePercentageError(c as MetricArgs), [
  'mape',
]);
register('metric', 'RootMeanSquaredError', (c) => new RootMeanSquaredError(c as MetricArgs), ['rmse']);
register('metric', 'CosineSimilarity', (c) => new CosineSimilarityMetric(c as MetricArgs), [
  'cosine_proximity',
]);
