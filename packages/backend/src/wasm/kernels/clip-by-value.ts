import {
  ClipByValue,
  type ClipByValueAttrs,
  type ClipByValueInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';
import { simdKernels } from '../simd/simd-kernels.js';

/**
 * `clipByValue` that keeps NaN, as the CPU and WebGPU backends do. Stock tfjs-backend-wasm 4.22 runs
 * XNNPACK's clamp, which turns NaN into the lower bound: a loss that clips its predictions (every
 * cross-entropy does, to stay away from log 0) then stays finite while the weights fill with NaN,
 * and the training loop's NaN check never fires. Stock also leaves int32 values above the upper
 * bound. Float32 tensors run on tensorfold's SIMD kernel where it runs; the others, and float32
 * without it, in one JavaScript pass (`Math.min` and `Math.max` keep NaN too).
 */
function clipByValue(args: {
  inputs: ClipByValueInputs;
  backend: WasmBackendLike;
  attrs: ClipByValueAttrs;
}): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const { clipValueMin: lo, clipValueMax: hi } = args.attrs;
  const { backend } = args;
  const out = backend.makeOutput(x.shape, x.dtype);
  // Views after the last allocation: an allocation may move the heap.
  const values = backend.typedArrayFromHeap(x);
  const result = backend.typedArrayFromHeap(out);
  const size = util.sizeFromShape(x.shape);
  const simd = x.dtype === 'float32' ? simdKernels(backend) : null;
  if (simd != null) {
    simd.clip(values.byteOffset, result.byteOffset, size, lo, hi);
  } else {
    for (let i = 0; i < size; i++) result[i] = Math.min(Math.max(values[i], lo), hi);
  }
  return out;
}

/** Kernel config of {@link clipByValue} for the `wasm` backend (replaces the stock one). */
export const clipByValueConfig: KernelConfig = {
  kernelName: ClipByValue,
  backendName: 'wasm',
  kernelFunc: clipByValue as unknown as KernelFunc,
};
