import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { RELU_GRAD } from '@tensorfold/core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { reluGradKernel } from '../simd/relu-grad.js';

/**
 * Core's {@link RELU_GRAD} on WASM: `dx = dy * step(y)` in one SIMD pass (relu-grad.wat) instead of
 * stock `Step` then `Multiply` (two passes and a tensor between them), with the CPU backend's values
 * (NaN where `y` is NaN, `dy * 0` elsewhere below or at 0). Where WebAssembly SIMD is missing, it runs
 * those two stock kernels.
 */
export const reluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend: b }) => {
    const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
    const backend = b as WasmBackendLike;
    const kernel = reluGradKernel(backend);
    if (kernel == null) {
      const scope = new KernelScope(backend);
      try {
        return scope.finish(scope.run('Multiply', { a: dy, b: scope.run('Step', { x: y }, { alpha: 0 }) }));
      } finally {
        scope.dispose();
      }
    }
    const dx = backend.makeOutput(dy.shape, 'float32'); // the shape of dy and y
    const size = dy.shape.reduce((a, n) => a * n, 1);
    if (size === 0) return dx;
    // Views after the last allocation: an allocation may move the heap.
    kernel.reluGrad(
      (backend.typedArrayFromHeap(dy) as Float32Array).byteOffset,
      (backend.typedArrayFromHeap(y) as Float32Array).byteOffset,
      (backend.typedArrayFromHeap(dx) as Float32Array).byteOffset,
      size,
    );
    return dx;
  }) as KernelFunc,
};
