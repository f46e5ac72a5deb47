/**
 * `Σ x²` of a tensor with little float32 round-off. A single tfjs `sum` adds every value into one
 * float32 accumulator in turn (on WASM a million squares came out about 6e-4 low, enough to move a
 * recorded relative error in its fourth digit); here the leading axes are summed one at a time
 * (float32 sums of `n_k` values each) until at most {@link HOST_SUM_SIZE} values are left, which are
 * read back and added in float64.
 */
import { tf } from '@tensorfold/core';

/** The most values summed on the host, in float64. */
export const HOST_SUM_SIZE = 4096;

/**
 * `Σ (a − b)²` (or `Σ a²` without `b`) of two tensors of the same size; `b` is reshaped to `a`'s shape.
 *
 * @param a any shape, float32
 * @param b the same number of values as `a`. Default: none (zeros).
 */
export async function sumOfSquares(a: tf.Tensor, b?: tf.Tensor): Promise<number> {
  const partial = tf.tidy(() => {
    let result = b ? tf.squaredDifference(a, tf.reshape(b, a.shape)) : tf.square(a);
    while (result.size > HOST_SUM_SIZE && result.rank > 1) result = tf.sum(result, 0);
    return result;
  });
  const values = await partial.data();
  partial.dispose();
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}
