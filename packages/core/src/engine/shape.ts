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
