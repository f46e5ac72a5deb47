import { register, tf } from '@tensorfold/core';
import { checkPositive, checkUnitInterval } from '../checks.js';
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

/** Options of {@link nadam}. */
export interface NadamArgs extends OptimizerArgs {
  /** Default 0.001. */
  learningRate?: OptimizerArgs['learningRate'];
  /** Decay rate of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay rate of the second moment. Default 0.999. */
  beta2?: number;
  /** Added to the denominator. Default 1e-7. */
  epsilon?: number;
}

/**
 * Nadam (Dozat, 2016): Adam with Nesterov momentum, with the momentum schedule
 * `mu_t = beta1 * (1 - 0.5 * 0.96^(0.004 t))` of the paper and TensorFlow 2:
 *
 * ```
 * m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2
 * mBar = (1 - mu_t) * g / (1 - prod(mu_1..mu_t)) + mu_{t+1} * m / (1 - prod(mu_1..mu_{t+1}))
 * w = w - lr * mBar / (sqrt(v / (1 - beta2^t)) + epsilon)
 * ```
 *
 * The products of the schedule depend only on the step, so the optimizer's state is just `m` and `v`.
 *
 * Keras 3's Nadam uses `0.96^t` instead of `0.96^(0.004 t)`: its momentum reaches 0.9 within about 100
 * steps where this one takes thousands, so the two give different weights after the first step.
 */
export class Nadam extends OptimizerBase {
  readonly className = 'Nadam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected readonly slotNames = ['m', 'v'] as const;
  /** `prod(mu_1..mu_step)` for the last step asked, carried forward so each update costs O(1), not O(step). */
  private product = { step: 0, value: 1 };

  constructor(args: NadamArgs = {}) {
    super(args, 0.001);
    this.beta1 = checkUnitInterval(args.beta1 ?? 0.9, 'nadam beta1');
    this.beta2 = checkUnitInterval(args.beta2 ?? 0.999, 'nadam beta2');
    this.epsilon = checkPositive(args.epsilon ?? 1e-7, 'nadam epsilon');
  }

  /**
   * `prod(mu_1..mu_step)`, multiplied in the same order whether it continues from the previous step or
   * starts again (after state was set back to an earlier step), so the result is the same either way.
   */
  private muProduct(step: number): number {
    let { step: from, value } = this.product;
    if (from > step) [from, value] = [0, 1];
    for (let i = from + 1; i <= step; i++) value *= this.mu(i);
    this.product = { step, value };
    return value;
  }

  /** The momentum schedule `mu_t`. */
  private mu(t: number): number {
    return this.beta1 * (1 - 0.5 * 0.96 ** (0.004 * t));
  }

  protected coefficients(step: number, lr: number): Coefficients {
    const product = this.muProduct(step); // prod(mu_1..mu_t)
    const next = this.mu(step + 1);
    const root = Math.sqrt(1 - this.beta2 ** step);
    // lr * mBar / (sqrt(v / (1 - beta2^t)) + eps) = lr * root * mBar / (sqrt(v) + eps * root)
    return {
      gradientWeight: (lr * root * (1 - this.mu(step))) / (1 - product),
      momentWeight: (lr * root * next) / (1 - product * next),
      oneMinusBeta1: 1 - this.beta1,
      oneMinusBeta2: 1 - this.beta2,
      epsilon: this.epsilon * root,
    };
  }

  protected update(w: tf.Tensor, g: tf.Tensor, [m, v]: tf.Tensor[], c: CoefficientScalars): tf.Tensor[] {
    // every tensor here: [same shape as w]
    const m1 = tf.add(m, tf.mul(tf.sub(g, m), c.oneMinusBeta1));
    const v1 = tf.add(v, tf.mul(tf.sub(tf.square(g), v), c.oneMinusBeta2));
    const numerator = tf.add(tf.mul(g, c.gradientWeight), tf.mul(m1, c.momentWeight));
    return [tf.sub(w, tf.div(numerator, tf.add(tf.sqrt(v1), c.epsilon))), m1, v1];
  }

  protected override fusedRule(): FusedRule {
    return nadamRule;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

const nadamRule = registerFusedRule({
  kernel: 'TensorfoldNadam',
  coefficients: ['gradientWeight', 'momentWeight', 'oneMinusBeta1', 'oneMinusBeta2', 'epsilon'],
  slots: 2,
  run(n, w, g, [m, v], [w1, m1, v1], [gradientWeight, momentWeight, c1, c2, epsilon, decay]) {
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const mi = m[i] + (gi - m[i]) * c1;
      const vi = v[i] + (gi * gi - v[i]) * c2;
      m1[i] = mi;
      v1[i] = vi;
      w1[i] = w[i] * decay - (gi * gradientWeight + mi * momentWeight) / (Math.sqrt(vi) + epsilon);
    }
  },
  outputs: ({ w, g, s: [m, v], c }) => {
    const m1 = m.add(g.sub(m).mul(c.oneMinusBeta1));
    const v1 = v.add(g.mul(g).sub(v).mul(c.oneMinusBeta2));
    const numerator = g.mul(c.gradientWeight).add(m1.mul(c.momentWeight));
    return [w.sub(numerator.div(sqrt(v1).add(c.epsilon))), m1, v1];
  },
});

/** Nadam (see {@link Nadam}). */
export function nadam(args: NadamArgs = {}): Nadam {
  return new Nadam(args);
}

register('optimizer', 'Nadam', (c) => new Nadam(normalizeOptimizerConfig<NadamArgs>(c)));
