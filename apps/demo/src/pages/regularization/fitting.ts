/**
 * The Regularization page's experiments on one small regression problem (seed 002's lesson: a network
 * with room to spare learns the noise of few points): 20 noisy points of a sine to train on, 60 others
 * to validate on, and a two-hidden-layer MLP from `@tensorfold/layers` whose capacity, dropout, batch
 * norm and L2 penalty the page sets. Training is `fit` with `@tensorfold/optim`'s Adam, MSE and
 * `earlyStopping` (restoring the best weights); k-fold runs `@tensorfold/data`'s `crossValidate`.
 */
import { type Model, sequential, setSeed, tf } from '@tensorfold/core';
import { crossValidate, kFold, noisySine } from '@tensorfold/data';
import { activation, batchNormalization, dense, dropout } from '@tensorfold/layers';
import { adam, earlyStopping, l2, lambdaCallback } from '@tensorfold/optim';
import type { RegularizationState } from './state';

/** Training points; validation points; points of the drawn curve. */
export const TRAIN_POINTS = 20;
export const VALIDATION_POINTS = 60;
export const CURVE_POINTS = 100;
/** Standard deviation of the noise on the sine. */
export const NOISE = 0.3;
/** The capacities the sweep trains: neurons per hidden layer. */
export const CAPACITIES = [1, 2, 4, 8, 16, 32, 64, 128] as const;

/** The data of one seed: `x` in [-1, 1] (the sine's [0, 2 pi] scaled), `y` the noisy sine. */
export interface SineData {
  train: { x: number[]; y: number[] };
  validation: { x: number[]; y: number[] };
}

/** The points of `seed`: training and validation noise are drawn from different seeds. */
export async function sineData(seed: number): Promise<SineData> {
  const read = async (samples: number, noiseSeed: number, offset: number) => {
    // Validation x sit between the training x (offset), so the two sets never share a point.
    const step = (2 * Math.PI) / samples;
    const set = noisySine({
      samples,
      noise: NOISE,
      seed: noiseSeed,
      range: [offset * step, 2 * Math.PI - step + offset * step],
    });
    const [x, y] = await Promise.all([set.xs.data(), set.ys.data()]);
    set.dispose();
    return { x: Array.from(x, (v) => v / Math.PI - 1), y: Array.from(y) };
  };
  return {
    train: await read(TRAIN_POINTS, seed, 0),
    validation: await read(VALIDATION_POINTS, seed + 1_000_003, 0.5),
  };
}

/** The settings a network is built from. */
export type NetworkSettings = Pick<
  RegularizationState,
  'units' | 'learningRate' | 'dropout' | 'batchNorm' | 'l2' | 'seed'
>;

/** The MLP x → 2 hidden tanh layers of `units` → y, with the regularizers the settings turn on; compiled. */
export function buildNetwork(settings: NetworkSettings): { model: Model; optimizer: { dispose(): void } } {
  setSeed(settings.seed);
  const layers = [];
  for (let i = 0; i < 2; i++) {
    const bn = settings.batchNorm === 'on';
    layers.push(
      dense({
        units: settings.units,
        activation: bn ? 'linear' : 'tanh',
        kernelRegularizer: settings.l2 > 0 ? l2(settings.l2) : null,
        ...(i === 0 ? { inputShape: [1] } : {}),
      }),
    );
    if (bn) layers.push(batchNormalization(), activation({ activation: 'tanh' }));
    if (settings.dropout > 0) layers.push(dropout({ rate: settings.dropout }));
  }
  layers.push(dense({ units: 1 }));
  const model = sequential({ layers });
  const optimizer = adam({ learningRate: settings.learningRate });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  return { model, optimizer };
}

/** What one training run gives. */
export interface FitResult {
  /** Training and validation MSE after each epoch (training MSE as `fit` logs it: with dropout on). */
  trainLoss: number[];
  validationLoss: number[];
  /** Early stopping: the epoch (1-based) it stopped after, or `null` when it ran every epoch. */
  stoppedEpoch: number | null;
  /** Early stopping: the epoch (1-based) whose weights were restored, or `null` when off. */
  restoredEpoch: number | null;
  /** The validation MSE of the weights the network ends with (evaluated after training). */
  finalValidation: number;
  /** The fitted function at {@link CURVE_POINTS} x evenly over [-1, 1]. */
  curve: number[];
}

function tensors(set: { x: number[]; y: number[] }): [tf.Tensor2D, tf.Tensor2D] {
  return [tf.tensor2d(set.x, [set.x.length, 1]), tf.tensor2d(set.y, [set.y.length, 1])]; // [n, 1] each
}

/**
 * Trains a fresh network of `settings` on the training points, full batch, for up to `settings.epochs`
 * epochs, validating after each; with `patience > 0`, early stopping on the validation loss puts back
 * the best epoch's weights. `onEpoch` sees the curves so far; the browser gets to draw every ~100 ms.
 */
