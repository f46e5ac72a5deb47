import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { RELU_GRAD, RELU_GRAD_SUMS } from '@tensorfold/core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { reluGradKernel } from '../simd/relu-grad.js';
import { BLOCK_ROWS } from './leading-axes-sum.js';

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

/**
 * Core's {@link RELU_GRAD_SUMS} on WASM: `dx` as {@link reluGradConfig} gives it and its sums over the
 * leading axes (a dense relu layer's bias gradient) in one SIMD pass (relu-grad.wat's `reluGradSums`),
 * instead of `RELU_GRAD` then `Sum`, which reads `dx` again. The sums add the rows in order as `Sum`'s
 * one-pass column sums do (leading-axes-sum.ts), so the bits are the same. Where that pass is not how
 * `Sum` would add (more than {@link BLOCK_ROWS} rows: `Sum` adds blocks of rows), or where WebAssembly
 * SIMD is missing, it runs the two kernels.
 */
export const reluGradSumsConfig: KernelConfig = {
  kernelName: RELU_GRAD_SUMS,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend: b }) => {
    const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
    const backend = b as WasmBackendLike;
    const cols = dy.shape[dy.shape.length - 1];
    const size = dy.shape.reduce((a, n) => a * n, 1);
    const rows = cols === 0 ? 0 : size / cols;
    const kernel = reluGradKernel(backend);
    if (kernel == null || rows > BLOCK_ROWS || size === 0) {
      const dx = reluGradConfig.kernelFunc({ inputs, backend, attrs: {} }) as TensorInfo;
      try {
        const sum = new KernelScope(backend).kernel('Sum'); // (its error names the fix where it is missing)
        const axis = dy.shape.slice(0, -1).map((_, i) => i);
        return [
          dx,
          sum.kernelFunc({ inputs: { x: dx }, backend, attrs: { axis, keepDims: false } }) as TensorInfo,
        ];
      } catch (error) {
        backend.disposeData(dx.dataId);
        throw error;
      }
    }
    const dx = backend.makeOutput(dy.shape, 'float32'); // the shape of dy and y
    const sums = backend.makeOutput([cols], 'float32');
    // Views after the last allocation: an allocation may move the heap.
    const at = (t: TensorInfo) => (backend.typedArrayFromHeap(t) as Float32Array).byteOffset;
    kernel.reluGradSums(at(dy), at(y), at(dx), at(sums), rows, cols);
    return [dx, sums];
  }) as KernelFunc,
};
