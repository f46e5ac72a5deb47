/** Fine-tuning a decomposed (or quantization-aware) model for a few epochs to win back accuracy. */
import '@tensorfold/optim';
import { ConfigError, type Model, type Optimizer, type tf } from '@tensorfold/core';

/** Options of {@link fineTune}. */
export interface FineTuneOptions {
  /** Passes over the data. Default `1`. */
  epochs?: number;
  /** Examples per step. Default `32`. */
  batchSize?: number;
  /**
   * Used when the model is not compiled yet. Default: Adam with learning rate 1e-3 (`'adam'`); a lower
   * rate (an optimizer object) keeps more of the decomposition's starting point.
   */
  optimizer?: Optimizer | string;
  /** Used when the model is not compiled yet. Default `'sparseCategoricalCrossentropy'` (integer labels). */
  loss?: string;
  /** Shuffling seed. Default `0`. */
  seed?: number;
}

/** Trains `model` on `data` (features and labels) and returns the last epoch's loss. */
export async function fineTune(
  model: Model,
  data: { x: tf.Tensor; y: tf.Tensor },
  options: FineTuneOptions = {},
): Promise<number> {
  const { epochs = 1, batchSize = 32, seed = 0 } = options;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ConfigError(`epochs must be a whole number >= 0, got ${epochs}.`);
  if (!model.isCompiled)
    model.compile({
      optimizer: options.optimizer ?? 'adam',
      loss: options.loss ?? 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
  if (epochs === 0) return Number.NaN;
  const history = await model.fit(data.x, data.y, { epochs, batchSize, seed, verbose: 0 });
  const losses = history.history.loss as number[];
  return losses[losses.length - 1];
}
