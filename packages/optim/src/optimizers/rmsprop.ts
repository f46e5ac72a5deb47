import { register, tf } from '@tensorfold/core';
import { checkPositive, checkUnitInterval } from '../checks.js';
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
 */
export class RMSprop extends OptimizerBase {
  /** TensorFlow.js's spelling; Keras reads it too (it lower-cases optimizer names). */
  readonly className = 'RMSProp';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  protected readonly slotNames: readonly string[];
  protected override readonly fusedKernel = 'TensorfoldRMSprop';

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
      centered: this.centered ? 1 : 0,
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

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}

/** RMSprop (see {@link RMSprop}). */
export function rmsprop(args: RMSpropArgs = {}): RMSprop {
  return new RMSprop(args);
}

register('optimizer', 'RMSProp', (c) => new RMSprop(normalizeOptimizerConfig<RMSpropArgs>(c)));
