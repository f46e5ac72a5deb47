import { register, tf } from '@tensorfold/core';
import { checkPositive, checkUnitInterval } from '../checks.js';
import { max, sqrt } from './kernels/expr.js';
import type { FusedRule } from './kernels/fused-rule.js';
import { registerFusedRule } from './kernels/register.js';
import {
  type CoefficientScalars,
  type Coefficients,
  normalizeOptimizerConfig,
  type OptimizerArgs,
  OptimizerBase,
} from './optimizer.js';

/** Options of {@link adam} and {@link adamw}. */
export interface AdamArgs extends OptimizerArgs {
  /** Default 0.001. */
  learningRate?: OptimizerArgs['learningRate'];
  /** Decay rate of the first-moment (mean) estimate. Default 0.9. */
  beta1?: number;
  /** Decay rate of the second-moment (uncentered variance) estimate. Default 0.999. */
  beta2?: number;
  /** Added to the denominator for numerical stability. Default 1e-7. */
  epsilon?: number;
  /** AMSGrad: divide by the largest second moment seen so far, not the current one. Default `false`. */
  amsgrad?: boolean;
}

/**
 * Adam (Kingma & Ba, 2014), Algorithm 1 of the paper, as TensorFlow.js and PyTorch compute it.
 * At step `t`:
 *
 * ```
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * w = w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 * ```
 *
 * (Keras adds epsilon before the bias correction of `v` instead, which makes its effective epsilon
 * `sqrt(1 - beta2^t)` times smaller; the two differ only when `|g|` is near epsilon.)
 *
 * With `amsgrad`, `v` in the last line is the running maximum of `v`. With `weightDecay` (see
 * {@link AdamW}) the weights first shrink by `lr * weightDecay`.
 *
 * @example
 * model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy' });
 */
export class Adam extends OptimizerBase {
  readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  protected readonly slotNames: readonly string[];

  constructor(args: AdamArgs = {}) {
    super(args, 0.001);
    this.beta1 = checkUnitInterval(args.beta1 ?? 0.9, 'adam beta1');
    this.beta2 = checkUnitInterval(args.beta2 ?? 0.999, 'adam beta2');
    this.epsilon = checkPositive(args.epsilon ?? 1e-7, 'adam epsilon');
    this.amsgrad = args.amsgrad ?? false;
    this.slotNames = this.amsgrad ? ['m', 'v', 'vhat'] : ['m', 'v'];
  }

  protected coefficients(step: number, lr: number): Coefficients {
    return {
      // The bias corrections folded into the step size and epsilon:
      // lr * mHat / (sqrt(vHat) + eps) = alpha * m / (sqrt(v) + eps * sqrt(1 - beta2^t)).
      alpha: (lr * Math.sqrt(1 - this.beta2 ** step)) / (1 - this.beta1 ** step),
      oneMinusBeta1: 1 - this.beta1,
      oneMinusBeta2: 1 - this.beta2,
      epsilon: this.epsilon * Math.sqrt(1 - this.beta2 ** step),
    };
  }

  protected update(w: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[], c: CoefficientScalars): tf.Tensor[] {
    // every tensor here: [same shape as w]
    const [m, v] = slots;
    const m1 = tf.add(m, tf.mul(tf.sub(g, m), c.oneMinusBeta1));
    const v1 = tf.add(v, tf.mul(tf.sub(tf.square(g), v), c.oneMinusBeta2));
    const vhat = this.amsgrad ? tf.maximum(slots[2], v1) : v1;
    const value = tf.sub(w, tf.div(tf.mul(m1, c.alpha), tf.add(tf.sqrt(vhat), c.epsilon)));
    return this.amsgrad ? [value, m1, v1, vhat] : [value, m1, v1];
  }

  protected override fusedRule(): FusedRule {
    return this.amsgrad ? amsgradRule : adamRule;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      amsgrad: this.amsgrad,
    };
  }
}

/**
 * Whether Adam's step keeps a weight whose gradient and slots are all +0 as it is (the rules'
 * `zeroStateKept`, coefficients in float32 as the SIMD code reads them): `m` and `v` stay +0 (`+0 +
 * (+0 - +0) c`), the step `+0 alpha / (sqrt(+0) + epsilon)` is +0 where `alpha >= 0` is finite and
 * `epsilon > 0` (0 / 0 would be NaN), and `w - +0` is `w` (-0 included) where nothing decays it
 * (`decay` 1: AdamW shrinks every weight).
 */
