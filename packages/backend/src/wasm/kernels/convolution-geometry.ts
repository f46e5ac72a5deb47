import {
  backend_util,
  type Conv2DBackpropInputAttrs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
} from '@tensorflow/tfjs-core';

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
