import {
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { depthwiseGeometry } from './convolution-geometry.js';
import { explicitPadding, filterGradientPaddings } from './filter-gradient-padding.js';

/**
 * The gradient of `depthwiseConv2d` with respect to its filter, which stock tfjs-backend-wasm lacks.
 *
 * Built from WASM's own depthwise convolution: every (channel, sample) pair becomes one channel of a
 * single image, `dy` becomes a depthwise filter with the channel multiplier as its multiplier, and
 * the per-sample results are summed:
 * `dW[kh, kw, c, m] = sum over b, oh, ow of x[b, oh*s + kh*d - pt, ow*s + kw*d - pl, c] * dy[b, oh, ow, c*M + m]`.
 */
function depthwiseBackpropFilter(args: {
  inputs: DepthwiseConv2dNativeBackpropFilterInputs;
  backend: WasmBackendLike;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const info = depthwiseGeometry(x.shape, args.attrs.filterShape, args.attrs);
  const [batch, outHeight, outWidth] = dy.shape;
  const channels = info.inChannels;
  const multiplier = info.outChannels / channels;
  const padding = filterGradientPaddings(info);
  const scope = new KernelScope(args.backend);
  try {
    // [height, width, channels, batch] -> one image of channels * batch channels.
    let image = scope.transpose(x, [1, 2, 3, 0]);
    image = scope.reshape(image, [1, info.inHeight, info.inWidth, channels * batch]);
    image = scope.crop(image, padding);
    // [batch, outHeight, outWidth, channels, multiplier] -> [outHeight, outWidth, channels * batch, multiplier]
    let kernel = scope.reshape(dy, [batch, outHeight, outWidth, channels, multiplier]);
    kernel = scope.transpose(kernel, [1, 2, 3, 0, 4]);
    kernel = scope.reshape(kernel, [outHeight, outWidth, channels * batch, multiplier]);
    // [1, filterHeight, filterWidth, channels * batch * multiplier]
    const perSample = scope.run('DepthwiseConv2dNative', { x: image, filter: kernel }, {
      strides: [info.dilationHeight, info.dilationWidth],
      dilations: [info.strideHeight, info.strideWidth],
      pad: explicitPadding(padding),
      dimRoundingMode: undefined,
    } as unknown as Record<string, never>);
    // [filterHeight, filterWidth, channels, batch, multiplier] summed over the batch.
    const split = scope.reshape(perSample, [
      info.filterHeight,
      info.filterWidth,
      channels,
      batch,
      multiplier,
    ]);
    return scope.finish(scope.run('Sum', { x: split }, { axis: [3], keepDims: false }));
  } finally {
    scope.dispose();
  }
}

/** Kernel config of {@link depthwiseBackpropFilter} for the `wasm` backend. */
export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as KernelFunc,
};
