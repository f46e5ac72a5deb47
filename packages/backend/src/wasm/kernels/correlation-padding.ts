import type { backend_util } from '@tensorflow/tfjs-core';
import { type AxisPadding, signedPadding } from './filter-gradient-padding.js';

/**
 * Padding of one axis for an input gradient computed as a correlation: correlating `length`
 * positions of `dy` (already spread out by the forward stride) with a filter of `filterSize` taps,
 * dilated by `dilation`, must give back `inSize` positions, starting where the forward pass's first
 * output read its first input (`padBefore` zeros before the input).
 *
 * Negative amounts become crops: positions of `dy` that met only the forward pass's padding.
 */
export function correlationPadding(
  inSize: number,
  length: number,
  filterSize: number,
  dilation: number,
  padBefore: number,
): AxisPadding {
  return signedPadding((filterSize - 1) * dilation - padBefore, inSize - length + padBefore);
}

/**
 * {@link correlationPadding} of both spatial axes, `[rows, cols]`, for a `spread` `dy` of shape
 * `[batch, spreadHeight, spreadWidth, channels]` and the forward convolution's geometry `info`.
 */
export function correlationPaddings(
  info: backend_util.Conv2DInfo,
  spreadShape: readonly number[],
): [AxisPadding, AxisPadding] {
  return [
    correlationPadding(
      info.inHeight,
      spreadShape[1],
      info.filterHeight,
      info.dilationHeight,
      info.padInfo.top,
    ),
    correlationPadding(info.inWidth, spreadShape[2], info.filterWidth, info.dilationWidth, info.padInfo.left),
  ];
}
