import { register, tf } from '@tensorfold/core';
import { checkPositive, checkUnitInterval } from '../checks.js';
import { abs, max } from './kernels/expr.js';
import type { FusedRule } from './kernels/fused-rule.js';
import { registerFusedRule } from './kernels/register.js';
import {
  type CoefficientScalars,
  type Coefficients,
  normalizeOptimizerConfig,
  type OptimizerArgs,
  OptimizerBase,
} from './optimizer.js';

/** Options of {@link adamax}. */
export interface AdamaxArgs extends OptimizerArgs {
  /** Default 0.001. */
  learningRate?: OptimizerArgs['learningRate'];
  /** Decay rate of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay rate of the infinity norm. Default 0.999. */
  beta2?: number;
  /** Added to the denominator. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adamax (Kingma & Ba, 2014, section 7): Adam with the infinity norm in place of the second moment.
 *
 * ```
 * m = beta1 * m + (1 - beta1) * g
 * u = max(beta2 * u, |g|)
 * w = w - lr / (1 - beta1^t) * m / (u + epsilon)
 * ```
 */
export class Adamax extends OptimizerBase {
  readonly className = 'Adamax';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** TensorFlow.js's slot names (`v` holds the infinity norm `u`). */
  protected readonly slotNames = ['m', 'v'] as const;

  constructor(args: AdamaxArgs = {}) {
    super(args, 0.001);
    this.beta1 = checkUnitInterval(args.beta1 ?? 0.9, 'adamax beta1');
    this.beta2 = checkUnitInterval(args.beta2 ?? 0.999, 'adamax beta2');
    this.epsilon = checkPositive(args.epsilon ?? 1e-7, 'adamax epsilon');
  }

  protected coefficients(step: number, lr: number): Coefficients {
    return {
      alpha: lr / (1 - this.beta1 ** step),
      beta1: this.beta1,
      oneMinusBeta1: 1 - this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }

  protected update(w: tf.Tensor, g: tf.Tensor, [m, u]: tf.Tensor[], c: CoefficientScalars): tf.Tensor[] {
    // every tensor here: [same shape as w]
    const m1 = tf.add(tf.mul(m, c.beta1), tf.mul(g, c.oneMinusBeta1));
    const u1 = tf.maximum(tf.mul(u, c.beta2), tf.abs(g));
    return [tf.sub(w, tf.div(tf.mul(m1, c.alpha), tf.add(u1, c.epsilon))), m1, u1];
  }

  protected override fusedRule(): FusedRule {
    return adamaxRule;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

const adamaxRule = registerFusedRule({
  kernel: 'TensorfoldAdamax',
  coefficients: ['alpha', 'beta1', 'oneMinusBeta1', 'beta2', 'epsilon'],
  slots: 2,
  run(n, w, g, [m, u], [w1, m1, u1], [alpha, beta1, oneMinusBeta1, beta2, epsilon, decay]) {
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const mi = m[i] * beta1 + gi * oneMinusBeta1;
      const ui = Math.max(u[i] * beta2, Math.abs(gi));
      m1[i] = mi;
      u1[i] = ui;
      w1[i] = w[i] * decay - (mi * alpha) / (ui + epsilon);
    }
  },
  outputs: ({ w, g, s: [m, u], c }) => {
    const m1 = m.mul(c.beta1).add(g.mul(c.oneMinusBeta1));
    const u1 = max(u.mul(c.beta2), abs(g));
    return [w.sub(m1.mul(c.alpha).div(u1.add(c.epsilon))), m1, u1];
  },
});

/** Adamax (see {@link Adamax}). */
export function adamax(args: AdamaxArgs = {}): Adamax {
  return new Adamax(args);
}

register('optimizer', 'Adamax', (c) => new Adamax(normalizeOptimizerConfig<AdamaxArgs>(c)));
