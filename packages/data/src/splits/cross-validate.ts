/**
 * Running a model factory across folds and summarizing the scores.
 */

import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  DataError,
  type FitArgs,
  type Logs,
  type Model,
  type TensorContainer,
} from '@tensorfold/core';
import { tensorsIn } from '../dataset/element.js';
import type { TensorTree } from '../dataset/sources.js';
import { type Fold, takeRows } from './splits.js';

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  /** Inputs and targets; rows are samples. */
  data: { xs: TensorTree; ys: TensorTree };
  /** The folds, from `kFold`, `iteratedKFold` or `timeSeriesSplit`. */
  folds: readonly Fold[];
  /** Makes a new, compiled model for each fold (never reuse one: it would carry weights over). */
  createModel: (fold: Fold) => Model | Promise<Model>;
  /** Options of `fit` for each fold (epochs, batchSize, seed...). Default `{ epochs: 1 }`. */
  fit?: FitArgs;
  /**
   * Which value of `evaluate`'s logs is the score, e.g. `'loss'`, `'accuracy'` or `'mae'`. Default
   * `'loss'`. `'acc'` (Keras 2's name) and `'accuracy'` (Keras 3's, and what the `'accuracy'` metric
   * logs) each find the other when only that one is logged.
   */
  metric?: string;
  /** Called after each fold, e.g. for progress output. */
  onFold?: (result: FoldResult) => void | Promise<void>;
}

/** The result of one fold. */
export interface FoldResult {
  fold: number;
  repeat: number;
  /** The chosen metric on the validation rows. */
  score: number;
  /** Everything `evaluate` reported. */
  logs: Logs;
}

/** Scores across folds. */
export interface CrossValidationResult {
  folds: FoldResult[];
  scores: number[];
  mean: number;
  /** Sample standard deviation of the scores (0 for one fold). */
  std: number;
  min: number;
  max: number;
}

/**
 * K-fold (or any folds) cross-validation: for each fold, a fresh model from `createModel` is trained
 * on the fold's training rows and evaluated on its validation rows; reports each score and their
 * mean and spread. Models and fold tensors are disposed as it goes.
 *
 * @example
 * const result = await crossValidate({ data: { xs, ys }, folds: kFold(xs.shape[0], { k: 4, shuffle: true, seed: 1 }),
 *   createModel: () => buildModel(), fit: { epochs: 20, batchSize: 16 }, metric: 'accuracy' });
 * console.log(result.mean, result.std);
 */
export async function crossValidate(options: CrossValidateOptions): Promise<CrossValidationResult> {
  const { data, folds } = options;
  if (!folds || folds.length === 0)
    throw new ConfigError('crossValidate needs at least one fold (e.g. kFold(count, {k: 5})).');
  if (typeof options.createModel !== 'function')
    throw new ConfigError('crossValidate needs createModel: a function returning a new compiled model.');
  const metric = options.metric ?? 'loss';
  const results: FoldResult[] = [];
  for (const fold of folds) {
    type Rows = { xs: TensorContainer; ys: TensorContainer };
    const trainData = takeRows(data as TensorTree, fold.train) as unknown as Rows;
    const validationData = takeRows(data as TensorTree, fold.validation) as unknown as Rows;
    let model: Model | null = null;
    try {
      model = await options.createModel(fold);
      await model.fit(trainData.xs, trainData.ys, { epochs: 1, ...options.fit });
      const logs = await model.evaluate(validationData.xs, validationData.ys, {
        batchSize: options.fit?.batchSize,
      });
      const key = scoreKey(metric, logs);
      if (key === null)
        throw new DataError(
          `evaluate reported ${Object.keys(logs).join(', ')}; there is no "${metric}". Compile the model with that metric or pick another.`,
        );
      const result = { fold: fold.fold, repeat: fold.repeat, score: logs[key], logs };
      results.push(result);
      await options.onFold?.(result);
    } finally {
      model?.dispose();
      tf.dispose([...tensorsIn(trainData), ...tensorsIn(validationData)]);
    }
  }
  const scores = results.map((r) => r.score);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std =
    scores.length > 1 ? Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / (scores.length - 1)) : 0;
  return { folds: results, scores, mean, std, min: Math.min(...scores), max: Math.max(...scores) };
}

/** Names that mean the same metric: Keras 2 logged accuracy as `acc`, Keras 3 and tensorfold as `accuracy`. */
const ALIASES: Record<string, string> = {
  acc: 'accuracy',
  accuracy: 'acc',
  val_acc: 'val_accuracy',
  val_accuracy: 'val_acc',
};

/** The key of `logs` that holds `metric` (itself, or its alias), or `null` when neither is there. */
function scoreKey(metric: string, logs: Logs): string | null {
  if (metric in logs) return metric;
  const alias = ALIASES[metric];
  return alias !== undefined && alias in logs ? alias : null;
}
