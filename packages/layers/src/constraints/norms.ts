/**
 * Weight constraints: projections applied to a weight after every optimizer step (core's training
 * loop calls them). Norms are taken along `axis` (default 0: for a dense kernel `[in, out]`, the
 * incoming weight vector of each unit; for a conv kernel use `axis: [0, 1, 2]`).
 */
import { ConfigError, type Constraint, tf } from '@tensorfold/core';

/** Keras's fuzz factor, added to norms before dividing by them. */
const EPSILON = 1e-7;

type Axis = number | number[];

function l2Norms(w: tf.Tensor, axis: Axis): tf.Tensor {
  return tf.sqrt(tf.sum(tf.square(w), axis, true));
}

function checkRange(min: number, max: number): void {
  if (!(min >= 0) || !(max >= min)) {
    throw new ConfigError(`A norm constraint needs 0 <= minValue <= maxValue, got [${min}, ${max}].`);
  }
}

/** Options of {@link MaxNorm}. */
export interface MaxNormConfig {
  /** Largest allowed norm. Default 2. */
  maxValue?: number;
  /** Axis (or axes) along which norms are taken. Default 0. */
  axis?: Axis;
}

/** Rescales weight vectors whose L2 norm exceeds `maxValue` down to it (Srivastava et al.'s dropout companion). */
export class MaxNorm implements Constraint {
  readonly className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: Axis;
  constructor(config: MaxNormConfig = {}) {
    this.maxValue = config.maxValue ?? 2;
    this.axis = config.axis ?? 0;
    checkRange(0, this.maxValue);
  }
  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const norms = l2Norms(w, this.axis);
      const desired = tf.clipByValue(norms, 0, this.maxValue);
      return tf.mul(w, tf.div(desired, tf.add(norms, EPSILON)));
    });
  }
  getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, axis: this.axis };
  }
}

/** Sets negative weights to zero. */
export class NonNeg implements Constraint {
  readonly className = 'NonNeg';
  apply(w: tf.Tensor): tf.Tensor {
    return tf.relu(w);
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Options of {@link UnitNorm}. */
export interface UnitNormConfig {
  /** Axis (or axes) along which norms are taken. Default 0. */
  axis?: Axis;
}

/** Rescales weight vectors to unit L2 norm. */
export class UnitNorm implements Constraint {
  readonly className = 'UnitNorm';
  readonly axis: Axis;
  constructor(config: UnitNormConfig = {}) {
    this.axis = config.axis ?? 0;
  }
  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.div(w, tf.add(l2Norms(w, this.axis), EPSILON)));
  }
  getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}

/** Options of {@link MinMaxNorm}. */
export interface MinMaxNormConfig {
  /** Smallest allowed norm. Default 0. */
  minValue?: number;
  /** Largest allowed norm. Default 1. */
  maxValue?: number;
  /**
   * How far to move towards the allowed range each step: 1 (default) projects exactly; smaller
   * values move part of the way, `norm' = rate * clip(norm) + (1 - rate) * norm`.
   */
  rate?: number;
  /** Axis (or axes) along which norms are taken. Default 0. */
  axis?: Axis;
}

/** Keeps weight vectors' L2 norms within [minValue, maxValue]. */
export class MinMaxNorm implements Constraint {
  readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: Axis;
  constructor(config: MinMaxNormConfig = {}) {
    this.minValue = config.minValue ?? 0;
    this.maxValue = config.maxValue ?? 1;
    this.rate = config.rate ?? 1;
    this.axis = config.axis ?? 0;
    checkRange(this.minValue, this.maxValue);
    if (!(this.rate >= 0 && this.rate <= 1))
      throw new ConfigError(`minMaxNorm rate must be in [0, 1], got ${this.rate}.`);
  }
  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const norms = l2Norms(w, this.axis);
      const clipped = tf.clipByValue(norms, this.minValue, this.maxValue);
      const desired = tf.add(tf.mul(this.rate, clipped), tf.mul(1 - this.rate, norms));
      return tf.mul(w, tf.div(desired, tf.add(norms, EPSILON)));
    });
  }
  getConfig(): Record<string, unknown> {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axis };
  }
}
