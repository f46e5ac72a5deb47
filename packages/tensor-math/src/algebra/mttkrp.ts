import { ShapeError, tf } from '@tensorfold/core';
import { khatriRao } from '../products/khatri-rao.js';
import { describeShape, normalizeMode, product } from '../validate.js';

/**
 * The matricized-tensor times Khatri-Rao product (MTTKRP), `unfold(tensor, mode) · khatriRao(factors,
 * {skip: mode})` (TensorLy's `unfolding_dot_khatri_rao` without weights): the heavy step of CP-ALS.
 *
 * Computed without unfolding: the tensor is viewed as `[before, n_mode, after]`, multiplied by the
 * Khatri-Rao product of the factors after `mode` (one matrix product), then contracted with the
 * Khatri-Rao product of the factors before it. Same flops, no transpose of the tensor.
 *
 * @param tensor `[n0, ..., nN-1]`
 * @param factors One `[n_k, R]` matrix per mode (the one at `mode` is not used).
 * @param mode The mode left free.
 * @returns `[n_mode, R]`
 * @throws ShapeError when a factor's row count does not match its mode.
 */
export function mttkrp(tensor: tf.Tensor, factors: readonly tf.Tensor2D[], mode: number): tf.Tensor2D {
  const n = normalizeMode(mode, tensor.rank);
  if (factors.length !== tensor.rank) {
    throw new ShapeError(
      `mttkrp() needs one factor per mode: the tensor (${describeShape(tensor.shape)}) has ${tensor.rank} modes but ${factors.length} factors were given.`,
    );
  }
  factors.forEach((f, k) => {
    if (k !== n && f.shape[0] !== tensor.shape[k]) {
      throw new ShapeError(
        `mttkrp() factor ${k} has ${f.shape[0]} rows but mode ${k} of the tensor (${describeShape(tensor.shape)}) has size ${tensor.shape[k]}.`,
      );
    }
  });
  const rank = factors[(n + 1) % factors.length].shape[1];
  const size = tensor.shape[n];
  const before = product(tensor.shape.slice(0, n));
  const after = product(tensor.shape.slice(n + 1));
  return tf.tidy(() => {
    let partial: tf.Tensor; // [before, n_mode, R]
    if (n < tensor.rank - 1) {
      const right = khatriRao(factors.slice(n + 1)); // [after, R]
      partial = tf.reshape(tf.matMul(tf.reshape(tensor, [before * size, after]), right), [
        before,
        size,
        rank,
      ]);
    } else {
      partial = tf.reshape(tensor, [before, size, 1]);
    }
    if (n === 0) return tf.reshape(partial, [size, rank]) as tf.Tensor2D;
    const left = khatriRao(factors.slice(0, n)); // [before, R]
    if (n === tensor.rank - 1) {
      // Σ_p X[p, i] · L[p, r]  -> [n_mode, R]
      return tf.matMul(tf.reshape(tensor, [before, size]), left, true) as tf.Tensor2D;
    }
    // Σ_p partial[p, i, r] · L[p, r]
    return tf.sum(tf.mul(partial, tf.reshape(left, [before, 1, rank])), 0) as tf.Tensor2D;
  });
}
