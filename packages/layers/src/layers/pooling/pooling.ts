/** Max and average pooling over windows, in 1D (sequences) and 2D (images). */
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
import { normalizeTuple } from '../../utils/args.js';
import { checkPadding, convOutputLength, type DataFormat, type PaddingMode } from '../../utils/conv-utils.js';
import { singleTensor } from '../../utils/layer-utils.js';
import { samePadding } from './same-padding.js';
import { SpatialPooling } from './spatial-pooling.js';

/** Options of the 2D pooling layers. */
export interface Pooling2DArgs extends LayerArgs {
  /** Window size: one number for both axes or `[height, width]`. Default 2. */
  poolSize?: number | [number, number];
  /** Step of the window. Default: `poolSize` (non-overlapping windows). */
  strides?: number | [number, number];
  /** `'valid'` (default: windows inside the input only) or `'same'` (pad so the output is `ceil(n / stride)`). */
  padding?: 'valid' | 'same';
  /** `'channelsLast'` (default) or `'channelsFirst'`. */
  dataFormat?: DataFormat;
}

/** Options of the 1D pooling layers. */
export interface Pooling1DArgs extends LayerArgs {
  /** Window length. Default 2. */
  poolSize?: number | [number];
  /** Step of the window. Default: `poolSize`. */
  strides?: number | [number];
  /** `'valid'` (default) or `'same'`. */
  padding?: 'valid' | 'same';
}

type PoolKind = 'max' | 'avg';

/**
 * Average pooling with `same` padding, dividing each window by the number of real (unpadded)
 * inputs in it, as TensorFlow does. tfjs's own `avgPool` computes that forward, but its gradient
 * divides by the full window size at the border (tfjs 4.22), so this pads explicitly and
 * rescales by a constant count map: the gradient is then exact.
 */
function averagePoolSame(x: tf.Tensor4D, size: [number, number], strides: [number, number]): tf.Tensor4D {
  const [, height, width] = x.shape;
  const padH = samePadding(height, size[0], strides[0]);
  const padW = samePadding(width, size[1], strides[1]);
  if (padH[0] + padH[1] + padW[0] + padW[1] === 0) return tf.avgPool(x, size, strides, 'valid');
  const paddings: Array<[number, number]> = [[0, 0], padH, padW, [0, 0]];
  const sums = tf.avgPool(tf.pad(x, paddings), size, strides, 'valid'); // mean over the full window
  // Fraction of each window that is real input: [1, outHeight, outWidth, 1], no gradient needed.
  const coverage = tf.avgPool(
    tf.pad(tf.ones([1, height, width, 1]), paddings) as tf.Tensor4D,
    size,
    strides,
    'valid',
  );
  return tf.div(sums, coverage);
}

function pool2d(
  x: tf.Tensor4D,
  kind: PoolKind,
  size: [number, number],
  strides: [number, number],
  padding: PaddingMode,
): tf.Tensor4D {
  if (kind === 'max') return tf.maxPool(x, size, strides, padding === 'same' ? 'same' : 'valid');
  return padding === 'same' ? averagePoolSame(x, size, strides) : tf.avgPool(x, size, strides, 'valid');
}

abstract class Pooling2D extends SpatialPooling {
  declare readonly poolSize: [number, number];
  declare readonly strides: [number, number];

  constructor(args: Pooling2DArgs = {}) {
    super(2, args);
  }

  protected pool(x: tf.Tensor): tf.Tensor {
    return pool2d(x as tf.Tensor4D, this.kind, this.poolSize, this.strides, this.padding); // [batch, height', width', channels]
  }
}

/**
 * Max pooling over 2D windows: keeps the largest value of each window (the subsampling layers of
 * LeNet and most convnets). The gradient goes to the maximum of each window.
 *
 * Input shape: `[batch, height, width, channels]`. Output shape:
 * `[batch, ceil((height - poolHeight + 1) / strideHeight), ..., channels]` with `'valid'` padding.
 *
 * @example
 * maxPooling2d({ poolSize: 2 }) // halves height and width
 */
