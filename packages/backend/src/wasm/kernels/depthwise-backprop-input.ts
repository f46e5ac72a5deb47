import {
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type DepthwiseConv2dNativeBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { depthwiseGeometry } from './convolution-geometry.js';
import { correlationPaddings } from './correlation-padding.js';
import { explicitPadding } from './filter-gradient-padding.js';
import { spreadByStride } from './spread-by-stride.js';

/**
 * The gradient of `depthwiseConv2d` with respect to its input, which stock tfjs-backend-wasm lacks.
 *
 * Built from WASM's own kernels: `dy` is spread out by the stride (zeros in between, through Pad),
 * then correlated with the spatially flipped filter by a stride-1 depthwise convolution, and the
 * channel multiplier is summed away:
 * `dx[b, i, j, c] = sum over kh, kw, m of dy[b, (i + pt - kh*d) / s, (j + pl - kw*d) / s, c*M + m] * W[kh, kw, c, m]`.
 */
function depthwiseBackpropInput(args: {
  inputs: DepthwiseConv2dNativeBackpropInputInputs;
  backend: WasmBackendLike;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const info = depthwiseGeometry(args.attrs.inputShape, filter.shape, args.attrs);
  const [batch, , , outChannels] = dy.shape;
  const channels = info.inChannels;
  const multiplier = outChannels / channels;
  const scope = new KernelScope(args.backend);
  try {
    // [batch, outHeight * strideHeight, outWidth * strideWidth, outChannels], zeros between the rows of dy.
    let spread = spreadByStride(scope, dy, info.strideHeight, info.strideWidth);
    const padding = correlationPaddings(info, spread.shape);
    spread = scope.crop(spread, padding);
    // [filterHeight, filterWidth, channels * multiplier, 1], flipped in space.
    let flipped = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
    flipped = scope.reshape(flipped, [info.filterHeight, info.filterWidth, outChannels, 1]);
    // [batch, height, width, channels * multiplier]
    const perMultiplier = scope.run('DepthwiseConv2dNative', { x: spread, filter: flipped }, {
      strides: [1, 1],
      dilations: [info.dilationHeight, info.dilationWidth],
      pad: explicitPadding(padding),
      dimRoundingMode: undefined,
    } as unknown as Record<string, never>);
    if (multiplier === 1) return scope.finish(perMultiplier);
    const split = scope.reshape(perMultiplier, [batch, info.inHeight, info.inWidth, channels, multiplier]);
    return scope.finish(scope.run('Sum', { x: split }, { axis: [4], keepDims: false }));
  } finally {
    scope.dispose();
  }
}

/** Kernel config of {@link depthwiseBackpropInput} for the `wasm` backend. */
export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as KernelFunc,
};