export async function fitCurves(
  data: SineData,
  settings: NetworkSettings & Pick<RegularizationState, 'epochs' | 'patience'>,
  onEpoch?: (train: readonly number[], validation: readonly number[]) => void,
): Promise<FitResult> {
  const { model, optimizer } = buildNetwork(settings);
  const [x, y] = tensors(data.train);
  const [vx, vy] = tensors(data.validation);
  const grid = tf.tidy(() => tf.linspace(-1, 1, CURVE_POINTS).reshape([CURVE_POINTS, 1])); // [100, 1]
  const trainLoss: number[] = [];
  const validationLoss: number[] = [];
  const stopper =
    settings.patience > 0
      ? earlyStopping({ monitor: 'val_loss', patience: settings.patience, restoreBestWeights: true })
      : null;
  let lastPause = performance.now();
  try {
    await model.fit(x, y, {
      epochs: settings.epochs,
      batchSize: TRAIN_POINTS,
      validationData: [vx, vy],
      shuffle: false,
      verbose: 0,
      callbacks: [
        lambdaCallback({
          onEpochEnd: async (_epoch, logs) => {
            trainLoss.push(logs?.loss ?? Number.NaN);
            validationLoss.push(logs?.val_loss ?? Number.NaN);
            onEpoch?.(trainLoss, validationLoss);
            if (performance.now() - lastPause > 100) {
              await new Promise((done) => setTimeout(done, 0));
              lastPause = performance.now();
            }
          },
        }),
        ...(stopper ? [stopper] : []),
      ],
    });
    const logs = await model.evaluate(vx, vy, { batchSize: VALIDATION_POINTS });
    const p = model.predict(grid) as tf.Tensor; // [100, 1]
    const curve = Array.from(await p.data());
    p.dispose();
    return {
      trainLoss,
      validationLoss,
      stoppedEpoch: stopper && stopper.stoppedEpoch >= 0 ? stopper.stoppedEpoch + 1 : null,
      restoredEpoch: stopper ? stopper.bestEpoch + 1 : null,
      finalValidation: logs.loss,
      curve,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y, vx, vy, grid]);
  }
}

/** One point of the capacity sweep: the losses after training a network of `units`. */
export interface CapacityPoint {
  units: number;
  train: number;
  validation: number;
}

/**
 * The same training at each of {@link CAPACITIES} (early stopping off): small networks underfit (both
 * losses high), big ones overfit (training loss low, validation loss up again). Training loss is
 * evaluated in inference mode (no dropout), as the validation loss is.
 */
export async function capacitySweep(
  data: SineData,
  settings: NetworkSettings & Pick<RegularizationState, 'epochs'>,
  onPoint?: (points: readonly CapacityPoint[]) => void,
): Promise<CapacityPoint[]> {
  const [x, y] = tensors(data.train);
  const [vx, vy] = tensors(data.validation);
  const points: CapacityPoint[] = [];
  try {
    for (const units of CAPACITIES) {
      const { model, optimizer } = buildNetwork({ ...settings, units });
      try {
        await model.fit(x, y, {
          epochs: settings.epochs,
          batchSize: TRAIN_POINTS,
          shuffle: false,
          verbose: 0,
        });
        const train = await model.evaluate(x, y, { batchSize: TRAIN_POINTS });
        const validation = await model.evaluate(vx, vy, { batchSize: VALIDATION_POINTS });
        points.push({ units, train: train.loss, validation: validation.loss });
        onPoint?.(points);
      } finally {
        model.dispose();
        optimizer.dispose();
      }
      await new Promise((done) => setTimeout(done, 0));
    }
    return points;
  } finally {
    tf.dispose([x, y, vx, vy]);
  }
}

/** The k-fold result: each fold's validation MSE, their mean and standard deviation. */
export interface KFoldResult {
  scores: number[];
  mean: number;
  std: number;
}

/**
 * K-fold cross-validation (seed 002) of the network of `settings` on all 80 points (training and
 * validation pooled), shuffled by the seed: each fold trains a fresh network on the other folds.
 */
export async function kFoldScores(
  data: SineData,
  settings: NetworkSettings & Pick<RegularizationState, 'epochs' | 'folds'>,
  onFold?: (scores: readonly number[]) => void,
): Promise<KFoldResult> {
  const xs = [...data.train.x, ...data.validation.x];
  const ys = [...data.train.y, ...data.validation.y];
  const [x, y] = tensors({ x: xs, y: ys });
  const scores: number[] = [];
  const optimizers: { dispose(): void }[] = [];
  try {
    const result = await crossValidate({
      data: { xs: x, ys: y },
      folds: kFold(xs.length, { k: settings.folds, shuffle: true, seed: settings.seed }),
      createModel: () => {
        const built = buildNetwork(settings);
        optimizers.push(built.optimizer);
        return built.model;
      },
      fit: { epochs: settings.epochs, batchSize: xs.length, shuffle: false, verbose: 0 },
      metric: 'loss',
      onFold: async (fold) => {
        scores.push(fold.score);
        onFold?.(scores);
        await new Promise((done) => setTimeout(done, 0));
      },
    });
    return { scores: result.scores, mean: result.mean, std: result.std };
  } finally {
    for (const o of optimizers) o.dispose();
    tf.dispose([x, y]);
  }
}
