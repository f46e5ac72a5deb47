/** Padding of one spatial axis for a filter gradient computed as a convolution (see its use). */
export interface AxisPadding {
  /** Zeros before the input. */
  before: number;
  /** Zeros after the input. */
  after: number;
  /** Trailing input positions to drop first (no filter tap ever reaches them). */
  crop: number;
}

/**
 * The padding that makes "convolve the input with `dy` as the filter (dilated by the forward
 * stride, stepped by the forward dilation)" produce exactly `filterSize` outputs along one axis.
 *
 * The forward pass reads `input[o * stride + k * dilation - padBefore]`, so the gradient's output
 * position `k` runs over `0 .. filterSize - 1`; its input extent is
 * `(filterSize - 1) * dilation + (outSize - 1) * stride + 1`, from which the trailing padding
 * follows (negative means: crop that many positions of the input instead).
 */
export function filterGradientPadding(
  inSize: number,
  outSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
  padBefore: number,
): AxisPadding {
  const extent = (filterSize - 1) * dilation + (outSize - 1) * stride + 1;
  const after = extent - inSize - padBefore;
  return after >= 0 ? { before: padBefore, after, crop: 0 } : { before: padBefore, after: 0, crop: -after };
}
