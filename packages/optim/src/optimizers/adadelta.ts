import { register, tf } from '@tensorfold/core';
import { checkPositive, checkUnitInterval } from '../checks.js';
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
  protected override readonly fusedKernel = 'TensorfoldAdadelta';

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

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}

/** Adadelta (see {@link Adadelta}). */
export function adadelta(args: AdadeltaArgs = {}): Adadelta {
  return new Adadelta(args);
}

register('optimizer', 'Adadelta', (c) => new Adadelta(normalizeOptimizerConfig<AdadeltaArgs>(c)));
