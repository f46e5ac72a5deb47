import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { SPARSE_ACCURACY_UPDATE } from '@tensorfold/core';
import type { WasmBackendLike } from '../kernel-scope.js';

/**
 * The index of the first maximum of `classes` values at `at` in `p`, as the stock `ArgMax` picks it:
 * the first value, then each value greater than the best so far (a NaN is never greater).
 */
function argMaxAt(p: Float32Array, at: number, classes: number): number {
  let best = p[at];
  let index = 0;
  for (let j = 1; j < classes; j++) {
    if (p[at + j] > best) {
      best = p[at + j];
      index = j;
    }
  }
  return index;
}

/**
 * Core's {@link SPARSE_ACCURACY_UPDATE} on WASM: one pass over the rows in JavaScript (a class of
 * argmax per row, compared with its id), then `total + right` and `count + rows` in float32: the stock
 * `ArgMax`, `Equal`, `Cast`, `Sum` and two `Add`s in one call (the counts are whole numbers, exact).
 */
export const sparseAccuracyUpdateConfig: KernelConfig = {
  kernelName: SPARSE_ACCURACY_UPDATE,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend: b }) => {
    const { labels, yPred, total, count } = inputs as Record<string, TensorInfo>;
    const backend = b as WasmBackendLike;
    const [rows, classes] = yPred.shape;
    const outputs = [backend.makeOutput([], 'float32'), backend.makeOutput([], 'float32')];
    // Views after the last allocation: an allocation may move the heap.
    const ids = backend.typedArrayFromHeap(labels) as Int32Array;
    const p = backend.typedArrayFromHeap(yPred) as Float32Array;
    let right = 0;
    for (let r = 0, at = 0; r < rows; r++, at += classes) if (argMaxAt(p, at, classes) === ids[r]) right++;
    const [newTotal, newCount] = outputs.map((t) => backend.typedArrayFromHeap(t) as Float32Array);
    newTotal[0] = Math.fround((backend.typedArrayFromHeap(total) as Float32Array)[0] + right);
    newCount[0] = Math.fround((backend.typedArrayFromHeap(count) as Float32Array)[0] + rows);
    return outputs;
  }) as KernelFunc,
};
