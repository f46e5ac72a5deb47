/**
 * Reading a tensor's values without a copy where the backend allows it: on WASM a tensor lives on the
 * module's heap, and tfjs-backend-wasm shows it as a typed-array view (`data()` would slice a new
 * buffer each call: for a 64^3 tensor 1 MB, for CP-ALS's small results one more array a sweep).
 */
import { tf } from '@tensorfold/core';

/** The part of tfjs-backend-wasm's backend that shows a tensor's memory. */
export interface HeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * The active backend where it shows a tensor's memory as a view (`wasm`: the view is the tensor
 * itself, valid until the next allocation on the heap), else null.
 */
export function heapBackend(): HeapBackend | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  return typeof backend.typedArrayFromHeap === 'function' ? (backend as HeapBackend) : null;
}

/**
 * A float32 tensor's values: on WASM a view of its memory (read it before the next tensor is made;
 * never write it), also of a kernel output that is not a tensor (`runKernelDirectly`); elsewhere
 * `await data()`.
 */
export async function float32Values(tensor: tf.TensorInfo): Promise<Float32Array> {
  const heap = heapBackend();
  if (heap !== null) return heap.typedArrayFromHeap(tensor);
  return (await (tensor as tf.Tensor).data()) as Float32Array; // off WASM every result is a tensor
}
