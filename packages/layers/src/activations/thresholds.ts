/**
 * The threshold functions of the early neuron models (seed 003, "Deep Learning - introduction"):
 * the step function, the sign function and the piecewise linear function.
 *
 * Step and sign are flat almost everywhere: their derivative is 0 wherever it exists and undefined
 * at the jump. tensorfold gives them a zero gradient, so backpropagation passes nothing through
 * them and the layers before them do not learn. Train networks of such units with the perceptron,
 * delta or MRI rules (`@tensorfold/models-classic`), or train with `sigmoid`/`tanh` and switch.
 */
import { ConfigError, tf } from '@tensorfold/core';
import { ActivationFunction } from './activation-function.js';

/** An op whose value is `forward(x)` and whose gradient is zero. */
function withZeroGradient(forward: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: forward(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return (x) => op(x);
}

/** Options of {@link Step}. */
export interface StepConfig {
  /** Inputs at or above it give 1, below it 0. Default 0 (the text writes the bias into the input). */
  threshold?: number;
}

/**
 * The step (Heaviside) function of the McCulloch-Pitts neuron: `1` if `x >= threshold`, else `0`.
 * Zero gradient (see the module notes).
 */
export class Step extends ActivationFunction {
  readonly className = 'step';
  readonly gradient = 'zero';
  readonly threshold: number;
  private readonly op: (x: tf.Tensor) => tf.Tensor;
  constructor(config: StepConfig = {}) {
    super();
    this.threshold = config.threshold ?? 0;
    if (!Number.isFinite(this.threshold)) throw new ConfigError('step threshold must be a finite number.');
    this.op = withZeroGradient((x) => tf.cast(tf.greaterEqual(x, this.threshold), 'float32'));
  }
  apply(x: tf.Tensor): tf.Tensor {
    return this.op(x);
  }
  override getConfig(): Record<string, unknown> {
    return { threshold: this.threshold };
  }
}

/**
 * The bipolar sign function of the perceptron (seed 003's fruit example): `1` if `x >= 0`, else
 * `-1`. Unlike `Math.sign`, 0 maps to +1, so the output is always a class label. Zero gradient.
 */
export class Sign extends ActivationFunction {
  readonly className = 'sign';
  readonly gradient = 'zero';
  private readonly op = withZeroGradient((x) =>
    tf.sub(tf.mul(tf.cast(tf.greaterEqual(x, 0), 'float32'), 2), 1),
  );
  apply(x: tf.Tensor): tf.Tensor {
    return this.op(x);
  }
}

/** Options of {@link PiecewiseLinear}. */
export interface PiecewiseLinearConfig {
  /** Where the output saturates: -1 at or below `-threshold`, 1 at or above it. Default 0.5. */
  threshold?: number;
}

/**
 * The piecewise linear function of seed 003: `1` for `x >= t`, `-1` for `x <= -t`, linear in
 * between, with `t = 1/2`.
 *
 * The text writes the middle piece as `x` itself, which would jump from 1/2 to 1 at the breakpoint.
 * We keep its breakpoints and its output levels and join them with a straight line, `x / t`, so
 * the function is continuous (with `threshold: 1` it is the "hard tanh"). Gradient `1 / t` between
 * the breakpoints, 0 outside.
 */
export class PiecewiseLinear extends ActivationFunction {
  readonly className = 'piecewiseLinear';
  readonly gradient = 'kinked';
  readonly threshold: number;
  constructor(config: PiecewiseLinearConfig = {}) {
    super();
    this.threshold = config.threshold ?? 0.5;
    if (!(this.threshold > 0)) {
      throw new ConfigError(`piecewiseLinear threshold must be positive, got ${this.threshold}.`);
    }
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.clipByValue(tf.div(x, this.threshold), -1, 1));
  }
  override getConfig(): Record<string, unknown> {
    return { threshold: this.threshold };
  }
}
