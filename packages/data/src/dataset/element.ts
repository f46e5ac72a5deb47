/**
 * Dataset elements: any nesting of arrays and plain objects whose leaves are tensors, numbers,
 * booleans, strings or typed arrays. These helpers walk that structure to find, copy and free the
 * tensors in it.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Typed arrays a dataset element may hold (a 1-D vector per element). */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Uint8ClampedArray;

/** Whether `x` is a plain object (a container), not a class instance such as a tensor. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Whether `x` is one of the typed arrays in {@link TypedArray}. */
export function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** Every tensor in an element, depth first. */
export function tensorsIn(element: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (element instanceof tf.Tensor) out.push(element);
  else if (Array.isArray(element)) for (const e of element) tensorsIn(e, out);
  else if (isPlainObject(element)) for (const e of Object.values(element)) tensorsIn(e, out);
  return out;
}

/** Disposes every tensor in an element (ignores tensors already disposed). */
export function disposeElement(element: unknown): void {
  for (const t of tensorsIn(element)) if (!t.isDisposed) t.dispose();
}

/** Disposes the tensors of `input` that do not appear in `output` (what a map step consumed). */
export function disposeConsumed(input: unknown, output: unknown): void {
  const kept = new Set(tensorsIn(output));
  for (const t of tensorsIn(input)) if (!kept.has(t) && !t.isDisposed) t.dispose();
}

/** The same structure with every leaf replaced by `fn(leaf)`. */
export function mapLeaves(
  element: unknown,
  fn: (leaf: unknown, path: string) => unknown,
  path = '',
): unknown {
  if (Array.isArray(element)) return element.map((e, i) => mapLeaves(e, fn, `${path}[${i}]`));
  if (isPlainObject(element)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(element)) out[k] = mapLeaves(v, fn, path ? `${path}.${k}` : k);
    return out;
  }
  return fn(element, path);
}

/** A copy whose tensors are new handles on the same data (`tf.clone`: no data is copied). */
export function cloneElement<T>(element: T): T {
  return mapLeaves(element, (leaf) => (leaf instanceof tf.Tensor ? tf.clone(leaf) : leaf)) as T;
}
