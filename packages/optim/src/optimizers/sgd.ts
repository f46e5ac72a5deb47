import { register, tf } from '@tensorfold/core';
import { checkUnitInterval } from '../checks.js';
import type { FusedRule } from './kernels/fused-rule.js';
import { registerFusedRule } from './kernels/register.js';
import {
  type CoefficientScalars,
  type Coefficients,
  normalizeOptimizerConfig,
  type OptimizerArgs,
  OptimizerBase,
} from './optimizer.js';

/** Options of {@link sgd}. */
export interface SGDArgs extends OptimizerArgs {
  /** Default 0.01. */
  learningRate?: OptimizerArgs['learningRate'];
  /** Fraction of the previous step carried into the next, in [0, 1). Default 0 (plain gradient descent). */
  momentum?: number;
  /** Nesterov momentum: evaluate the step at the look-ahead point. Default `false`. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, with optional (Nesterov) momentum, as Keras's `SGD`:
 *
 * - plain: `w = w - lr * g`
 * - momentum: `v = momentum * v - lr * g`, then `w = w + v`
 * - Nesterov: `v = momentum * v - lr * g`, then `w = w + momentum * v - lr * g`
 *
 * (The momentum pseudo-code in the Chollet notes writes `w + momentum * velocity - lr * g` with a
 * velocity that adds `lr * g`; that is this Nesterov update with the sign of `v` flipped.)
 *
 * @example
 * model.compile({ optimizer: sgd({ learningRate: 0.01, momentum: 0.9, nesterov: true }), loss: 'meanSquaredError' });
 */
export class SGD extends OptimizerBase {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotNames: readonly string[];

  constructor(args: SGDArgs = {}) {
    super(args, 0.01);
    this.momentum = checkUnitInterval(args.momentum ?? 0, 'sgd momentum');
    this.nesterov = args.nesterov ?? false;
    this.slotNames = this.momentum > 0 ? ['momentum'] : [];
  }

  protected coefficients(_step: number, lr: number): Coefficients {
    return { lr, momentum: this.momentum };
  }

  protected update(w: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[], c: CoefficientScalars): tf.Tensor[] {
    const step = tf.mul(g, c.lr); // [same shape as w]
    if (this.momentum === 0) return [tf.sub(w, step)];
    const velocity = tf.sub(tf.mul(slots[0], c.momentum), step);
    const delta = this.nesterov ? tf.sub(tf.mul(velocity, c.momentum), step) : velocity;
    return [tf.add(w, delta), velocity];
  }

  protected override fusedRule(): FusedRule {
    if (this.momentum === 0) return plainRule;
    return this.nesterov ? nesterovRule : momentumRule;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}

const plainRule = registerFusedRule({
  kernel: 'TensorfoldSGD',
  coefficients: ['lr'],
  slots: 0,
  run(n, w, g, _s, [w1], [lr, decay]) {
    for (let i = 0; i < n; i++) w1[i] = w[i] * decay - g[i] * lr;
  },
  outputs: ({ w, g, c }) => [w.sub(g.mul(c.lr))],
});

const momentumRule = registerFusedRule({
  kernel: 'TensorfoldSGDMomentum',
  coefficients: ['lr', 'momentum'],
  slots: 1,
  run(n, w, g, [v], [w1, v1], [lr, momentum, decay]) {
    for (let i = 0; i < n; i++) {
      const velocity = v[i] * momentum - g[i] * lr;
      v1[i] = velocity;
      w1[i] = w[i] * decay + velocity;
    }
  },
  outputs: ({ w, g, s: [v], c }) => {
    const velocity = v.mul(c.momentum).sub(g.mul(c.lr));
    return [w.add(velocity), velocity];
  },
});

const nesterovRule = registerFusedRule({
  kernel: 'TensorfoldSGDNesterov',
  coefficients: ['lr', 'momentum'],
  slots: 1,
  run(n, w, g, [v], [w1, v1], [lr, momentum, decay]) {
    for (let i = 0; i < n; i++) {
      const step = g[i] * lr;
      const velocity = v[i] * momentum - step;
      v1[i] = velocity;
      w1[i] = w[i] * decay + (velocity * momentum - step);
    }
  },
  outputs: ({ w, g, s: [v], c }) => {
    const step = g.mul(c.lr);
    const velocity = v.mul(c.momentum).sub(step);
    return [w.add(velocity.mul(c.momentum).sub(step)), velocity];
  },
});

/** Stochastic gradient descent (see {@link SGD}). */
export function sgd(args: SGDArgs = {}): SGD {
  return new SGD(args);
}

register('optimizer', 'SGD', (c) => new SGD(normalizeOptimizerConfig<SGDArgs>(c)));
// TensorFlow.js saves SGD with momentum as "Momentum" ({learningRate, momentum, useNesterov}).
register('optimizer', 'Momentum', (c) => {
  const { useNesterov, ...rest } = normalizeOptimizerConfig<SGDArgs & { useNesterov?: boolean }>(c);
  return new SGD({ ...rest, nesterov: rest.nesterov ?? useNesterov });
});
