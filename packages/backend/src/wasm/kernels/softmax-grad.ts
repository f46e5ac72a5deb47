import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { SOFTMAX_GRAD } from '@tensorfold/core';
import type { WasmBackendLike } from '../kernel-scope.js';

const f32 = Math.fround;

/**
 * Core's {@link SOFTMAX_GRAD} on WASM: per row of the last axis, `t = sum(dy * y)` then
 * `dx = dy * y - t * y`, float32 arithmetic in the stock kernels' order (`Math.fround` after each
 * operation), in JavaScript on the heap: one call instead of tfjs-core's four (multiply, sum,
 * multiply, subtract, with three tensors between them). A classifier's softmax has a few classes per
 * row, where the calls cost more than the arithmetic.
 */
export const softmaxGradConfig: KernelConfig = {
  kernelName: SOFTMAX_GRAD,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend: b }) => {
    const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
    const backend = b as WasmBackendLike;
    const out = backend.makeOutput(y.shape, 'float32'); // [..., classes]
    const classes = y.shape[y.shape.length - 1] ?? 1;
    const size = util.sizeFromShape(y.shape);
    if (size === 0) return out;
    // Views after the last allocation: an allocation may move the heap.
    const d = backend.typedArrayFromHeap(dy) as Float32Array;
    const p = backend.typedArrayFromHeap(y) as Float32Array;
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    for (let at = 0; at < size; at += classes) {
      let t = 0;
      for (let j = at; j < at + classes; j++) {
        const dyTimesY = f32(d[j] * p[j]);
        dx[j] = dyTimesY;
        t = f32(t + dyTimesY);
      }
      for (let j = at; j < at + classes; j++) dx[j] = f32(dx[j] - f32(t * p[j]));
    }
    return out;
  }) as KernelFunc,
};
