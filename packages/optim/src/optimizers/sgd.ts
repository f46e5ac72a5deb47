import { type NamedTensor, register, tf } from '@tensorfold/core';
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
 * With momentum it saves itself as TensorFlow.js's `Momentum` optimizer (`learningRate`,
 * `momentum`, `useNesterov`), so that tfjs-layers loads it with its state, and its state is the
 * one TensorFlow.js keeps: the accumulation `a = -v / lr`, for which a constant rate gives
 * `a = momentum * a + g`, then `w = w - lr * a` (Nesterov: `w = w - lr * (momentum * a + g)`).
 * The accumulation is kept relative to the learning rate of the next update and rescaled when that
 * rate changes (a schedule, or a new constant rate), so the updates stay Keras's; where that rate is
 * exactly 0, it stays relative to the last one that was not. A model saved while a constant rate is
 * exactly 0 therefore resumes without its momentum: the saved rate, 0, cannot scale it back.
 *
 * @example
 * model.compile({ optimizer: sgd({ learningRate: 0.01, momentum: 0.9, nesterov: true }), loss: 'meanSquaredError' });
 */
export class SGD extends OptimizerBase {
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotNames: readonly string[];
  /** The learning rate the accumulations are relative to (`v = -accumulationRate * a`). */
  private accumulationRate: number;

  constructor(args: SGDArgs = {}) {
    super(args, 0.01);
    this.momentum = checkUnitInterval(args.momentum ?? 0, 'sgd momentum');
    this.nesterov = args.nesterov ?? false;
    this.slotNames = this.momentum > 0 ? ['momentum'] : [];
    this.accumulationRate = this.learningRate;
  }

  /** `'SGD'`, or TensorFlow.js's `'Momentum'` with momentum: the class name saved in training configs. */
  get className(): string {
    return this.momentum > 0 ? 'Momentum' : 'SGD';
  }

  protected coefficients(step: number, lr: number): Coefficients {
    if (this.momentum === 0) return { lr };
    // Rescale from the current reference rate to the next update's (or keep it where that is 0).
    const previous = this.accumulationRate;
    const next = this.learningRateAt(step);
    const reference = next !== 0 ? next : previous;
    this.accumulationRate = reference;
    if (reference === 0) return { momentum: this.momentum, carry: 0, gain: 0, rate: 0 }; // no rate yet: v = 0
    // Ratios, not products with 1 / reference: a constant rate gives exactly 1.
    return {
      momentum: this.momentum,
      carry: this.momentum * (previous / reference),
      gain: lr / reference,
      rate: reference,
    };
  }

  protected update(w: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[], c: CoefficientScalars): tf.Tensor[] {
    // every tensor here: [same shape as w]
    if (this.momentum === 0) return [tf.sub(w, tf.mul(g, c.lr))];
    const scaledGradient = tf.mul(g, c.gain);
    const accumulation = tf.add(tf.mul(slots[0], c.carry), scaledGradient);
    const step = this.nesterov ? tf.add(tf.mul(accumulation, c.momentum), scaledGradient) : accumulation;
    return [tf.sub(w, tf.mul(step, c.rate)), accumulation];
  }

  protected override fusedRule(): FusedRule {
    if (this.momentum === 0) return plainRule;
    return this.nesterov ? nesterovRule : momentumRule;
  }

  protected override learningRateChanged(_previous: number, next: number): void {
    if (this.momentum === 0 || next === 0 || next === this.accumulationRate) return;
    this.scaleSlot('momentum', this.accumulationRate / next);
    this.accumulationRate = next;
  }

  /** Restores saved state; the accumulations are relative to the learning rate of the next update. */
  override async setWeights(weights: NamedTensor[]): Promise<void> {
    await super.setWeights(weights);
    this.accumulationRate = this.lastNonZeroRate();
  }

  /** The rate of the next update, or the last one before it that is not 0 (0 if none is). */
  private lastNonZeroRate(): number {
    if (this.learningRateSchedule === null) return this.learningRate;
    for (let iteration = this.iterations; iteration >= 0; iteration--) {
      const rate = this.learningRateAt(iteration);
      if (rate !== 0) return rate;
    }
    return 0;
  }

  override getConfig(): Record<string, unknown> {
    if (this.momentum === 0) return { ...super.getConfig(), momentum: 0, nesterov: this.nesterov };
    return { ...super.getConfig(), momentum: this.momentum, useNesterov: this.nesterov };
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
  coefficients: ['carry', 'gain', 'rate'],
  slots: 1,
  run(n, w, g, [a], [w1, a1], [carry, gain, rate, decay]) {
    for (let i = 0; i < n; i++) {
      const accumulation = a[i] * carry + g[i] * gain;
      a1[i] = accumulation;
      w1[i] = w[i] * decay - accumulation * rate;
    }
  },
  outputs: ({ w, g, s: [a], c }) => {
    const accumulation = a.mul(c.carry).add(g.mul(c.gain));
    return [w.sub(accumulation.mul(c.rate)), accumulation];
  },
});

const nesterovRule = registerFusedRule({
  kernel: 'TensorfoldSGDNesterov',
  coefficients: ['momentum', 'carry', 'gain', 'rate'],
  slots: 1,
  run(n, w, g, [a], [w1, a1], [momentum, carry, gain, rate, decay]) {
    for (let i = 0; i < n; i++) {
      const scaledGradient = g[i] * gain;
      const accumulation = a[i] * carry + scaledGradient;
      a1[i] = accumulation;
      w1[i] = w[i] * decay - (accumulation * momentum + scaledGradient) * rate;
    }
  },
  outputs: ({ w, g, s: [a], c }) => {
    const scaledGradient = g.mul(c.gain);
    const accumulation = a.mul(c.carry).add(scaledGradient);
    return [w.sub(accumulation.mul(c.momentum).add(scaledGradient).mul(c.rate)), accumulation];
  },
});

/** Stochastic gradient descent (see {@link SGD}). */
export function sgd(args: SGDArgs = {}): SGD {
  return new SGD(args);
}

register('optimizer', 'SGD', (c) => new SGD(normalizeOptimizerConfig<SGDArgs>(c)));
// SGD with momentum is saved as TensorFlow.js's "Momentum" ({learningRate, momentum, useNesterov}).
register('optimizer', 'Momentum', (c) => {
  const { useNesterov, ...rest } = normalizeOptimizerConfig<SGDArgs & { useNesterov?: boolean }>(c);
  return new SGD({ ...rest, nesterov: rest.nesterov ?? useNesterov });
});
