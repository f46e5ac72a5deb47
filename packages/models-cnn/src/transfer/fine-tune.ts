import { ConfigError, type LossSpec, type MetricSpec, type Model, type Optimizer } from '@tensorfold/core';
import { adam } from '@tensorfold/optim';
import { findLayer } from '../inspect/graph-run.js';

/** Options of {@link fineTune}. */
export interface FineTuneOptions {
  /** The first layer to train again: it and every layer after it are unfrozen, those before stay frozen. */
  unfreezeFrom: string;
  /** Adam's learning rate: small, so the pretrained features are nudged, not wiped. Default 1e-5. */
  learningRate?: number;
  /** Optimizer to recompile with instead of Adam (then `learningRate` is ignored). */
  optimizer?: Optimizer;
  /** Loss to recompile with. Default `'sparseCategoricalCrossentropy'`. */
  loss?: LossSpec;
  /** Metrics to recompile with. Default `['accuracy']`. */
  metrics?: MetricSpec[];
}

/**
 * Keras's second transfer recipe (seed 002 ch. 5): after the head has trained on a frozen base, unfreeze the
 * top of the base from `unfreezeFrom` on and recompile with a low learning rate, so the next `fit` adapts the
 * most specific features to the new task. Returns the model (recompiled in place).
 *
 * @throws ConfigError listing the layers when `unfreezeFrom` is not one of them.
 * @example
 * fineTune(model, { unfreezeFrom: 'c3', learningRate: 1e-4 });
 * await model.fit(x, y, { epochs: 5 });
 */
export function fineTune(target: Model, options: FineTuneOptions): Model {
  const {
    unfreezeFrom,
    learningRate = 1e-5,
    loss = 'sparseCategoricalCrossentropy',
    metrics = ['accuracy'],
  } = options;
  if (!(learningRate > 0)) throw new ConfigError(`fineTune: learningRate must be > 0, got ${learningRate}.`);
  const from = target.layers.indexOf(findLayer(target, unfreezeFrom));
  target.layers.forEach((layer, i) => {
    layer.trainable = i >= from;
  });
  target.compile({ optimizer: options.optimizer ?? adam({ learningRate }), loss, metrics });
  return target;
}
