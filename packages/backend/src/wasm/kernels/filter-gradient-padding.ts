import type { backend_util } from '@tensorflow/tfjs-core';

/** Padding of one spatial axis for a gradient computed as a convolution (see its uses). */
export interface AxisPadding {
  /** Zeros before the input. */
  before: number;
  /** Zeros after the input. */
  after: number;
  /** Leading input positions to drop first (no filter tap ever reaches them). */
  cropBefore: number;
  /** Trailing input positions to drop first (no filter tap ever reaches them). */
  cropAfter: number;
}

/** An {@link AxisPadding} from signed amounts: a negative amount of padding is a crop. */
export function signedPadding(before: number, after: number): AxisPadding {
  return {
    before: Math.max(before, 0),
    after: Math.max(after, 0),
    cropBefore: Math.max(-before, 0),
    cropAfter: Math.max(-after, 0),
  };
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
  return signedPadding(padBefore, extent - inSize - padBefore);
}

/**
 * {@link filterGradientPadding} of both spatial axes, `[rows, cols]`, for the forward convolution's
 * geometry `info`.
 */
export function filterGradientPaddings(info: backend_util.Conv2DInfo): [AxisPadding, AxisPadding] {
  return [
    filterGradientPadding(
      info.inHeight,
      info.outHeight,
      info.filterHeight,
      info.strideHeight,
      info.dilationHeight,
      info.padInfo.top,
    ),
    filterGradientPadding(
      info.inWidth,
      info.outWidth,
      info.filterWidth,
      info.strideWidth,
      info.dilationWidth,
      info.padInfo.left,
    ),
  ];
}

/**
 * The explicit `pad` attribute of an NHWC convolution that pads its rows and columns by the
 * `before` and `after` amounts of `rows` and `cols` (their crops are applied to the input first).
 */
export function explicitPadding([rows, cols]: [AxisPadding, AxisPadding]): number[][] {
  return [
    [0, 0],
    [rows.before, rows.after],
    [cols.before, cols.after],
    [0, 0],
  ];
}
