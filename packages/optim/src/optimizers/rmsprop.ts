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

/** Options of {@link rmsprop}. */
export interface RMSpropArgs extends OptimizerArgs {
  /** Default 0.001. */
  learningRate?: OptimizerArgs['learningRate'];
  /** Decay rate of the running average of squared gradients. Default 0.9. */
  rho?: number;
  /** Momentum of the update, in [0, 1). Default 0. */
  momentum?: number;
  /** Added under the square root. Default 1e-7. */
  epsilon?: number;
  /** Divide by the gradients' running variance instead of their second moment. Default `false`. */
  centered?: boolean;
}

/**
 * RMSprop (Hinton): divides each gradient by the root of a running average of its squares.
 *
 * ```
 * ms = rho * ms + (1 - rho) * g^2
 * mg = rho * mg + (1 - rho) * g                      (centered only)
 * step = lr * g / sqrt(ms - mg^2 + epsilon)          (mg = 0 unless centered)
 * mom = momentum * mom + step; w = w - mom           (w = w - step without momentum)
 * ```
 *
 * Its saved state has TensorFlow.js's layout, so that tfjs-layers loads it: the slots `rms`, then
 * `momentum` (zeros without momentum, where it keeps no such slot), then `mg` when centered, each for
 * every variable; its config carries `rho` also under TensorFlow.js's name, `decay`.
 */
export class RMSprop extends OptimizerBase {
  /** TensorFlow.js's spelling; Keras reads it too (it lower-cases optimizer names). */
  readonly className = 'RMSProp';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  protected readonly slotNames: readonly string[];

  constructor(args: RMSpropArgs & { decay?: number } = {}) {
    super(args, 0.001);
    // TensorFlow.js calls rho "decay".
    this.rho = checkUnitInterval(args.rho ?? args.decay ?? 0.9, 'rmsprop rho');
    this.momentum = checkUnitInterval(args.momentum ?? 0, 'rmsprop momentum');
    this.epsilon = checkPositive(args.epsilon ?? 1e-7, 'rmsprop epsilon');
    this.centered = args.centered ?? false;
    this.slotNames = ['rms', ...(this.momentum > 0 ? ['momentum'] : []), ...(this.centered ? ['mg'] : [])];
  }

  protected coefficients(_step: number, lr: number): Coefficients {
    return {
      lr,
      rho: this.rho,
      oneMinusRho: 1 - this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
    };
  }

  protected update(w: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[], c: CoefficientScalars): tf.Tensor[] {
    // every tensor here: [same shape as w]
    const [ms] = slots;
    const ms1 = tf.add(tf.mul(ms, c.rho), tf.mul(tf.square(g), c.oneMinusRho));
    let denominator = ms1;
    let mg1: tf.Tensor | null = null;
    if (this.centered) {
      const mg = slots[slots.length - 1];
      mg1 = tf.add(tf.mul(mg, c.rho), tf.mul(g, c.oneMinusRho));
      denominator = tf.sub(ms1, tf.square(mg1));
    }
    const step = tf.div(tf.mul(g, c.lr), tf.sqrt(tf.add(denominator, c.epsilon)));
    const out: tf.Tensor[] = [];
    if (this.momentum > 0) {
      const mom1 = tf.add(tf.mul(slots[1], c.momentum), step);
      out.push(tf.sub(w, mom1), ms1, mom1);
    } else {
      out.push(tf.sub(w, step), ms1);
    }
    if (mg1) out.push(mg1);
    return out;
  }

  protected override fusedRule(): FusedRule {
    return rmspropRules[(this.momentum > 0 ? 1 : 0) + (this.centered ? 2 : 0)];
  }

