import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';
import { maxPoolPairsKernel } from '../simd/max-pool-pairs.js';
import { isTiledByPairs } from './convolution-geometry.js';

/**
 * `MaxPool` over 2x2 windows at stride 2 inside the image, with a multiple of 4 channels, by
 * tensorfold's SIMD kernel (max-pool-pairs.wat); every other pooling goes to `stock`. Same values as the CPU
 * backend (a NaN is passed over, as it compares). LeNet-5's first pool (64x28x28x8): 0.06 ms against
 * stock's 0.18-0.21 (`pnpm bench backend-kernels`, one thread).
 */
export function maxPoolPairsConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolAttrs;
    const backend = args.backend as WasmBackendLike;
    if (x.dtype !== 'float32' || x.shape.length !== 4 || util.sizeFromShape(x.shape) === 0) {
      return stock.kernelFunc(args);
    }
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    // No window (an image smaller than the pool): stock traps on the empty output.
    if (util.sizeFromShape(info.outShape) === 0) return backend.makeOutput(info.outShape, 'float32');
    const kernel = isTiledByPairs(info) && info.inChannels % 4 === 0 ? maxPoolPairsKernel(backend) : null;
    if (kernel == null) return stock.kernelFunc(args);
    const out = backend.makeOutput(info.outShape, 'float32');
    // Views after the last allocation: an allocation may move the heap.
    kernel.maxPoolPairs(
      (backend.typedArrayFromHeap(x) as Float32Array).byteOffset,
      (backend.typedArrayFromHeap(out) as Float32Array).byteOffset,
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
    );
    return out;
  };
  return { ...stock, kernelFunc };
}
