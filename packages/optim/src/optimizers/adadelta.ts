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

/** Options of {@link adadelta}. */
export interface AdadeltaArgs extends OptimizerArgs {
  /** Scales the update (Zeiler's method needs none: use 1 for the paper's form). Default 0.001. */
  learningRate?: OptimizerArgs['learningRate'];
  /** Decay rate of both running averages. Default 0.95. */
  rho?: number;
  /** Added under the square roots. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adadelta (Zeiler, 2012): the step of each weight is the ratio of the running RMS of past updates to
 * the running RMS of gradients, so units match and no global rate is strictly needed.
 *
 * ```
 * Eg = rho * Eg + (1 - rho) * g^2
 * d = -sqrt(Ed + epsilon) / sqrt(Eg + epsilon) * g
 * Ed = rho * Ed + (1 - rho) * d^2
 * w = w + lr * d
 * ```
 */
export class Adadelta extends OptimizerBase {
  readonly className = 'Adadelta';
  readonly rho: number;
  readonly epsilon: number;
  /** TensorFlow.js's slot names: the gradient and update averages. */
  protected readonly slotNames = ['accum_grad', 'accum_var'] as const;

  constructor(args: AdadeltaArgs = {}) {
    super(args, 0.001);
    this.rho = checkUnitInterval(args.rho ?? 0.95, 'adadelta rho');
    this.epsilon = checkPositive(args.epsilon ?? 1e-7, 'adadelta epsilon');
  }

  protected coefficients(_step: number, lr: number): Coefficients {
    return { lr, rho: this.rho, oneMinusRho: 1 - this.rho, epsilon: this.epsilon };
  }

  protected update(w: tf.Tensor, g: tf.Tensor, [eg, ed]: tf.Tensor[], c: CoefficientScalars): tf.Tensor[] {
    // every tensor here: [same shape as w]
    const eg1 = tf.add(tf.mul(eg, c.rho), tf.mul(tf.square(g), c.oneMinusRho));
    const delta = tf.mul(tf.div(tf.sqrt(tf.add(ed, c.epsilon)), tf.sqrt(tf.add(eg1, c.epsilon))), g);
    const ed1 = tf.add(tf.mul(ed, c.rho), tf.mul(tf.square(delta), c.oneMinusRho));
    return [tf.sub(w, tf.mul(delta, c.lr)), eg1, ed1];
  }

  protected override fusedRule(): FusedRule {
    return adadeltaRule;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}

const adadeltaRule = registerFusedRule({
  kernel: 'TensorfoldAdadelta',
  coefficients: ['lr', 'rho', 'oneMinusRho', 'epsilon'],
  slots: 2,
  run(n, w, g, [eg, ed], [w1, eg1, ed1], [lr, rho, oneMinusRho, epsilon, decay]) {
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const egi = eg[i] * rho + gi * gi * oneMinusRho;
      const delta = (Math.sqrt(ed[i] + epsilon) / Math.sqrt(egi + epsilon)) * gi;
      eg1[i] = egi;
      ed1[i] = ed[i] * rho + delta * delta * oneMinusRho;
      w1[i] = w[i] * decay - delta * lr;
    }
  },
  outputs: ({ w, g, s: [eg, ed], c }) => {
    const eg1 = eg.mul(c.rho).add(g.mul(g).mul(c.oneMinusRho));
    const delta = sqrt(ed.add(c.epsilon))
      .div(sqrt(eg1.add(c.epsilon)))
      .mul(g);
    const ed1 = ed.mul(c.rho).add(delta.mul(delta).mul(c.oneMinusRho));
    return [w.sub(delta.mul(c.lr)), eg1, ed1];
  },
});

/** Adadelta (see {@link Adadelta}). */
export function adadelta(args: AdadeltaArgs = {}): Adadelta {
  return new Adadelta(args);
}

register('optimizer', 'Adadelta', (c) => new Adadelta(normalizeOptimizerConfig<AdadeltaArgs>(c)));
