/** The rectifier family: linear, relu, relu6, leakyRelu, the generalized rectifier, elu, selu. */
import { tf } from '@tensorfold/core';
import { ActivationFunction, type FusedActivation } from './activation-function.js';

/** `linear(x) = x`: no non-linearity (regression outputs, logits). Gradient 1. */
export class Linear extends ActivationFunction {
  readonly className = 'linear';
  readonly gradient = 'smooth';
  apply(x: tf.Tensor): tf.Tensor {
    return x;
  }
  override fused(): FusedActivation {
    return { activation: 'linear' };
  }
}

/**
 * `relu(x) = max(0, x)`, the default for hidden layers. Not differentiable at 0; tfjs (like
 * TensorFlow) uses gradient 0 there, and 0 for every negative input ("dying ReLU").
 */
export class Relu extends ActivationFunction {
  readonly className = 'relu';
  readonly gradient = 'kinked';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
  override fused(): FusedActivation {
    return { activation: 'relu' };
  }
}

/** `relu6(x) = min(max(0, x), 6)`; gradient 0 below 0 and above 6. */
export class Relu6 extends ActivationFunction {
  readonly className = 'relu6';
  readonly gradient = 'kinked';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.relu6(x);
  }
  override fused(): FusedActivation {
    return { activation: 'relu6' };
  }
}

/** Options of {@link LeakyRelu}. */
export interface LeakyReluConfig {
  /** Slope for negative inputs. Default 0.2 (as Keras's `leaky_relu` activation). */
  alpha?: number;
}

/** `leakyRelu(x) = x` for x > 0, `alpha * x` otherwise: negative inputs keep a small gradient. */
export class LeakyRelu extends ActivationFunction {
  readonly className = 'leakyRelu';
  readonly gradient = 'kinked';
  readonly alpha: number;
  constructor(config: LeakyReluConfig = {}) {
    super();
    this.alpha = config.alpha ?? 0.2;
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.leakyRelu(x, this.alpha);
  }
  override fused(): FusedActivation {
    return { activation: 'leakyrelu', leakyreluAlpha: this.alpha };
  }
  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha };
  }
}

/** Options of {@link GeneralizedRelu}. */
export interface GeneralizedReluConfig {
  /**
   * Slope `a` for negative inputs. Default 0 (plain relu). `-1` gives absolute value rectification
   * `|z|`; a small positive value a leaky relu. (A learned `a` is the `prelu` layer.)
   */
  alpha?: number;
}

/**
 * The generalized rectifier of the deep-learning notes (seeds 000/001, eq. 8):
 * `g(z) = max(0, z) + a * min(0, z)`. `a = -1` is absolute value rectification, used in image
 * processing; small `a > 0` is the leaky relu. Gradient 1 for z > 0 and `a` for z < 0.
 */
export class GeneralizedRelu extends ActivationFunction {
  readonly className = 'generalizedRelu';
  readonly gradient = 'kinked';
  readonly alpha: number;
  constructor(config: GeneralizedReluConfig = {}) {
    super();
    this.alpha = config.alpha ?? 0;
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (this.alpha === 0) return tf.relu(x);
      return tf.add(tf.relu(x), tf.mul(this.alpha, tf.minimum(x, 0)));
    });
  }
  override fused(): FusedActivation | null {
    return this.alpha === 0 ? { activation: 'relu' } : null;
  }
  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha };
  }
}

/**
 * `x` for x > 0, `alpha (exp(x) − 1)` otherwise, written as `relu(x) + alpha · expm1(min(x, 0))`:
 * a `where` on `x > 0` would need a gradient for the comparison, which tfjs does not have.
 */
export function scaledElu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.mul(alpha, tf.expm1(tf.minimum(x, 0)))));
}

/** Options of {@link Elu}. */
export interface EluConfig {
  /** Value approached for large negative inputs is `-alpha`. Default 1. */
  alpha?: number;
}

/** `elu(x) = x` for x > 0, `alpha * (exp(x) - 1)` otherwise. Smooth when alpha = 1. */
export class Elu extends ActivationFunction {
  readonly className = 'elu';
  readonly gradient = 'kinked';
  readonly alpha: number;
  constructor(config: EluConfig = {}) {
    super();
    this.alpha = config.alpha ?? 1;
  }
  apply(x: tf.Tensor): tf.Tensor {
    return this.alpha === 1 ? tf.elu(x) : scaledElu(x, this.alpha);
  }
  override fused(): FusedActivation | null {
    return this.alpha === 1 ? { activation: 'elu' } : null;
  }
  override getConfig(): Record<string, unknown> {
    // tfjs-layers saves elu without options; only a non-default alpha needs saving.
    return this.alpha === 1 ? {} : { alpha: this.alpha };
  }
}

/**
 * `selu(x) = scale * elu(x, alpha)` with Klambauer et al.'s constants (scale 1.0507, alpha 1.6733):
 * self-normalizing when used with `leCunNormal` initialization.
 */
export class Selu extends ActivationFunction {
  readonly className = 'selu';
  readonly gradient = 'kinked';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.selu(x);
  }
}
