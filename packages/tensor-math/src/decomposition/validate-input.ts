import { assertConfig, DataError, ShapeError, type tf } from '@tensorfold/core';
import { assertFloat, describeShape } from '../validate.js';

/** Checks a tensor handed to a decomposition: float32, order >= 2, no empty mode. */
export function assertDecomposable(tensor: tf.Tensor, what: string): void {
  assertFloat(tensor, `${what} input`);
  if (tensor.rank < 2) {
    throw new ShapeError(
      `${what} needs a tensor of order >= 2 but got shape ${describeShape(tensor.shape)}. A vector is its own decomposition; reshape it if you meant a matrix.`,
    );
  }
  if (tensor.shape.some((n) => n === 0)) {
    throw new ShapeError(
      `${what} got an empty tensor (shape ${describeShape(tensor.shape)}); every mode needs size >= 1.`,
    );
  }
}

/** Throws a {@link DataError} when `value` (a relative error, a norm) is not finite. */
export function assertFiniteValue(value: number, what: string): void {
  if (!Number.isFinite(value)) {
    throw new DataError(
      `${what} became ${value}: the input holds NaN or Infinity, or values too large for float32.`,
    );
  }
}

/** Throws a {@link ConfigError} unless the seed is an integer. */
export function assertSeed(seed: number | undefined): void {
  assertConfig(seed === undefined || Number.isInteger(seed), `seed must be an integer, got ${seed}.`);
}
