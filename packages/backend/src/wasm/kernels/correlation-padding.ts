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
