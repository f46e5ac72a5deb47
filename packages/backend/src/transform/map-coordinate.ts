import type { TransformFillMode } from './transform-spec.js';

/**
 * Where a sampling coordinate along one axis of `length` pixels reads, for a fill mode, exactly as
 * TensorFlow's `ImageProjectiveTransformV3` maps it: the continuous coordinate is mirrored, wrapped
 * or clamped into `[0, length - 1]` first, and interpolation happens after (so taps never cross a
 * wrap seam). `'constant'` returns the coordinate unchanged: taps outside read the fill value.
 *
 * `'wrap'` follows TensorFlow's kernel, which shifts by whole periods of `length` but decides how
 * many from `length - 1`: within `length - 1` pixels of the image it tiles (`abcd|abcd|abcd`);
 * further out it can land on an edge pixel instead (as TensorFlow does).
 */
export function mapCoordinate(coordinate: number, length: number, fillMode: TransformFillMode): number {
  const last = length - 1;
  switch (fillMode) {
    case 'constant':
      return coordinate;
    case 'nearest':
      return clamp(coordinate, last);
    case 'reflect': {
      if (length <= 1) return 0;
      // Mirrored copies repeat every 2 * length pixels: abcd dcba | abcd dcba.
      const period = 2 * length;
      let u = coordinate % period; // (-period, period)
      if (u < 0) u += period; // [0, period)
      if (u > last) u = period - 1 - u; // the mirrored half
      return clamp(u, last);
    }
    case 'wrap': {
      if (length <= 1) return 0;
      let u = coordinate;
      if (u < 0) u += length * (Math.trunc(-u / last) + 1);
      else if (u > last) u -= length * Math.trunc(u / last);
      return clamp(u, last);
    }
  }
}

/** Rounds to the nearest integer, halves away from zero (C's `round`, which TensorFlow uses). */
export function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

function clamp(value: number, last: number): number {
  return Math.min(Math.max(value, 0), last);
}