  /** TensorFlow.js's layout: `rms`, `momentum` (whether or not it is kept), and `mg` when centered. */
  protected override get savedSlotNames(): readonly string[] {
    return ['rms', 'momentum', ...(this.centered ? ['mg'] : [])];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      rho: this.rho,
      decay: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}

const rmspropCoefficients = ['lr', 'rho', 'oneMinusRho', 'momentum', 'epsilon'];

/** Fused rules by variant: index = (momentum ? 1 : 0) + (centered ? 2 : 0). */
const rmspropRules: FusedRule[] = [
  registerFusedRule({
    kernel: 'TensorfoldRMSprop',
    coefficients: rmspropCoefficients,
    slots: 1,
    run(n, w, g, [ms], [w1, ms1], [lr, rho, oneMinusRho, _momentum, epsilon, decay]) {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const msi = ms[i] * rho + gi * gi * oneMinusRho;
        ms1[i] = msi;
        w1[i] = w[i] * decay - (gi * lr) / Math.sqrt(msi + epsilon);
      }
    },
    outputs: ({ w, g, s: [ms], c }) => {
      const ms1 = ms.mul(c.rho).add(g.mul(g).mul(c.oneMinusRho));
      return [w.sub(g.mul(c.lr).div(sqrt(ms1.add(c.epsilon)))), ms1];
    },
  }),
  registerFusedRule({
    kernel: 'TensorfoldRMSpropMomentum',
    coefficients: rmspropCoefficients,
    slots: 2,
    run(n, w, g, [ms, mom], [w1, ms1, mom1], [lr, rho, oneMinusRho, momentum, epsilon, decay]) {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const msi = ms[i] * rho + gi * gi * oneMinusRho;
        const momi = mom[i] * momentum + (gi * lr) / Math.sqrt(msi + epsilon);
        ms1[i] = msi;
        mom1[i] = momi;
        w1[i] = w[i] * decay - momi;
      }
    },
    outputs: ({ w, g, s: [ms, mom], c }) => {
      const ms1 = ms.mul(c.rho).add(g.mul(g).mul(c.oneMinusRho));
      const mom1 = mom.mul(c.momentum).add(g.mul(c.lr).div(sqrt(ms1.add(c.epsilon))));
      return [w.sub(mom1), ms1, mom1];
    },
  }),
  registerFusedRule({
    kernel: 'TensorfoldRMSpropCentered',
    coefficients: rmspropCoefficients,
    slots: 2,
    run(n, w, g, [ms, mg], [w1, ms1, mg1], [lr, rho, oneMinusRho, _momentum, epsilon, decay]) {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const msi = ms[i] * rho + gi * gi * oneMinusRho;
        const mgi = mg[i] * rho + gi * oneMinusRho;
        ms1[i] = msi;
        mg1[i] = mgi;
        w1[i] = w[i] * decay - (gi * lr) / Math.sqrt(msi - mgi * mgi + epsilon);
      }
    },
    outputs: ({ w, g, s: [ms, mg], c }) => {
      const ms1 = ms.mul(c.rho).add(g.mul(g).mul(c.oneMinusRho));
      const mg1 = mg.mul(c.rho).add(g.mul(c.oneMinusRho));
      return [w.sub(g.mul(c.lr).div(sqrt(ms1.sub(mg1.mul(mg1)).add(c.epsilon)))), ms1, mg1];
    },
  }),
  registerFusedRule({
    kernel: 'TensorfoldRMSpropCenteredMomentum',
    coefficients: rmspropCoefficients,
    slots: 3,
    run(n, w, g, [ms, mom, mg], [w1, ms1, mom1, mg1], [lr, rho, oneMinusRho, momentum, epsilon, decay]) {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const msi = ms[i] * rho + gi * gi * oneMinusRho;
        const mgi = mg[i] * rho + gi * oneMinusRho;
        const momi = mom[i] * momentum + (gi * lr) / Math.sqrt(msi - mgi * mgi + epsilon);
        ms1[i] = msi;
        mom1[i] = momi;
        mg1[i] = mgi;
        w1[i] = w[i] * decay - momi;
      }
    },
    outputs: ({ w, g, s: [ms, mom, mg], c }) => {
      const ms1 = ms.mul(c.rho).add(g.mul(g).mul(c.oneMinusRho));
      const mg1 = mg.mul(c.rho).add(g.mul(c.oneMinusRho));
      const mom1 = mom.mul(c.momentum).add(g.mul(c.lr).div(sqrt(ms1.sub(mg1.mul(mg1)).add(c.epsilon))));
      return [w.sub(mom1), ms1, mom1, mg1];
    },
  }),
];

/** RMSprop (see {@link RMSprop}). */
export function rmsprop(args: RMSpropArgs = {}): RMSprop {
  return new RMSprop(args);
}

register('optimizer', 'RMSProp', (c) => new RMSprop(normalizeOptimizerConfig<RMSpropArgs>(c)));
