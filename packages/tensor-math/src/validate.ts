/**
 * Argument checks shared by every op. Each throws a typed error from core whose message names the
 * disagreeing dimensions and says what to pass instead; none of them touches a tensor's data.
 */
import { ConfigError, ShapeError, type tf } from '@tensorfold/core';

/** `[2, 3, 4]` as `2x3x4` (a scalar's empty shape as `scalar`). */
export function describeShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('x');
}

/** Throws a {@link ShapeError} unless `tensor` has exactly `rank` dimensions. */
export function assertRank(tensor: tf.Tensor, rank: number, what: string, hint = ''): void {
  if (tensor.rank !== rank) {
    const kind = rank === 1 ? 'a vector' : rank === 2 ? 'a matrix' : `an order-${rank} tensor`;
    throw new ShapeError(
      `${what} must be ${kind} (rank ${rank}) but has shape ${describeShape(tensor.shape)} (rank ${tensor.rank}).${hint ? ` ${hint}` : ''}`,
    );
  }
}

/** Throws a {@link ShapeError} when a matrix has no rows or no columns (`[0, n]`, `[m, 0]`). */
export function assertNonEmptyMatrix(matrix: tf.Tensor, what: string): void {
  if (matrix.shape.some((n) => n === 0)) {
    throw new ShapeError(
      `${what} is ${describeShape(matrix.shape)}: a matrix needs at least one row and one column.`,
    );
  }
}

/** Throws a {@link ShapeError} unless `tensor` has at least `rank` dimensions. */
export function assertMinRank(tensor: tf.Tensor, rank: number, what: string): void {
  if (tensor.rank < rank) {
    throw new ShapeError(
      `${what} must have at least ${rank} dimensions but has shape ${describeShape(tensor.shape)}. Reshape it (tf.reshape) or pass a higher-order tensor.`,
    );
  }
}

/**
 * Checks that `mode` indexes one of `order` dimensions and returns it as a non-negative index
 * (negative modes count from the end, as in NumPy).
 */
export function normalizeMode(mode: number, order: number, what = 'mode'): number {
  if (!Number.isInteger(mode) || mode < -order || mode >= order) {
    throw new ConfigError(
      `${what} ${mode} is out of range for an order-${order} tensor: pass an integer from 0 to ${order - 1} (or -${order} to -1 to count from the end).`,
    );
  }
  return mode < 0 ? mode + order : mode;
}

/** Throws a {@link ConfigError} unless `value` is an integer >= `min`. */
export function assertInteger(value: number, min: number, what: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${what} must be an integer >= ${min}, got ${value}.`);
  }
}

/** Throws a {@link ConfigError} unless `value` is a finite number >= 0. */
export function assertNonNegative(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${what} must be a finite number >= 0, got ${value}.`);
  }
}

/** Throws a {@link ConfigError} when a list that needs at least `min` entries is shorter. */
export function assertCount(count: number, min: number, what: string): void {
  if (count < min) throw new ConfigError(`${what} needs at least ${min}, got ${count}.`);
}

/** Throws a {@link ConfigError} unless `tensor` holds floating-point values (float32). */
export function assertFloat(tensor: tf.Tensor, what: string): void {
  if (tensor.dtype !== 'float32') {
    throw new ConfigError(
      `${what} must be float32 but is ${tensor.dtype}: convert it with tf.cast(x, 'float32').`,
    );
  }
}

/** The product of `dims` (1 for none). */
export function product(dims: readonly number[]): number {
  let p = 1;
  for (const d of dims) p *= d;
  return p;
}