function adamKeepsZeroState([alpha, c1, c2, epsilon, decay]: number[]): boolean {
  const [a, b1, b2, e] = [alpha, c1, c2, epsilon].map(Math.fround);
  return (
    decay === 1 &&
    a >= 0 &&
    a < Infinity &&
    Number.isFinite(b1) &&
    Number.isFinite(b2) &&
    e > 0 &&
    e < Infinity
  );
}

const adamRule = registerFusedRule({
  kernel: 'TensorfoldAdam',
  coefficients: ['alpha', 'oneMinusBeta1', 'oneMinusBeta2', 'epsilon'],
  slots: 2,
  run(n, w, g, [m, v], [w1, m1, v1], [alpha, c1, c2, epsilon, decay]) {
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const mi = m[i] + (gi - m[i]) * c1;
      const vi = v[i] + (gi * gi - v[i]) * c2;
      m1[i] = mi;
      v1[i] = vi;
      w1[i] = w[i] * decay - (mi * alpha) / (Math.sqrt(vi) + epsilon);
    }
  },
  outputs: ({ w, g, s: [m, v], c }) => {
    const m1 = m.add(g.sub(m).mul(c.oneMinusBeta1));
    const v1 = v.add(g.mul(g).sub(v).mul(c.oneMinusBeta2));
    return [w.sub(m1.mul(c.alpha).div(sqrt(v1).add(c.epsilon))), m1, v1];
  },
  zeroStateKept: adamKeepsZeroState,
});

const amsgradRule = registerFusedRule({
  kernel: 'TensorfoldAdamAmsgrad',
  coefficients: ['alpha', 'oneMinusBeta1', 'oneMinusBeta2', 'epsilon'],
  slots: 3,
  run(n, w, g, [m, v, vhat], [w1, m1, v1, vhat1], [alpha, c1, c2, epsilon, decay]) {
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const mi = m[i] + (gi - m[i]) * c1;
      const vi = v[i] + (gi * gi - v[i]) * c2;
      const hi = Math.max(vhat[i], vi);
      m1[i] = mi;
      v1[i] = vi;
      vhat1[i] = hi;
      w1[i] = w[i] * decay - (mi * alpha) / (Math.sqrt(hi) + epsilon);
    }
  },
  outputs: ({ w, g, s: [m, v, vhat], c }) => {
    const m1 = m.add(g.sub(m).mul(c.oneMinusBeta1));
    const v1 = v.add(g.mul(g).sub(v).mul(c.oneMinusBeta2));
    const vhat1 = max(vhat, v1);
    return [w.sub(m1.mul(c.alpha).div(sqrt(vhat1).add(c.epsilon))), m1, v1, vhat1];
  },
  zeroStateKept: adamKeepsZeroState,
});

/** Adam (see {@link Adam}). */
export function adam(args: AdamArgs = {}): Adam {
  return new Adam(args);
}

register('optimizer', 'Adam', (c) => new Adam(normalizeOptimizerConfig<AdamArgs>(c)));

/** Options of {@link adamw}. */
export interface AdamWArgs extends AdamArgs {
  /** Decoupled weight decay: weights shrink by `lr * weightDecay` before each step. Default 0.004. */
  weightDecay?: number | null;
}

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay. Before each Adam step every
 * weight is multiplied by `1 - lr * weightDecay`, which, unlike an L2 penalty in the loss, is not
 * rescaled by Adam's per-weight step sizes.
 *
 * @example
 * model.compile({ optimizer: adamw({ learningRate: 1e-3, weightDecay: 1e-2 }), loss: 'categoricalCrossentropy' });
 */
export class AdamW extends Adam {
  override readonly className: string = 'AdamW';
  constructor(args: AdamWArgs = {}) {
    super({ ...args, weightDecay: args.weightDecay ?? 0.004 });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

/** AdamW (see {@link AdamW}). */
export function adamw(args: AdamWArgs = {}): AdamW {
  return new AdamW(args);
}

register('optimizer', 'AdamW', (c) => new AdamW(normalizeOptimizerConfig<AdamWArgs>(c)));
