import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { MEAN_GRAD } from '@tensorfold/core';
import type { WasmBackendLike } from '../kernel-scope.js';

/**
 * Core's {@link MEAN_GRAD} on WASM: the gradient of a mean over every element, `dy / n` written to each
 * element of `x`'s shape, in JavaScript (one float32 division, then a fill) instead of the stock
 * `Reshape`, `Multiply` by a tensor of ones and `RealDiv` by a scalar tensor. The same bits: `dy * 1` is
 * `dy`, and a float64 quotient of two float32 values rounded to float32 is the float32 quotient.
 */
export const meanGradConfig: KernelConfig = {
  kernelName: MEAN_GRAD,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend: b, attrs }) => {
    const { dy } = inputs as { dy: TensorInfo };
    const { shape, reduceSize } = attrs as unknown as { shape: number[]; reduceSize: number };
    const backend = b as WasmBackendLike;
    const dx = backend.makeOutput(shape, 'float32'); // x's shape
    // Views after the last allocation: an allocation may move the heap.
    const value = (backend.typedArrayFromHeap(dy) as Float32Array)[0];
    (backend.typedArrayFromHeap(dx) as Float32Array).fill(Math.fround(value / Math.fround(reduceSize)));
    return dx;
  }) as KernelFunc,
};
