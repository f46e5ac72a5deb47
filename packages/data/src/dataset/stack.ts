/**
 * Stacking dataset elements into a batch: leaves at the same place in each element become one tensor
 * with a new first (batch) dimension.
 */

import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '@tensorfold/core';
import { isPlainObject, isTypedArray, type TypedArray } from './element.js';

/** What `batch()` turns an element type into: every leaf becomes a tensor with a batch dimension. */
export type Batched<T> = T extends tf.Tensor
  ? tf.Tensor
  : T extends number | boolean | TypedArray
    ? tf.Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Batched<T[K]> }
      : T extends object
        ? { [K in keyof T]: Batched<T[K]> }
        : never;

/**
 * Stacks elements of the same structure into one batch element (new tensors; the inputs are left
 * alone). Tensors are stacked, numbers and booleans become a 1-D tensor, typed arrays a 2-D tensor.
 *
 * @throws DataError when the elements differ in structure or a leaf's shape differs.
 */
export function stackElements<T>(elements: readonly T[]): Batched<T> {
  if (elements.length === 0) throw new DataError('Cannot stack an empty list of elements into a batch.');
  return tf.tidy(
    () => stackAt(elements as readonly unknown[], 'element') as tf.TensorContainer,
  ) as Batched<T>;
}

function stackAt(values: readonly unknown[], path: string): unknown {
  const first = values[0];
  if (Array.isArray(first)) {
    values.forEach((v, i) => {
      if (!Array.isArray(v) || v.length !== first.length) {
        throw new DataError(
          `Batch item ${i} has a different structure at ${path} (expected an array of ${first.length}); every element of a dataset must have the same structure.`,
        );
      }
    });
    return first.map((_, j) =>
      stackAt(
        values.map((v) => (v as unknown[])[j]),
        `${path}[${j}]`,
      ),
    );
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    values.forEach((v, i) => {
      if (!isPlainObject(v) || keys.some((k) => !(k in v)) || Object.keys(v).length !== keys.length) {
        throw new DataError(
          `Batch item ${i} has different keys at ${path} (expected ${keys.join(', ')}); every element of a dataset must have the same structure.`,
        );
      }
    });
    for (const k of keys)
      out[k] = stackAt(
        values.map((v) => (v as Record<string, unknown>)[k]),
        `${path}.${k}`,
      );
    return out;
  }
  if (first instanceof tf.Tensor) {
    values.forEach((v, i) => {
      if (
        !(v instanceof tf.Tensor) ||
        !tf.util.arraysEqual(v.shape, first.shape) ||
        v.dtype !== first.dtype
      ) {
        const got = v instanceof tf.Tensor ? `${v.dtype} [${v.shape.join(', ')}]` : typeof v;
        throw new DataError(
          `Batch item ${i} at ${path} is ${got} but item 0 is ${first.dtype} [${first.shape.join(', ')}]; resize or pad the elements (padSequences, resize) before batch().`,
        );
      }
    });
    return tf.stack(values as tf.Tensor[]);
  }
  if (typeof first === 'number' || typeof first === 'boolean') {
    if (values.some((v) => typeof v !== typeof first))
      throw new DataError(`Batch items at ${path} mix ${typeof first} with other types.`);
    return typeof first === 'number'
      ? tf.tensor1d(values as number[], 'float32')
      : tf.tensor1d(values as boolean[], 'bool');
  }
  if (isTypedArray(first)) {
    const length = first.length;
    const out = new Float32Array(values.length * length);
    values.forEach((v, i) => {
      if (!isTypedArray(v) || v.length !== length)
        throw new DataError(
          `Batch item ${i} at ${path} is not a typed array of length ${length}; pad the elements first.`,
        );
      out.set(v as ArrayLike<number>, i * length);
    });
    return tf.tensor2d(out, [values.length, length]);
  }
  throw new DataError(
    `Cannot batch a ${first === null ? 'null' : typeof first} at ${path}; map elements to tensors, numbers or typed arrays before batch().`,
  );
}
