import { DataError, tf } from '@tensorfold/core';
import { readScalar } from '../linalg/host-matrix.js';

/** The floor that keeps multiplicative updates away from division by zero (TensorLy's `epsilon`). */
export const MULTIPLICATIVE_EPSILON = 1e-12;

/** Throws a {@link DataError} when `tensor` has a negative entry (one read of its minimum). */
export async function assertNonNegativeTensor(tensor: tf.Tensor, what: string): Promise<void> {
  const minimum = await readScalar(tf.min(tensor));
  if (minimum < 0) {
    throw new DataError(
      `${what} needs a tensor with no negative entries, but its minimum is ${minimum}. Shift or clip it (tf.relu), or use the unconstrained decomposition.`,
    );
  }
}
