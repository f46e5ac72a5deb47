/** Zero padding and cropping of images: `zeroPadding2d`, `cropping2D`. */
import {
  type CallOptions,
  ConfigError,
  Layer,
  type LayerArgs,
  type LayerInputs,
  register,
  type Shape,
  ShapeError,
  singleShape,
  tf,
} from '@tensorfold/core';
import { checkDataFormat, type DataFormat } from '../../utils/conv-utils.js';
import { singleTensor } from '../../utils/layer-utils.js';

/** Amounts per side: `n` (all four), `[height, width]` (symmetric), or `[[top, bottom], [left, right]]`. */
export type Amount2D = number | [number, number] | [[number, number], [number, number]];

/** `[[top, bottom], [left, right]]` from any {@link Amount2D} form. */
export function normalizeAmount2D(
  value: Amount2D | undefined,
  fallback: number,
  what: string,
): [[number, number], [number, number]] {
  const v = value ?? fallback;
  let out: [[number, number], [number, number]] | null = null;
  if (typeof v === 'number')
    out = [
      [v, v],
      [v, v],
    ];
  else if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') {
    out = [
      [v[0], v[0]],
      [v[1], v[1]],
    ];
  } else if (Array.isArray(v) && v.length === 2 && Array.isArray(v[0]) && Array.isArray(v[1])) {
    out = [
      [v[0][0], v[0][1]],
      [v[1][0], v[1][1]],
    ];
  }
  if (!out || out.flat().some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ConfigError(
      `${what} must be a non-negative integer, [height, width], or [[top, bottom], [left, right]]; got ${JSON.stringify(value)}.`,
    );
  }
  return out;
}

/** Options of {@link ZeroPadding2D}. */
export interface ZeroPadding2DArgs extends LayerArgs {
  /** Rows and columns of zeros to add. Default 1 on every side. */
  padding?: Amount2D;
  /** `'channelsLast'` (default) or `'channelsFirst'`. */
  dataFormat?: DataFormat;
}

abstract class Border2D extends Layer {
  readonly dataFormat: DataFormat;
  constructor(args: LayerArgs & { dataFormat?: DataFormat }) {
    super(args);
    this.dataFormat = checkDataFormat(args.dataFormat);
    this.inputSpec = { ndim: 4 };
  }
  /** Height and width axes of the input. */
  protected get axes(): [number, number] {
    return this.dataFormat === 'channelsFirst' ? [2, 3] : [1, 2];
  }
}

/**
 * Adds rows and columns of zeros around each image.
 *
 * Input shape: `[batch, height, width, channels]`. Output shape:
 * `[batch, height + top + bottom, width + left + right, channels]`.
 *
 * @example
 * zeroPadding2d({ padding: 2 })
 */
export class ZeroPadding2D extends Border2D {
  static override readonly className = 'ZeroPadding2D';
  readonly padding: [[number, number], [number, number]];

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    this.padding = normalizeAmount2D(args.padding, 1, `ZeroPadding2D layer "${this.name}": padding`);
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `ZeroPadding2D layer "${this.name}"`);
    const [h, w] = this.axes;
    const pads: Array<[number, number]> = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    pads[h] = this.padding[0];
    pads[w] = this.padding[1];
    return tf.pad(x, pads);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = [...singleShape(inputShape, `ZeroPadding2D layer "${this.name}"`)];
    const [h, w] = this.axes;
    const add = (d: number | null, p: [number, number]) => (d == null ? null : d + p[0] + p[1]);
    s[h] = add(s[h], this.padding[0]);
    s[w] = add(s[w], this.padding[1]);
    return s;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding, dataFormat: this.dataFormat };
  }
}

/** Options of {@link Cropping2D}. */
export interface Cropping2DArgs extends LayerArgs {
  /** Rows and columns to remove from each side. */
  cropping: Amount2D;
  /** `'channelsLast'` (default) or `'channelsFirst'`. */
  dataFormat?: DataFormat;
}

/**
 * Removes rows and columns from the borders of each image (e.g. to line up the feature maps of a
 * U-Net's skip connection).
 *
 * Input shape: `[batch, height, width, channels]`. Output shape:
 * `[batch, height - top - bottom, width - left - right, channels]`.
 *
 * @example
 * cropping2D({ cropping: [[2, 2], [4, 4]] })
 */
export class Cropping2D extends Border2D {
  static override readonly className = 'Cropping2D';
  readonly cropping: [[number, number], [number, number]];

  constructor(args: Cropping2DArgs) {
    super(args);
    this.cropping = normalizeAmount2D(args.cropping, 0, `Cropping2D layer "${this.name}": cropping`);
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `Cropping2D layer "${this.name}"`);
    const [h, w] = this.axes;
    const begin = [0, 0, 0, 0];
    const size = [...x.shape];
    begin[h] = this.cropping[0][0];
    begin[w] = this.cropping[1][0];
    size[h] = x.shape[h] - this.cropping[0][0] - this.cropping[0][1];
    size[w] = x.shape[w] - this.cropping[1][0] - this.cropping[1][1];
    if (size[h] <= 0 || size[w] <= 0) {
      throw new ShapeError(
        `Cropping2D layer "${this.name}" would crop all of an image of shape [${x.shape}]; crop less.`,
      );
    }
    return tf.slice(x, begin, size);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = [...singleShape(inputShape, `Cropping2D layer "${this.name}"`)];
    const [h, w] = this.axes;
    const sub = (d: number | null, c: [number, number]) => (d == null ? null : d - c[0] - c[1]);
    s[h] = sub(s[h], this.cropping[0]);
    s[w] = sub(s[w], this.cropping[1]);
    return s;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: this.cropping, dataFormat: this.dataFormat };
  }
}

register('layer', 'ZeroPadding2D', (c) => new ZeroPadding2D(c as ZeroPadding2DArgs));
register('layer', 'Cropping2D', (c) => new Cropping2D(c as unknown as Cropping2DArgs));

/** A zero-padding layer (see {@link ZeroPadding2D}). */
export function zeroPadding2d(args: ZeroPadding2DArgs = {}): ZeroPadding2D {
  return new ZeroPadding2D(args);
}

/** A cropping layer (see {@link Cropping2D}); spelled `cropping2D` as in TensorFlow.js. */
export function cropping2D(args: Cropping2DArgs): Cropping2D {
  return new Cropping2D(args);
}
