import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Serializable } from '../registry.js';

/** A tensor with a name (optimizer state entries). */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** One variable and the gradient of the loss with respect to it. */
export interface VariableGradient {
  variable: Variable;
  gradient: Tensor;
}

/**
 * Updates weights from gradients. Implementations (sgd, adam, ...) live in `@tensorfold/optim`.
 * `applyGradients` must not keep references to the gradient tensors: the caller disposes them.
 */
export interface Optimizer extends Serializable {
  /** The current learning rate; schedules and callbacks set it between steps. */
  learningRate: number;
  /** How many times `applyGradients` has run. */
  readonly iterations: number;
  /** Applies one update step. */
  applyGradients(gradients: readonly VariableGradient[]): void;
  /**
   * The optimizer's state (slots such as Adam's moments, and the iteration count), named by the
   * variable names they belong to, so it can be saved with the model and training can resume.
   */
  getWeights(): Promise<NamedTensor[]>;
  /** Restores state from {@link Optimizer.getWeights}' output. */
  setWeights(weights: NamedTensor[]): Promise<void>;
  /** Frees the optimizer's state tensors. */
  dispose(): void;
}
