import { ConfigError, type Layer, type Model, model, type SymbolicTensor } from '@tensorfold/core';
import { dense, dropout as dropoutLayer, flatten, globalAveragePooling2d } from '@tensorfold/layers';
import { findLayer, layerOutput } from '../inspect/graph-run.js';
import { resizedBase } from './resized-base.js';

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
  /**
   * Shape `[height, width, channels]` of the new task's images when it is not the base's input shape, e.g.
   * `[64, 64, 3]` photos on a base trained on `[28, 28, 1]` digits. The model then starts with `input_images`
   * of this shape, `input_resizing` (a `Resizing` layer to the base's height and width, as Keras users put
   * one in front of a base) and, when the channels differ, `input_channels` (a frozen 1x1 convolution:
   * gray repeated into each channel, or the mean of the channels into gray), followed by copies of the base's
   * layers (same names and weights; then the base itself is neither shared nor frozen). Default: the base's
   * input shape (no resizing, the base's layers shared).
   */
  inputShape?: readonly number[];
  /** Model name. Default `<base name>_transfer`. */
  name?: string;
}

/**
 * Keras's first transfer recipe (seed 002 ch. 5, seed 003 5.6): a pretrained convolutional base, frozen,
 * with a new classifier head on its features. The new model shares the base's layers (freezing them freezes
 * them in `base` too, as in Keras); compile and train it, then {@link fineTune} it. With `inputShape`, images
 * of another size or channel count are resized inside the model (then the layers are copies of the base's).
 * Input as the base's (or `[batch, ...inputShape]`), output `[batch, numClasses]`.
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
  const own = base.inputs[0].shape.slice(1); // the base's [h, w, c]
  const resize =
    options.inputShape !== undefined &&
    (options.inputShape.length !== own.length || options.inputShape.some((d, i) => d !== own[i]));
  const copy = resize ? resizedBase(base, cut, options.inputShape as readonly number[]) : null;
  const features = copy ? copy.features : layerOutput(cut);
  const inputs = copy ? copy.inputs : base.inputs;
  const baseLayers = copy ? [...copy.copies.values()] : base.layers.slice(0, base.layers.indexOf(cut) + 1);
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
  return model({ inputs, outputs, name });
}
