import type { Tensor } from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors.js';

/** A tensor shape whose batch (and other unknown) dimensions may be `null`, e.g. `[null, 28, 28, 1]`. */
export type Shape = Array<number | null>;

/** Formats a shape the way Keras prints it: `(None, 28, 28, 1)`. */
export function formatShape(shape: Shape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** Whether `value` is a list of shapes rather than a single shape. */
export function isShapeList(value: Shape | Shape[]): value is Shape[] {
  return value.length > 0 && Array.isArray(value[0]);
}

/** The single shape of `value`, or a ShapeError naming `who` if it is a list. */
export function singleShape(value: Shape | Shape[], who: string): Shape {
  if (isShapeList(value)) {
    if (value.length === 1) return value[0];
    throw new ShapeError(`${who} takes one input but got ${value.length}; pass a single tensor.`);
  }
  return value;
}

/** `value` as a list of shapes. */
export function shapeList(value: Shape | Shape[]): Shape[] {
  return isShapeList(value) ? value : [value];
}

/** The product of the known dimensions, or null if any is unknown. */
export function sizeOf(shape: Shape): number | null {
  let n = 1;
  for (const d of shape) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

/**
 * Checks that a concrete tensor fits an expected shape (null matches any size).
 * @throws ShapeError naming `who`, both shapes and the first mismatching axis.
 */
export function assertCompatible(expected: Shape, actual: readonly number[], who: string): void {
  if (expected.length !== actual.length) {
    throw new ShapeError(
      `${who} expects rank ${expected.length} input ${formatShape(expected)} but got rank ${actual.length} ${formatShape([...actual])}. ` +
        'Reshape the data or change the input shape of the model.',
    );
  }
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (e !== null && e !== actual[i]) {
      throw new ShapeError(
        `${who} expects shape ${formatShape(expected)} but got ${formatShape([...actual])} (axis ${i}: ${e} vs ${actual[i]}). ` +
          'Check the data layout (e.g. channels last: [batch, height, width, channels]) or the model input shape.',
      );
    }
  }
}

/** The shape of a concrete tensor with its batch dimension set to null. */
export function batchlessShape(t: Tensor): Shape {
  return [null, ...t.shape.slice(1)];
}
