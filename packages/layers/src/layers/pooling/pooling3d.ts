/** Max and average pooling over 3D windows (volumes, video clips). */
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
import {
  checkDataFormat,
  checkPadding,
  convOutputLength,
  type DataFormat,
  type PaddingMode,
} from '../../utils/conv-utils.js';
import { singleTensor } from '../../utils/layer-utils.js';

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

/** TensorFlow's `same` padding of one axis: `[before, after]`, the extra cell going after. */
function samePadding(size: number, window: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
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

abstract class Pooling3D extends Layer {
  readonly poolSize: Triple;
  readonly strides: Triple;
  readonly padding: PaddingMode;
  readonly dataFormat: DataFormat;
  protected abstract readonly kind: 'max' | 'avg';

  constructor(args: Pooling3DArgs = {}) {
    super(args);
    const who = `${this.className} layer "${this.name}"`;
    this.poolSize = normalizeTuple(args.poolSize ?? 2, 3, `${who}: poolSize`) as Triple;
    this.strides = normalizeTuple(args.strides ?? this.poolSize, 3, `${who}: strides`) as Triple;
    this.padding = checkPadding(args.padding);
    this.dataFormat = checkDataFormat(args.dataFormat);
    this.inputSpec = { ndim: 5 };
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `${this.className} layer "${this.name}"`);
    return tf.tidy(() => {
      const first = this.dataFormat === 'channelsFirst';
      // [batch, depth, height, width, channels]
      const x = (first ? tf.transpose(input, [0, 2, 3, 4, 1]) : input) as tf.Tensor5D;
      const same = this.padding === 'same';
      const y =
        this.kind === 'max'
          ? tf.maxPool3d(x, this.poolSize, this.strides, same ? 'same' : 'valid')
          : same
            ? averagePool3dSame(x, this.poolSize, this.strides)
            : tf.avgPool3d(x, this.poolSize, this.strides, 'valid');
      return first ? tf.transpose(y, [0, 4, 1, 2, 3]) : y;
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape, `${this.className} layer "${this.name}"`);
    const first = this.dataFormat === 'channelsFirst';
    const spatial = first ? s.slice(2) : s.slice(1, 4);
    const out = spatial.map((n, i) => convOutputLength(n, this.poolSize[i], this.padding, this.strides[i]));
    return first ? [s[0], s[1], ...out] : [s[0], ...out, s[4]];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      poolSize: this.poolSize,
      padding: this.padding,
      strides: this.strides,
      dataFormat: this.dataFormat,
    };
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
