import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';
import { explicitPadding, filterGradientPaddings } from './filter-gradient-padding.js';

/**
 * The filter gradient of a convolution as one XNNPACK convolution:
 * `dW[kh, kw, ci, co] = sum over b, oh, ow of x[b, oh*s + kh - pt, ow*s + kw - pl, ci] * dy[b, oh, ow, co]`
 * is a convolution of the input (batch and channels swapped) with `dy` as the filter, where the
 * forward stride becomes the dilation. Its extra work is linear in the sizes of `x` and `dy` (two
 * transposes, and XNNPACK repacking `dy` as a filter), so it suits layers with many input channels.
 *
 * `x` is `[batch, height, width, inChannels]`, `dy` `[batch, outHeight, outWidth, outChannels]`;
 * the result is `[filterHeight, filterWidth, inChannels, outChannels]`.
 */
export function filterGradientByConvolution(
  scope: KernelScope,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const padding = filterGradientPaddings(info);
  // [inChannels, height, width, batch]: input channels act as the batch, the batch as channels.
  const images = scope.crop(scope.transpose(x, [3, 1, 2, 0]), padding);
  // [outHeight, outWidth, batch, outChannels]: dy is the filter.
  const kernel = scope.transpose(dy, [1, 2, 0, 3]);
  // [inChannels, filterHeight, filterWidth, outChannels]
  const grad = scope.run('Conv2D', { x: images, filter: kernel }, {
    strides: [1, 1],
    dilations: [info.strideHeight, info.strideWidth],
    pad: explicitPadding(padding),
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
  } as unknown as Record<string, never>);
  // [filterHeight, filterWidth, inChannels, outChannels]
  return scope.transpose(grad, [1, 2, 0, 3]);
}
