/** Max and average pooling over 3D windows (volumes, video clips). */
import { type LayerArgs, register, tf } from '@tensorfold/core';
import type { DataFormat } from '../../utils/conv-utils.js';
import { samePadding } from './same-padding.js';
import { SpatialPooling } from './spatial-pooling.js';

type Triple = [number, number, number];

/** Options of the 3D pooling layers. */
export interface Pooling3DArgs extends LayerArgs {
  /** Window size: one number for all three axes or `[depth, height, width]`. Default 2. */
  poolSize?: number | Triple;
  /** Step of the window. Default: `poolSize` (non-overlapping windows). */
  strides?: number | Triple;
  /** `'valid'` (default: windows inside the input only) or `'same'` (pad so the output is `ceil(n / stride)`). */
  padding?: 'valid' | 'same';
  /** `'channelsLast'` (default, `[batch, depth, height, width, channels]`) or `'channelsFirst'`. */
  dataFormat?: DataFormat;
}

/** Zero-pads `x` along one axis (as a rank-3 pad, which every backend's pad kernel handles). */
function padAxis(x: tf.Tensor, axis: number, [before, after]: [number, number]): tf.Tensor {
  if (before + after === 0) return x;
  const shape = x.shape;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const padded = tf.pad(tf.reshape(x, [outer, shape[axis], inner]), [
    [0, 0],
    [before, after],
    [0, 0],
  ]);
  return tf.reshape(padded, [
    ...shape.slice(0, axis),
    shape[axis] + before + after,
    ...shape.slice(axis + 1),
  ]);
}

/**
 * Average pooling with `same` padding, dividing each window by its number of real (unpadded)
 * cells, as TensorFlow does: the input is padded explicitly and divided by a constant count map,
 * so the gradient is exact at the borders too.
 */
function averagePool3dSame(x: tf.Tensor5D, size: Triple, strides: Triple): tf.Tensor {
  const pads = [1, 2, 3].map((axis, i) => samePadding(x.shape[axis], size[i], strides[i]));
  if (pads.every(([a, b]) => a + b === 0)) return tf.avgPool3d(x, size, strides, 'valid');
  const padAll = (t: tf.Tensor) => pads.reduce((acc, p, i) => padAxis(acc, i + 1, p), t) as tf.Tensor5D;
  const sums = tf.avgPool3d(padAll(x), size, strides, 'valid'); // mean over the full window
  const [, d, h, w] = x.shape;
  const coverage = tf.avgPool3d(padAll(tf.ones([1, d, h, w, 1])), size, strides, 'valid'); // real fraction
  return tf.div(sums, coverage);
}

abstract class Pooling3D extends SpatialPooling {
  declare readonly poolSize: Triple;
  declare readonly strides: Triple;

  constructor(args: Pooling3DArgs = {}) {
    super(3, args);
  }

  protected pool(input: tf.Tensor): tf.Tensor {
    const x = input as tf.Tensor5D; // [batch, depth, height, width, channels]
    if (this.kind === 'max') {
      return tf.maxPool3d(x, this.poolSize, this.strides, this.padding === 'same' ? 'same' : 'valid');
    }
    return this.padding === 'same'
      ? averagePool3dSame(x, this.poolSize, this.strides)
      : tf.avgPool3d(x, this.poolSize, this.strides, 'valid');
  }
}

/**
 * Max pooling over 3D windows: the largest value of each `poolSize` window of a volume.
 *
 * Input shape: `[batch, depth, height, width, channels]`. Output shape:
 * `[batch, ceil((depth − pd + 1) / sd), ..., channels]` with `'valid'` padding, `ceil(n / s)` with `'same'`.
 *
 * @example
 * maxPooling3d({ poolSize: 2 }) // halves depth, height and width
 */
export class MaxPooling3D extends Pooling3D {
  static override readonly className = 'MaxPooling3D';
  protected readonly kind = 'max';
}

/**
 * Average pooling over 3D windows (with `'same'` padding, each border window is divided by its
 * number of real cells, as TensorFlow does).
 *
 * Input shape: `[batch, depth, height, width, channels]`. Output shape: as {@link MaxPooling3D}.
 *
 * @example
 * averagePooling3d({ poolSize: [1, 2, 2] })
 */
export class AveragePooling3D extends Pooling3D {
  static override readonly className = 'AveragePooling3D';
  protected readonly kind = 'avg';
}

register('layer', 'MaxPooling3D', (c) => new MaxPooling3D(c as Pooling3DArgs), ['MaxPool3D']);
register('layer', 'AveragePooling3D', (c) => new AveragePooling3D(c as Pooling3DArgs), ['AvgPool3D']);

/** A 3D max-pooling layer (see {@link MaxPooling3D}). */
export function maxPooling3d(args: Pooling3DArgs = {}): MaxPooling3D {
  return new MaxPooling3D(args);
}

/** A 3D average-pooling layer (see {@link AveragePooling3D}). */
export function averagePooling3d(args: Pooling3DArgs = {}): AveragePooling3D {
  return new AveragePooling3D(args);
}
