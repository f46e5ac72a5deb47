/** Global pooling: one value per channel, the max or the mean over all positions. */
import {
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  type Shape,
  singleShape,
  tf,
} from '@tensorfold/core';
import { checkDataFormat, type DataFormat } from '../../utils/conv-utils.js';
import { singleTensor } from '../../utils/layer-utils.js';

/** Options of the 2D global pooling layers. */
export interface GlobalPooling2DArgs extends LayerArgs {
  /** `'channelsLast'` (default) or `'channelsFirst'`. */
  dataFormat?: DataFormat;
}

abstract class GlobalPooling1D extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
    this.inputSpec = { ndim: 3 };
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape, `${this.className} layer "${this.name}"`);
    return [s[0], s[2]];
  }
  override computeMask(): null {
    return null;
  }
}

/**
 * The mean over all steps of a sequence, per channel. With a mask (from an `embedding` with
 * `maskZero`), only the unmasked steps are averaged, as in Keras.
 *
 * Input shape: `[batch, steps, channels]`. Output shape: `[batch, channels]`.
 *
 * @example
 * globalAveragePooling1d()
 */
export class GlobalAveragePooling1D extends GlobalPooling1D {
  static override readonly className = 'GlobalAveragePooling1D';

  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  call(inputs: LayerInputs, options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `GlobalAveragePooling1D layer "${this.name}"`);
    const mask = options.mask instanceof tf.Tensor ? options.mask : null;
    if (!mask) return tf.mean(x, 1);
    return tf.tidy(() => {
      const weights = tf.expandDims(tf.cast(mask, x.dtype), 2); // [batch, steps, 1]
      return tf.divNoNan(tf.sum(tf.mul(x, weights), 1), tf.sum(weights, 1));
    });
  }
}

/**
 * The maximum over all steps of a sequence, per channel.
 *
 * Input shape: `[batch, steps, channels]`. Output shape: `[batch, channels]`.
 *
 * @example
 * globalMaxPooling1d()
 */
export class GlobalMaxPooling1D extends GlobalPooling1D {
  static override readonly className = 'GlobalMaxPooling1D';
  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    return tf.max(singleTensor(inputs, `GlobalMaxPooling1D layer "${this.name}"`), 1);
  }
}

abstract class GlobalPooling2D extends Layer {
  readonly dataFormat: DataFormat;
  constructor(args: GlobalPooling2DArgs = {}) {
    super(args);
    this.dataFormat = checkDataFormat(args.dataFormat);
    this.inputSpec = { ndim: 4 };
  }
  protected get spatialAxes(): [number, number] {
    return this.dataFormat === 'channelsFirst' ? [2, 3] : [1, 2];
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape, `${this.className} layer "${this.name}"`);
    return [s[0], this.dataFormat === 'channelsFirst' ? s[1] : s[3]];
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}

/**
 * The mean over all positions of each feature map: the usual bridge from convolutional features
 * to a classifier head, and the input of class activation maps.
 *
 * Input shape: `[batch, height, width, channels]`. Output shape: `[batch, channels]`.
 *
 * @example
 * globalAveragePooling2d()
 */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  static override readonly className = 'GlobalAveragePooling2D';
  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    return tf.mean(singleTensor(inputs, `GlobalAveragePooling2D layer "${this.name}"`), this.spatialAxes);
  }
}

/**
 * The maximum over all positions of each feature map.
 *
 * Input shape: `[batch, height, width, channels]`. Output shape: `[batch, channels]`.
 *
 * @example
 * globalMaxPooling2d()
 */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  static override readonly className = 'GlobalMaxPooling2D';
  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    return tf.max(singleTensor(inputs, `GlobalMaxPooling2D layer "${this.name}"`), this.spatialAxes);
  }
}

register('layer', 'GlobalAveragePooling1D', (c) => new GlobalAveragePooling1D(c), ['GlobalAvgPool1D']);
register('layer', 'GlobalMaxPooling1D', (c) => new GlobalMaxPooling1D(c), ['GlobalMaxPool1D']);
register('layer', 'GlobalAveragePooling2D', (c) => new GlobalAveragePooling2D(c as GlobalPooling2DArgs), [
  'GlobalAvgPool2D',
]);
register('layer', 'GlobalMaxPooling2D', (c) => new GlobalMaxPooling2D(c as GlobalPooling2DArgs), [
  'GlobalMaxPool2D',
]);

/** A global average-pooling layer over steps (see {@link GlobalAveragePooling1D}). */
export function globalAveragePooling1d(args: LayerArgs = {}): GlobalAveragePooling1D {
  return new GlobalAveragePooling1D(args);
}

/** A global max-pooling layer over steps (see {@link GlobalMaxPooling1D}). */
export function globalMaxPooling1d(args: LayerArgs = {}): GlobalMaxPooling1D {
  return new GlobalMaxPooling1D(args);
}

/** A global average-pooling layer over positions (see {@link GlobalAveragePooling2D}). */
export function globalAveragePooling2d(args: GlobalPooling2DArgs = {}): GlobalAveragePooling2D {
  return new GlobalAveragePooling2D(args);
}

/** A global max-pooling layer over positions (see {@link GlobalMaxPooling2D}). */
export function globalMaxPooling2d(args: GlobalPooling2DArgs = {}): GlobalMaxPooling2D {
  return new GlobalMaxPooling2D(args);
}
