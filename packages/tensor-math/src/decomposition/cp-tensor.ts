import { ShapeError, tf } from '@tensorfold/core';
import { khatriRao } from '../products/khatri-rao.js';
import { describeShape } from '../validate.js';
import { type Decomposition, denseSize, type FitHistory } from './decomposition.js';

/**
 * A tensor in CP (canonical polyadic) form, `Σ_r w_r · a_r^(1) ∘ a_r^(2) ∘ ... ∘ a_r^(N)` (seed text,
 * eq. 5, with the weights TensorLy's `CPTensor` carries). It owns its tensors: `dispose()` frees them.
 */
export class CPTensor implements Decomposition {
  /** `[R]` weight of each rank-one term. */
  readonly weights: tf.Tensor1D;
  /** One `[n_k, R]` factor matrix per mode. */
  readonly factors: tf.Tensor2D[];
  readonly history?: FitHistory;

  /**
   * @throws ShapeError when the factors' column counts or the weights' length disagree.
   */
  constructor(weights: tf.Tensor1D, factors: tf.Tensor2D[], history?: FitHistory) {
    if (factors.length === 0) throw new ShapeError('A CPTensor needs at least one factor matrix.');
    const rank = factors[0].shape[1];
    factors.forEach((f, k) => {
      if (f.rank !== 2 || f.shape[1] !== rank) {
        throw new ShapeError(
          `CPTensor factor ${k} has shape ${describeShape(f.shape)} but factor 0 has ${rank} columns: every factor must be [n_k, ${rank}].`,
        );
      }
    });
    if (weights.rank !== 1 || weights.shape[0] !== rank) {
      throw new ShapeError(
        `CPTensor weights have shape ${describeShape(weights.shape)}; expected [${rank}] (one per column).`,
      );
    }
    this.weights = weights;
    this.factors = factors;
    this.history = history;
  }

  /** The dense shape `[n_1, ..., n_N]`. */
  get shape(): number[] {
    return this.factors.map((f) => f.shape[0]);
  }

  /** The number of rank-one terms `R`. */
  get rank(): number {
    return this.factors[0].shape[1];
  }

  /** `R + Σ_k n_k·R`. */
  parameterCount(): number {
    return this.rank + this.factors.reduce((sum, f) => sum + f.size, 0);
  }

  compressionRatio(): number {
    return denseSize(this.shape) / this.parameterCount();
  }

  /** The dense tensor (see {@link cpToTensor}). */
  toTensor(): tf.Tensor {
    return cpToTensor(this);
  }

  dispose(): void {
    this.weights.dispose();
    for (const f of this.factors) f.dispose();
  }
}

/**
 * Rebuilds the dense tensor of a CP decomposition (TensorLy's `cp_to_tensor`): one matrix product,
 * `unfold(X, 0) = (A_1 · diag(w)) · khatriRao([A_2, ..., A_N])ᵀ`, then a reshape.
 *
 * @param cp The weights and factors (`[R]`, `[n_k, R]`).
 * @returns `[n_1, ..., n_N]`
 */
export function cpToTensor(cp: { weights: tf.Tensor1D; factors: readonly tf.Tensor2D[] }): tf.Tensor {
  const shape = cp.factors.map((f) => f.shape[0]);
  return tf.tidy(() => {
    const first = tf.mul(cp.factors[0], cp.weights); // [n_1, R]
    if (cp.factors.length === 1) return tf.sum(first, 1);
    const rest = khatriRao(cp.factors.slice(1)); // [n_2·...·n_N, R]
    return tf.reshape(tf.matMul(first, rest, false, true), shape);
  });
}
