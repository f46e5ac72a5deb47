import { ShapeError, type tf } from '@tensorfold/core';
import { multiModeDot } from '../algebra/multi-mode-dot.js';
import { describeShape } from '../validate.js';
import { type Decomposition, denseSize, type FitHistory } from './decomposition.js';

/**
 * A tensor in Tucker form, `core ×_1 A_1 ×_2 A_2 ... ×_N A_N` (seed text, eq. 6). It owns its tensors:
 * `dispose()` frees them.
 */
export class TuckerTensor implements Decomposition {
  /** `[r_1, ..., r_N]` core tensor. */
  readonly core: tf.Tensor;
  /** One `[n_k, r_k]` factor matrix per mode. */
  readonly factors: tf.Tensor2D[];
  readonly history?: FitHistory;

  /** @throws ShapeError when a factor's column count differs from the core's size in its mode. */
  constructor(core: tf.Tensor, factors: tf.Tensor2D[], history?: FitHistory) {
    if (factors.length !== core.rank) {
      throw new ShapeError(
        `A TuckerTensor needs one factor per core mode: the core is ${describeShape(core.shape)} but ${factors.length} factors were given.`,
      );
    }
    factors.forEach((f, k) => {
      if (f.rank !== 2 || f.shape[1] !== core.shape[k]) {
        throw new ShapeError(
          `TuckerTensor factor ${k} has shape ${describeShape(f.shape)} but the core has ${core.shape[k]} in mode ${k}: it must be [n_${k}, ${core.shape[k]}].`,
        );
      }
    });
    this.core = core;
    this.factors = factors;
    this.history = history;
  }

  /** The dense shape `[n_1, ..., n_N]`. */
  get shape(): number[] {
    return this.factors.map((f) => f.shape[0]);
  }

  /** The multilinear ranks `[r_1, ..., r_N]` (the core's shape). */
  get ranks(): number[] {
    return [...this.core.shape];
  }

  /** `∏ r_k + Σ n_k·r_k`. */
  parameterCount(): number {
    return this.core.size + this.factors.reduce((sum, f) => sum + f.size, 0);
  }

  compressionRatio(): number {
    return denseSize(this.shape) / this.parameterCount();
  }

  /** The dense tensor (see {@link tuckerToTensor}). */
  toTensor(): tf.Tensor {
    return tuckerToTensor(this);
  }

  dispose(): void {
    this.core.dispose();
    for (const f of this.factors) f.dispose();
  }
}

/**
 * Rebuilds the dense tensor of a Tucker decomposition (TensorLy's `tucker_to_tensor`):
 * `multiModeDot(core, factors)`.
 *
 * @returns `[n_1, ..., n_N]`
 */
export function tuckerToTensor(tucker: { core: tf.Tensor; factors: readonly tf.Tensor2D[] }): tf.Tensor {
  return multiModeDot(tucker.core, tucker.factors);
}
