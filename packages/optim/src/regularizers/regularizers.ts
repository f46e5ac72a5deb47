import { type Regularizer, register, tf } from '@tensorfold/core';
import { checkNonNegative } from '../checks.js';

/** Options of {@link l1l2}. */
export interface L1L2Args {
  /** Coefficient of `sum(|w|)`. Default 0. */
  l1?: number;
  /** Coefficient of `sum(w^2)`. Default 0. */
  l2?: number;
}

/**
 * Weight decay as a loss penalty: `l1 * sum(|w|) + l2 * sum(w^2)`, added to the training loss (never
 * to evaluation; `fit` logs it as `regularization_loss`). Use it as a layer's `kernelRegularizer`,
 * `biasRegularizer` or `activityRegularizer`.
 *
 * The notes write L2 weight decay as `lambda / 2 * ||w||^2`; that is `l2({ l2: lambda / 2 })` here,
 * since Keras and TensorFlow.js, whose files tensorfold reads and writes, leave out the 1/2.
 *
 * `L1` and `L2` are this class with one coefficient zero, and all three are saved as `L1L2`, the one
 * name both TensorFlow.js and Keras load.
 *
 * @example
 * dense({ units: 16, activation: 'relu', kernelRegularizer: l2(0.001) });
 */
export class L1L2 implements Regularizer {
  readonly className: string = 'L1L2';
  readonly l1: number;
  readonly l2: number;

  constructor(args: L1L2Args = {}) {
    this.l1 = checkNonNegative(args.l1 ?? 0, 'regularizer l1');
    this.l2 = checkNonNegative(args.l2 ?? 0, 'regularizer l2');
  }

  /** The penalty of `x` (a new scalar). Terms with a zero coefficient cost nothing. */
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      const terms: tf.Tensor[] = [];
      if (this.l1 > 0) terms.push(tf.mul(tf.sum(tf.abs(x)), this.l1));
      if (this.l2 > 0) terms.push(tf.mul(tf.sum(tf.square(x)), this.l2));
      if (terms.length === 0) return tf.scalar(0);
      return (terms.length === 1 ? terms[0] : tf.add(terms[0], terms[1])) as tf.Scalar;
    });
  }

  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** L1 penalty `l1 * sum(|w|)` (default `l1` 0.01), saved as `L1L2` (see {@link L1L2}). */
export class L1 extends L1L2 {
  constructor(args: { l1?: number } = {}) {
    super({ l1: args.l1 ?? 0.01 });
  }
}

/** L2 penalty `l2 * sum(w^2)` (default `l2` 0.01), saved as `L1L2` (see {@link L1L2}). */
export class L2 extends L1L2 {
  constructor(args: { l2?: number } = {}) {
    super({ l2: args.l2 ?? 0.01 });
  }
}

/** An L1 penalty: `l1(0.001)` or `l1({ l1: 0.001 })`. Default 0.01. */
export function l1(args: number | { l1?: number } = {}): L1 {
  return new L1(typeof args === 'number' ? { l1: args } : args);
}

/** An L2 penalty: `l2(0.001)` or `l2({ l2: 0.001 })`. Default 0.01. */
export function l2(args: number | { l2?: number } = {}): L2 {
  return new L2(typeof args === 'number' ? { l2: args } : args);
}

/** Both penalties: `l1l2({ l1: 0.001, l2: 0.001 })`. Defaults 0. */
export function l1l2(args: L1L2Args = {}): L1L2 {
  return new L1L2(args);
}

register('regularizer', 'L1L2', (c) => new L1L2(c as L1L2Args));
register('regularizer', 'L1', (c) => new L1(c as { l1?: number }));
register('regularizer', 'L2', (c) => new L2(c as { l2?: number }));