export class MaxPooling2D extends Pooling2D {
  static override readonly className = 'MaxPooling2D';
  protected readonly kind = 'max';
}

/**
 * Average pooling over 2D windows. With `'same'` padding, border windows average only the real
 * inputs (as TensorFlow), and the gradient is exact there (tfjs's own is not, see
 * {@link averagePoolSame}).
 *
 * Input shape: `[batch, height, width, channels]`. Output shape: as {@link MaxPooling2D}.
 *
 * @example
 * averagePooling2d({ poolSize: 2 })
 */
export class AveragePooling2D extends Pooling2D {
  static override readonly className = 'AveragePooling2D';
  protected readonly kind = 'avg';
}

abstract class Pooling1D extends Layer {
  readonly poolSize: [number];
  readonly strides: [number];
  readonly padding: PaddingMode;
  protected abstract readonly kind: PoolKind;

  constructor(args: Pooling1DArgs = {}) {
    super(args);
    const who = `${this.className} layer "${this.name}"`;
    this.poolSize = normalizeTuple(args.poolSize ?? 2, 1, `${who}: poolSize`) as [number];
    this.strides = normalizeTuple(args.strides ?? this.poolSize, 1, `${who}: strides`) as [number];
    this.padding = checkPadding(args.padding);
    this.inputSpec = { ndim: 3 };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `${this.className} layer "${this.name}"`);
    return tf.tidy(() => {
      const x = tf.expandDims(input, 2) as tf.Tensor4D; // [batch, steps, 1, channels]
      const y = pool2d(x, this.kind, [this.poolSize[0], 1], [this.strides[0], 1], this.padding);
      return tf.squeeze(y, [2]); // [batch, newSteps, channels]
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape, `${this.className} layer "${this.name}"`);
    return [s[0], convOutputLength(s[1], this.poolSize[0], this.padding, this.strides[0]), s[2]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize, padding: this.padding, strides: this.strides };
  }
}

/**
 * Max pooling over windows of a sequence.
 *
 * Input shape: `[batch, steps, channels]`. Output shape: `[batch, newSteps, channels]`.
 *
 * @example
 * maxPooling1d({ poolSize: 5 })
 */
export class MaxPooling1D extends Pooling1D {
  static override readonly className = 'MaxPooling1D';
  protected readonly kind = 'max';
}

/**
 * Average pooling over windows of a sequence.
 *
 * Input shape: `[batch, steps, channels]`. Output shape: `[batch, newSteps, channels]`.
 *
 * @example
 * averagePooling1d({ poolSize: 2 })
 */
export class AveragePooling1D extends Pooling1D {
  static override readonly className = 'AveragePooling1D';
  protected readonly kind = 'avg';
}

register('layer', 'MaxPooling2D', (c) => new MaxPooling2D(c as Pooling2DArgs), ['MaxPool2D']);
register('layer', 'AveragePooling2D', (c) => new AveragePooling2D(c as Pooling2DArgs), ['AvgPool2D']);
register('layer', 'MaxPooling1D', (c) => new MaxPooling1D(c as Pooling1DArgs), ['MaxPool1D']);
register('layer', 'AveragePooling1D', (c) => new AveragePooling1D(c as Pooling1DArgs), ['AvgPool1D']);

/** A 2D max-pooling layer (see {@link MaxPooling2D}). */
export function maxPooling2d(args: Pooling2DArgs = {}): MaxPooling2D {
  return new MaxPooling2D(args);
}

/** A 2D average-pooling layer (see {@link AveragePooling2D}). */
export function averagePooling2d(args: Pooling2DArgs = {}): AveragePooling2D {
  return new AveragePooling2D(args);
}

/** A 1D max-pooling layer (see {@link MaxPooling1D}). */
export function maxPooling1d(args: Pooling1DArgs = {}): MaxPooling1D {
  return new MaxPooling1D(args);
}

/** A 1D average-pooling layer (see {@link AveragePooling1D}). */
export function averagePooling1d(args: Pooling1DArgs = {}): AveragePooling1D {
  return new AveragePooling1D(args);
}
