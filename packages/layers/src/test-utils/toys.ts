/**
 * Minimal optimizer, loss and regularizer for tests, so this package's tests do not depend on
 * `@tensorfold/optim` (which must not be imported by layers).
 */
import {
  type NamedTensor,
  type Optimizer,
  type Regularizer,
  register,
  tf,
  type VariableGradient,
} from '@tensorfold/core';

/** Plain gradient descent. */
export class TestSGD implements Optimizer {
  readonly className = 'TestSGD';
  iterations = 0;
  constructor(public learningRate = 0.1) {}
  applyGradients(gradients: readonly VariableGradient[]): void {
    tf.tidy(() => {
      for (const { variable, gradient } of gradients)
        variable.assign(tf.sub(variable, tf.mul(gradient, this.learningRate)));
    });
    this.iterations++;
  }
  async getWeights(): Promise<NamedTensor[]> {
    return [];
  }
  async setWeights(_weights: NamedTensor[]): Promise<void> {}
  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate };
  }
  dispose(): void {}
}

/** Per-sample mean squared error over every axis but the first. */
export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const sq = tf.squaredDifference(yTrue, yPred);
    return sq.rank <= 1 ? sq : tf.mean(tf.reshape(sq, [sq.shape[0], -1]), 1);
  });
}

/** A tiny L2 penalty `l2 * Σ w²`, to test that layers accept any Regularizer. */
export class TestL2 implements Regularizer {
  readonly className = 'TestL2';
  constructor(readonly l2 = 0.01) {}
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(this.l2, tf.sum(tf.square(x))) as tf.Scalar);
  }
  getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }
}

register('regularizer', 'TestL2', (c) => new TestL2((c.l2 as number) ?? 0.01));
