import {
  Conv3DBackpropFilterV2,
  type Conv3DBackpropFilterV2Attrs,
  Conv3DBackpropInputV2,
  type Conv3DBackpropInputV2Attrs,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { conv3DGeometry, planePadding } from './conv3d-geometry.js';
import { depthTaps, stackDepthTaps, unstackDepthTaps } from './depth-taps.js';

/**
 * The filter `[fd, fh, fw, ci, co]` as the filter of the equivalent 2D convolution over stacked
 * depth taps (see `stackDepthTaps`): `[fh, fw, fd * ci, co]`.
 */
function stackedFilter(scope: KernelScope, filter: TensorInfo): TensorInfo {
  const [fd, fh, fw, ci, co] = filter.shape;
  return scope.reshape(scope.transpose(filter, [1, 2, 0, 3, 4]), [fh, fw, fd * ci, co]);
}

/**
 * The gradient of `conv3d` with respect to its input (also the forward pass of `conv3dTranspose`).
 *
 * Stock tfjs-backend-wasm 4.22 computes it wrongly. Here the 3D convolution is seen as a 2D
 * convolution of the input's depth taps stacked on the channel axis (see `stackDepthTaps`) with the
 * filter reshaped to match: the gradient of that 2D convolution (tensorfold's XNNPACK
 * `Conv2DBackpropInput`) is taken with respect to the stacked taps, and each tap is then added back
 * to the depth it was read from (`unstackDepthTaps`, one pass on the WASM heap).
 */
function conv3DBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackendLike;
  attrs: Conv3DBackpropInputV2Attrs;
}): TensorInfo {
  const { dy, filter } = args.inputs;
  const { strides, pad, inputShape } = args.attrs;
  const info = conv3DGeometry(inputShape, filter.shape, strides, pad);
  const taps = depthTaps(info);
  const scope = new KernelScope(args.backend);
  try {
    const { batchSize, outDepth, outHeight, outWidth, outChannels, inHeight, inWidth, inChannels } = info;
    // [batch * outDepth, outHeight, outWidth, outChannels]
    const dy4 = scope.reshape(dy, [batchSize * outDepth, outHeight, outWidth, outChannels]);
    // [batch * outDepth, inHeight, inWidth, filterDepth * inChannels]
    const stackedGradient = scope.run(
      'Conv2DBackpropInput',
      { dy: dy4, filter: stackedFilter(scope, filter) },
      {
        inputShape: [batchSize * outDepth, inHeight, inWidth, info.filterDepth * inChannels],
        strides: [info.strideHeight, info.strideWidth],
        pad: planePadding(info),
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
      } as unknown as NamedAttrMap,
    );
    const dx = scope.allocate([...inputShape], 'float32'); // [batch, inDepth, inHeight, inWidth, inChannels]
    const heap = args.backend;
    unstackDepthTaps(
      heap.typedArrayFromHeap(stackedGradient) as Float32Array,
      taps,
      heap.typedArrayFromHeap(dx) as Float32Array,
    );
    return scope.finish(dx);
  } finally {
    scope.dispose();
  }
}

/**
 * The gradient of `conv3d` with respect to its filter. Stock tfjs-backend-wasm 4.22 computes it
 * wrongly for strides above 1. Here it is the filter gradient of the equivalent 2D convolution over
 * stacked depth taps (see `stackDepthTaps`; tensorfold's `Conv2DBackpropFilter`), reshaped back to
 * `[fd, fh, fw, ci, co]`.
 */
function conv3DBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackendLike;
  attrs: Conv3DBackpropFilterV2Attrs;
}): TensorInfo {
  const { x, dy } = args.inputs;
  const { strides, pad, filterShape } = args.attrs;
  const info = conv3DGeometry(x.shape, filterShape, strides, pad);
  const [fd, fh, fw, ci, co] = filterShape;
  const scope = new KernelScope(args.backend);
  try {
    const { batchSize, outDepth, outHeight, outWidth, inHeight, inWidth } = info;
    // [batch * outDepth, inHeight, inWidth, fd * ci]
    const stacked = scope.allocate([batchSize * outDepth, inHeight, inWidth, fd * ci], 'float32');
    const heap = args.backend;
    stackDepthTaps(
      heap.typedArrayFromHeap(x) as Float32Array,
      depthTaps(info),
      heap.typedArrayFromHeap(stacked) as Float32Array,
    );
    const dy4 = scope.reshape(dy, [batchSize * outDepth, outHeight, outWidth, co]);
    // [fh, fw, fd * ci, co]
    const stackedGradient = scope.run('Conv2DBackpropFilter', { x: stacked, dy: dy4 }, {
      filterShape: [fh, fw, fd * ci, co],
      strides: [info.strideHeight, info.strideWidth],
      pad: planePadding(info),
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    } as unknown as NamedAttrMap);
    // [fd, fh, fw, ci, co]
    return scope.finish(
      scope.transpose(scope.reshape(stackedGradient, [fh, fw, fd, ci, co]), [2, 0, 1, 3, 4]),
    );
  } finally {
    scope.dispose();
  }
}

/** Kernel config of {@link conv3DBackpropInput} for the `wasm` backend (replaces the stock one). */
export const conv3DBackpropInputConfig: KernelConfig = {
  kernelName: Conv3DBackpropInputV2,
  backendName: 'wasm',
  kernelFunc: conv3DBackpropInput as unknown as KernelFunc,
};

/** Kernel config of {@link conv3DBackpropFilter} for the `wasm` backend (replaces the stock one). */
export const conv3DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv3DBackpropFilterV2,
  backendName: 'wasm',
  kernelFunc: conv3DBackpropFilter as unknown as KernelFunc,
};
