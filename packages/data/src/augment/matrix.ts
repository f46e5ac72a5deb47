/**
 * 3x3 homogeneous matrices for 2-D image transforms, in pixel coordinates (x = column, y = row).
 * Stored row-major: `[a, b, c, d, e, f, g, h, i]`.
 */
import { ConfigError } from '@tensorfold/core';

/** A 3x3 matrix, row-major. */
export type Matrix3 = [number, number, number, number, number, number, number, number, number];

/** The identity. */
export const IDENTITY: Matrix3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** `a * b` (apply `b` first, then `a`). */
export function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array(9).fill(0) as Matrix3;
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c] += a[r * 3 + k] * b[k * 3 + c];
  return out;
}

/** The inverse of an invertible matrix. @throws ConfigError when the matrix is singular. */
export function invert(m: Matrix3): Matrix3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-12)
    throw new ConfigError('The transform is not invertible (it collapses the image); check zoom and shear.');
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

/** A shift by `(dx, dy)` pixels. */
export function translation(dx: number, dy: number): Matrix3 {
  return [1, 0, dx, 0, 1, dy, 0, 0, 1];
}

/** `m` applied about the point `(cx, cy)` instead of the origin. */
export function about(m: Matrix3, cx: number, cy: number): Matrix3 {
  return multiply(translation(cx, cy), multiply(m, translation(-cx, -cy)));
}

/** A counterclockwise rotation (as seen on screen, rows going down) by `radians`. */
export function rotation(radians: number): Matrix3 {
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  return [c, s, 0, -s, c, 0, 0, 0, 1];
}

/** Scaling by `sx` horizontally and `sy` vertically (> 1 enlarges). */
export function scaling(sx: number, sy: number): Matrix3 {
  return [sx, 0, 0, 0, sy, 0, 0, 0, 1];
}

/** A horizontal shear: `x' = x + tan(radians) * y`. */
export function shear(radians: number): Matrix3 {
  return [1, Math.tan(radians), 0, 0, 1, 0, 0, 0, 1];
}
