import { ShapeError, tf } from '@tensorfold/core';
import { describeShape } from '../validate.js';
import { type Decomposition, denseSize, type FitHistory } from './decomposition.js';

/**
 * A tensor in tensor-train (matrix product state) form: third-order cores `G_k` of shape
 * `[r_{k-1}, n_k, r_k]` with `r_0 = r_N = 1`, and `X[i_1, ..., i_N] = G_1[:, i_1, :] · ... · G_N[:, i_N, :]`.
 * It owns its tensors: `dispose()` frees them.
 */
export class TTTensor implements Decomposition {
  /** The cores, `[r_{k-1}, n_k, r_k]`. */
  readonly cores: tf.Tensor3D[];
  readonly history?: FitHistory;

  /** @throws ShapeError when a core is not third-order, the ranks do not chain, or the end ranks are not 1. */
  constructor(cores: tf.Tensor3D[], history?: FitHistory) {
    if (cores.length === 0) throw new ShapeError('A TTTensor needs at least one core.');
    cores.forEach((c, k) => {
      if (c.rank !== 3) {
        throw new ShapeError(
          `TT core ${k} has shape ${describeShape(c.shape)}; cores are third-order [r_${k}, n_${k + 1}, r_${k + 1}].`,
        );
      }
      const previous = k === 0 ? 1 : cores[k - 1].shape[2];
      if (c.shape[0] !== previous) {
        throw new ShapeError(
          `TT core ${k} (${describeShape(c.shape)}) starts with rank ${c.shape[0]} but ${k === 0 ? 'the first rank must be 1' : `core ${k - 1} ends with ${previous}`}.`,
        );
      }
    });
    const last = cores[cores.length - 1];
    if (last.shape[2] !== 1) {
      throw new ShapeError(`The last TT core (${describeShape(last.shape)}) must end with rank 1.`);
    }
    this.cores = cores;
    this.history = history;
  }

  /** The dense shape `[n_1, ..., n_N]`. */
  get shape(): number[] {
    return this.cores.map((c) => c.shape[1]);
  }

  /** The TT ranks `[1, r_1, ..., r_{N-1}, 1]`. */
  get ranks(): number[] {
    return [1, ...this.cores.map((c) => c.shape[2])];
  }

  /** `Σ r_{k-1}·n_k·r_k`. */
  parameterCount(): number {
    return this.cores.reduce((sum, c) => sum + c.size, 0);
  }

  compressionRatio(): number {
    return denseSize(this.shape) / this.parameterCount();
  }

  /** The dense tensor (see {@link ttToTensor}). */
  toTensor(): tf.Tensor {
    return ttToTensor(this);
  }

  dispose(): void {
    for (const c of this.cores) c.dispose();
  }
}

/**
 * Rebuilds the dense tensor of a tensor train (TensorLy's `tt_to_tensor`): a chain of matrix products,
 * left to right.
 *
 * @returns `[n_1, ..., n_N]`
 */
export function ttToTensor(tt: { cores: readonly tf.Tensor3D[] }): tf.Tensor {
  const shape = tt.cores.map((c) => c.shape[1]);
  return tf.tidy(() => {
    const [, n0, r0] = tt.cores[0].shape;
    let result: tf.Tensor2D = tf.reshape(tt.cores[0], [n0, r0]); // [n_1, r_1]
    for (let k = 1; k < tt.cores.length; k++) {
      const [rank, n, next] = tt.cores[k].shape;
      // [n_1·...·n_k, r_k] x [r_k, n_{k+1}·r_{k+1}] -> [n_1·...·n_{k+1}, r_{k+1}]
      const product = tf.matMul(result, tf.reshape(tt.cores[k], [rank, n * next]));
      result = tf.reshape(product, [-1, next]);
    }
    return tf.reshape(result, shape);
  });
}
