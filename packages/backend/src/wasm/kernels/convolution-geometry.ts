import {
  backend_util,
  type Conv2DAttrs,
  type Conv2DBackpropInputAttrs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type NamedAttrMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { SimdKernels } from '../simd/simd-kernels.js';

type Shape4D = [number, number, number, number];

/**
 * The geometry (sizes, strides, padding, data format) of the `conv2d` whose gradient a kernel
 * computes, from that convolution's input and filter shapes and the gradient kernel's attributes.
 * tfjs differentiates only undilated `conv2d`, so the dilation is 1.
 */
export function conv2DGeometry(
  inputShape: readonly number[],
  filterShape: readonly number[],
  attrs: Pick<Conv2DBackpropInputAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'>,
): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    inputShape as Shape4D,
    filterShape as Shape4D,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

/**
 * The geometry of the `depthwiseConv2d` (NHWC) whose gradient a kernel computes, from that
 * convolution's input and filter shapes and the gradient kernel's attributes.
 */
export function depthwiseGeometry(
  inputShape: readonly number[],
  filterShape: readonly number[],
  attrs: Pick<DepthwiseConv2dNativeBackpropInputAttrs, 'strides' | 'dilations' | 'pad' | 'dimRoundingMode'>,
): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    inputShape as Shape4D,
    filterShape as Shape4D,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
}

/** A forward `Conv2D` or `FusedConv2D` that tensorfold's own convolution kernels can take. */
export interface SimpleConvolution {
  /** The input `[batch, height, width, inChannels]`. */
  x: TensorInfo;
  /** The filter `[filterHeight, filterWidth, inChannels, outChannels]`. */
  filter: TensorInfo;
  /** `FusedConv2D`'s per-channel bias `[outChannels]`, float32; absent for `Conv2D`. */
  bias?: TensorInfo;
  /** What follows the sum and the bias. */
  activation: 'linear' | 'relu';
  /** Its geometry (NHWC). */
  info: backend_util.Conv2DInfo;
}

/**
 * The convolution a `Conv2D` or `FusedConv2D` call asks for, where it is the kind that tensorfold's
 * own kernels run: float32, NHWC, no prelu, a linear or relu activation, a float32 bias of one value per
 * output channel. Null for anything else (the caller leaves it to XNNPACK).
 */
export function simpleConvolution(
  inputs: Record<string, TensorInfo | undefined>,
  attrs: NamedAttrMap,
): SimpleConvolution | null {
  const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4) return null;
  if (inputs.preluActivationWeights != null || (attrs.dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const activation = attrs.activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') return null;
  const conv = attrs as unknown as Conv2DAttrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as Shape4D,
    filter.shape as Shape4D,
    conv.strides,
    conv.dilations ?? 1,
    conv.pad,
    conv.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (bias != null && (bias.dtype !== 'float32' || util.sizeFromShape(bias.shape) !== info.outChannels)) {
    return null;
  }
  return { x, filter, bias, activation: activation as SimpleConvolution['activation'], info };
}

/** The sizes of {@link filterGradientSizes}: the filter-gradient kernel's parameters after its three pointers. */
type FilterGradientSizes =
  Parameters<SimdKernels['filterGradient']> extends [number, number, number, ...infer Sizes] ? Sizes : never;

/**
 * The 15 sizes a filter-gradient kernel takes after its three pointers, in its order: batch, input
 * height, width and channels, output height, width and channels, filter height and width, strides,
 * dilations, top and left padding.
 */
export function filterGradientSizes(info: backend_util.Conv2DInfo): FilterGradientSizes {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

/**
 * Whether every window of `info` is 2x2 at stride 2 and lies wholly inside the image (every
 * `maxPooling2d` with the default pool and `'valid'` padding, or `'same'` on even sizes).
 */
export function isTiledByPairs(info: backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 2 &&
    info.filterWidth === 2 &&
    info.strideHeight === 2 &&
    info.strideWidth === 2 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    2 * info.outHeight <= info.inHeight &&
    2 * info.outWidth <= info.inWidth
  );
}
