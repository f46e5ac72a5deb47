import { ConfigError, type Layer, type Model, model, type SymbolicTensor } from '@tensorfold/core';
import { dense, dropout as dropoutLayer, flatten, globalAveragePooling2d } from '@tensorfold/layers';
import { findLayer, layerOutput } from '../inspect/graph-run.js';

/** The new classifier head of {@link featureExtractor}. */
export interface HeadOptions {
  /** Classes of the new task. Required, >= 2. */
  numClasses: number;
  /** Hidden dense ReLU layers of the head, units each. Default `[64]`. */
  units?: readonly number[];
  /** Dropout before the class layer, in [0, 1). Default 0.5 (seed 002 ch. 5's recipe). */
  dropout?: number;
  /** How 4D features become a vector: `'flatten'` (default) or `'avg'` (global average pooling). */
  pooling?: 'flatten' | 'avg';
}

/** Options of {@link featureExtractor}. */
export interface FeatureExtractorOptions {
  /** The new head. */
  head: HeadOptions;
  /**
   * The base layer whose output is the features. Default: the last layer of the base whose output is an
   * image `[batch, h, w, c]` (the convolutional base without its classifier).
   */
  from?: string;
  /** Freeze the base (its layers stop training). Default true. */
  freeze?: boolean;
  /** Model name. Default `<base name>_transfer`. */
  name?: string;
}

/**
 * Keras's first transfer recipe (seed 002 ch. 5, seed 003 5.6): a pretrained convolutional base, frozen,
 * with a new classifier head on its features. The new model shares the base's layers (freezing them freezes
 * them in `base` too, as in Keras); compile and train it, then {@link fineTune} it.
 * Input as the base's, output `[batch, numClasses]`.
 *
 * @example
 * const model = featureExtractor(base, { head: { numClasses: 5 } });
 * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 */
export function featureExtractor(base: Model, options: FeatureExtractorOptions): Model {
  const { head, freeze = true, name = `${base.name}_transfer` } = options;
  const { numClasses, units = [64], dropout = 0.5, pooling = 'flatten' } = head ?? ({} as HeadOptions);
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new ConfigError(`featureExtractor: head.numClasses must be an integer >= 2, got ${numClasses}.`);
  if (!(dropout >= 0 && dropout < 1))
    throw new ConfigError(`featureExtractor: head.dropout must be in [0, 1), got ${dropout}.`);
  if (!units.every((u) => Number.isInteger(u) && u > 0))
    throw new ConfigError(
      `featureExtractor: head.units must be positive integers, got [${units.join(', ')}].`,
    );
  if (pooling !== 'flatten' && pooling !== 'avg')
    throw new ConfigError(`featureExtractor: head.pooling must be 'flatten' or 'avg', got "${pooling}".`);
  let cut: Layer | undefined;
  if (options.from) cut = findLayer(base, options.from);
  else
    cut = [...base.layers]
      .reverse()
      .find(
        (l) => !Array.isArray(l.output) && l.output.shape.length === 4 && l !== base.inputs[0].sourceLayer,
      );
  if (!cut) throw new ConfigError(`Base "${base.name}" has no layer with image output; name one with from.`);
  const features = layerOutput(cut);
  const baseLayers = base.layers.slice(0, base.layers.indexOf(cut) + 1);
  if (freeze) for (const layer of baseLayers) layer.trainable = false;
  let x: SymbolicTensor =
    features.shape.length === 4
      ? (pooling === 'avg'
          ? globalAveragePooling2d({ name: 'head_pool' })
          : flatten({ name: 'head_flatten' })
        ).apply(features)
      : features;
  units.forEach((u, i) => {
    x = dense({ units: u, activation: 'relu', name: `head_dense_${i + 1}` }).apply(x);
  });
  if (dropout > 0) x = dropoutLayer({ rate: dropout, name: 'head_dropout' }).apply(x);
  const outputs = dense({ units: numClasses, activation: 'softmax', name: 'head_predictions' }).apply(x);
  return model({ inputs: base.inputs, outputs, name });
}
