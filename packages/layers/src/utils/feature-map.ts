import { ConfigError } from '@tensorfold/core';

/** Options of {@link featureMapSize}. */
export interface FeatureMapSizeArgs {
  /** Input width or height W, in pixels (or steps, for 1D). */
  inputSize: number;
  /** Filter (kernel or pooling window) width or height F, in pixels. */
  filterSize: number;
  /** Stride S, in pixels. Default 1. */
  stride?: number;
  /**
   * Zero padding P, in pixels on each side; or `'valid'` (P = 0) or `'same'` (the output is
   * `ceil(W / S)` wide, as Keras and tfjs pad). Default `'valid'`.
   */
  padding?: number | 'valid' | 'same';
  /** Dilation rate: the filter's taps are this many pixels apart, so it spans `F + (F - 1)(rate - 1)`. Default 1. */
  dilation?: number;
}

/**
 * The width (or height) of a convolution's or pooling's output, the feature map: the formula of the
 * source texts, `(W - F + 2P) / S + 1`, rounded down where the filter does not fit a whole number
 * of strides (the last partial window is dropped, as Keras and tfjs do). `padding: 'same'` gives
 * `ceil(W / S)`.
 *
 * @example
 * featureMapSize({ inputSize: 28, filterSize: 5 }); // 24: ((28 - 5 + 2*0) / 1) + 1
 * featureMapSize({ inputSize: 28, filterSize: 2, stride: 2 }); // 14, a 2x2 max pool
 * featureMapSize({ inputSize: 28, filterSize: 3, padding: 'same' }); // 28
 * @throws ConfigError for sizes that are not positive integers, a negative padding, or a filter
 *   larger than the padded input.
 */
export function featureMapSize(args: FeatureMapSizeArgs): number {
  const { inputSize: w, filterSize: f } = args;
  const s = args.stride ?? 1;
  const dilation = args.dilation ?? 1;
  const padding = args.padding ?? 'valid';
  positiveInteger(w, 'inputSize');
  positiveInteger(f, 'filterSize');
  positiveInteger(s, 'stride');
  positiveInteger(dilation, 'dilation');
  if (padding === 'same') return Math.ceil(w / s);
  const p = padding === 'valid' ? 0 : padding;
  if (!Number.isInteger(p) || p < 0)
    throw new ConfigError(
      `padding must be 'valid', 'same' or a whole number of pixels >= 0, got ${JSON.stringify(padding)}.`,
    );
  const span = f + (f - 1) * (dilation - 1);
  if (span > w + 2 * p)
    throw new ConfigError(
      `A filter spanning ${span} pixels does not fit an input of ${w} pixels padded by ${p}: use a smaller filter or more padding.`,
    );
  return Math.floor((w - span + 2 * p) / s) + 1;
}

/** Options of {@link convParamCount}. */
export interface ConvParamCountArgs {
  /** Filter size: one number for a square filter, or `[height, width]` (or more axes for 3D). */
  filterSize: number | number[];
  /** Channels of the input: the number of filters in the previous layer (1 for a gray image). */
  inputChannels: number;
  /** Filters of this layer (its output channels). */
  filters: number;
  /** Whether each filter has a bias. Default true. */
  useBias?: boolean;
}

/**
 * The learned parameters of a convolution layer, the formula of the source texts:
 * `(F_w * F_h * inputChannels + 1) * filters` (without the `+ 1` when `useBias` is false).
 *
 * @example
 * convParamCount({ filterSize: 3, inputChannels: 1, filters: 8 }); // 80, LeNet-5's first layer
 * convParamCount({ filterSize: 5, inputChannels: 8, filters: 16 }); // 3216
 */
export function convParamCount(args: ConvParamCountArgs): number {
  const sizes = typeof args.filterSize === 'number' ? [args.filterSize, args.filterSize] : args.filterSize;
  for (const size of sizes) positiveInteger(size, 'filterSize');
  positiveInteger(args.inputChannels, 'inputChannels');
  positiveInteger(args.filters, 'filters');
  const taps = sizes.reduce((product, size) => product * size, 1);
  return (taps * args.inputChannels + (args.useBias === false ? 0 : 1)) * args.filters;
}

/**
 * The learned parameters of a dense (fully connected) layer: `inputs * units + units` (without the
 * bias term when `useBias` is false).
 *
 * @example
 * denseParamCount({ inputs: 400, units: 120 }); // 48120
 */
export function denseParamCount(args: { inputs: number; units: number; useBias?: boolean }): number {
  positiveInteger(args.inputs, 'inputs');
  positiveInteger(args.units, 'units');
  return args.inputs * args.units + (args.useBias === false ? 0 : args.units);
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`${name} must be a whole number >= 1, got ${value}.`);
}
