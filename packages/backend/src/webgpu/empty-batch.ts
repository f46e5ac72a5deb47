/**
 * WebGPU convolutions over an empty batch (`[0, h, w, c]`). Stock tfjs-backend-webgpu 4.22 runs
 * Conv2D through im2col and reshapes a product it sized from the filter ("Size(100) must match the
 * product of shape 0,25,4"), so a model called on zero images throws where the CPU and WASM backends
 * return an empty result. Each wrapper answers an empty input without running a program (the result
 * is empty, or the zero filter gradient of no images) and leaves every other call to the stock kernel.
 */

import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  backend_util,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  FusedConv2D,
  type KernelConfig,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';

type ConvAttrs = {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/** A tensor of `shape` holding `size(shape)` zeros (none when `shape` has a 0), made on the GPU backend. */
function zerosOf(backend: unknown, shape: number[], dtype: TensorInfo['dtype']): TensorInfo {
  const values = new Float32Array(util.sizeFromShape(shape));
  return (backend as WebGPUBackend).makeTensorInfo(shape, dtype, values);
}

/** The output shape of a Conv2D of `x` by `filter` with `attrs` (`[batch, outHeight, outWidth, outChannels]` in NHWC). */
function convOutShape(x: TensorInfo, filter: TensorInfo, attrs: ConvAttrs): number[] {
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  return info.outShape;
}

/** `stock` with an empty `x` answered by an empty output of the convolution's shape. */
function forwardConfig(stock: KernelConfig): KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
      if (util.sizeFromShape(x.shape) !== 0) return stock.kernelFunc(args);
      return zerosOf(args.backend, convOutShape(x, filter, args.attrs as unknown as ConvAttrs), x.dtype);
    },
  };
}

/** `stock` (Conv2DBackpropFilter) with an empty `x` or `dy` answered by zeros of the filter's shape. */
function filterGradientConfig(stock: KernelConfig): KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
      if (util.sizeFromShape(x.shape) !== 0 && util.sizeFromShape(dy.shape) !== 0)
        return stock.kernelFunc(args);
      const { filterShape } = args.attrs as { filterShape: number[] };
      return zerosOf(args.backend, [...filterShape], x.dtype);
    },
  };
}

/** `stock` (Conv2DBackpropInput) with an empty `dy` answered by zeros of the input's shape. */
function inputGradientConfig(stock: KernelConfig): KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { dy } = args.inputs as { dy: TensorInfo };
      if (util.sizeFromShape(dy.shape) !== 0) return stock.kernelFunc(args);
      const { inputShape } = args.attrs as { inputShape: number[] };
      return zerosOf(args.backend, [...inputShape], dy.dtype);
    },
  };
}

/** Wrappers of the stock convolution kernels for empty batches, by kernel name. */
export const EMPTY_BATCH_WRAPPERS: Readonly<Record<string, (stock: KernelConfig) => KernelConfig>> = {
  [Conv2D]: forwardConfig,
  [FusedConv2D]: forwardConfig,
  [Conv2DBackpropFilter]: filterGradientConfig,
  [Conv2DBackpropInput]: inputGradientConfig,
};
