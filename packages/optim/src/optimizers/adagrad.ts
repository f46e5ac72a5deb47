import { register, tf } from '@tensorfold/core';
import { checkNonNegative, checkPositive } from '../checks.js';
import { sqrt } from './kernels/expr.js';
import type { FusedRule } from './kernels/fused-rule.js';
import { registerFusedRule } from './kernels/register.js';
import {
  type CoefficientScalars,
  type Coefficients,
  normalizeOptimizerConfig,
  type OptimizerArgs,
  OptimizerBase,
} from './optimizer.js';

/** Options of {@link adagrad}. */
export interface AdagradArgs extends OptimizerArgs {
  /** Default 0.001. */
  learningRate?: OptimizerArgs['learningRate'];
  /** Starting value of the sum of squared gradients (>= 0). Default 0.1. */
  initialAccumulatorValue?: number;
  /** Added under the square root for numerical stability. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adagrad (Duchi et al., 2011): each weight's step shrinks with the sum of its squared gradients, so
 * often-updated weights learn slower and rare ones faster.
 *
 * ```
 * a = a + g^2
 * w = w - lr * g / sqrt(a + epsilon)
 * ```
 */
export class Adagrad extends OptimizerBase {
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  protected readonly slotNames = ['accumulator'] as const;

  constructor(args: AdagradArgs = {}) {
    super(args, 0.001);
    this.initialAccumulatorValue = checkNonNegative(
      args.initialAccumulatorValue ?? 0.1,
      'adagrad initialAccumulatorValue',
    );
    this.epsilon = checkPositive(args.epsilon ?? 1e-7, 'adagrad epsilon');
  }

  protected override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  protected coefficients(_step: number, lr: number): Coefficients {
    return { lr, epsilon: this.epsilon };
  }

  protected update(w: tf.Tensor, g: tf.Tensor, [a]: tf.Tensor[], c: CoefficientScalars): tf.Tensor[] {
    const a1 = tf.add(a, tf.square(g)); // [same shape as w]
    return [tf.sub(w, tf.div(tf.mul(g, c.lr), tf.sqrt(tf.add(a1, c.epsilon)))), a1];
  }

  protected override fusedRule(): FusedRule {
    return adagradRule;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      initialAccumulatorValue: this.initialAccumulatorValue,
      epsilon: this.epsilon,
    };
  }
}

const adagradRule = registerFusedRule({
  kernel: 'TensorfoldAdagrad',
  coefficients: ['lr', 'epsilon'],
  slots: 1,
  run(n, w, g, [a], [w1, a1], [lr, epsilon, decay]) {
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const ai = a[i] + gi * gi;
      a1[i] = ai;
      w1[i] = w[i] * decay - (gi * lr) / Math.sqrt(ai + epsilon);
    }
  },
  outputs: ({ w, g, s: [a], c }) => {
    const a1 = a.add(g.mul(g));
    return [w.sub(g.mul(c.lr).div(sqrt(a1.add(c.epsilon)))), a1];
  },
});

/** Adagrad (see {@link Adagrad}). */
export function adagrad(args: AdagradArgs = {}): Adagrad {
  return new Adagrad(args);
}

register('optimizer', 'Adagrad', (c) => new Adagrad(normalizeOptimizerConfig<AdagradArgs>(c)));
