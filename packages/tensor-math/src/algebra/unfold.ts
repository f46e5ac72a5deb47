import { tf } from '@tensorfold/core';
import { assertMinRank, normalizeMode, product } from '../validate.js';

/**
 * Mode-n unfolding (matricization): the `[shape[mode], rest]` matrix whose rows are the mode-`mode`
 * fibres' positions, TensorLy's convention: move `mode` to the front, then reshape in C order (the
 * remaining modes keep their order, the last varies fastest).
 *
 * Kolda & Bader order the columns the other way (Fortran order). Both are valid unfoldings; this
 * package's {@link khatriRao}, {@link fold} and the decompositions all use the C-order one.
 *
 * @param tensor Any tensor of order >= 1, `[n0, ..., nN-1]`.
 * @param mode The mode to unfold along (negative counts from the end).
 * @returns `[n_mode, ∏_{k≠mode} n_k]`
 *
 * @example
 * unfold(x, 1); // x: [2, 3, 4] -> [3, 8]
 */
export function unfold(tensor: tf.Tensor, mode: number): tf.Tensor2D {
  assertMinRank(tensor, 1, 'unfold() tensor');
  const m = normalizeMode(mode, tensor.rank);
  const rows = tensor.shape[m];
  const columns = product(tensor.shape) / Math.max(rows, 1);
  return tf.tidy(() => {
    if (m === 0) return tf.reshape(tensor, [rows, columns]);
    const order = [m, ...tensor.shape.map((_, i) => i).filter((i) => i !== m)];
    // [n_mode, n0, ..., n_{mode-1}, n_{mode+1}, ...] -> [n_mode, rest]
    return tf.reshape(tf.transpose(tensor, order), [rows, columns]);
  });
}
