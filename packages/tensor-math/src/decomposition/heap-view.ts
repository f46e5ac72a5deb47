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
 * A float32 tensor's values as a view of the WASM heap (also a kernel output that is not a tensor,
 * see `runKernelDirectly`), or null off WASM. Read it at once, in the same synchronous stretch: the
 * next allocation on the heap may grow it and detach the view, and across an `await` other code may
 * allocate. Never write it.
 */
export function heapView(tensor: tf.TensorInfo): Float32Array | null {
  // callers: `heapView(t) ?? (await t.data())`, which awaits nothing where the view exists
  return heapBackend()?.typedArrayFromHeap(tensor) ?? null;
}
