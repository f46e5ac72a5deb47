/** Smooth squashing and gating functions: sigmoid, hardSigmoid, tanh, softplus, softsign, swish, gelu, mish. */
import { tf } from '@tensorfold/core';
import { ActivationFunction, type FusedActivation } from './activation-function.js';

/** `sigmoid(x) = 1 / (1 + exp(-x))`, in (0, 1); gradient `s(1 - s)`, vanishing for large |x|. */
export class Sigmoid extends ActivationFunction {
  readonly className = 'sigmoid';
  readonly gradient = 'smooth';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }
  override fused(): FusedActivation {
    return { activation: 'sigmoid' };
  }
}

/**
 * `hardSigmoid(x) = clip(0.2 x + 0.5, 0, 1)`, a cheap piecewise linear sigmoid (the Keras 2 and
 * TensorFlow.js definition). Gradient 0.2 inside (-2.5, 2.5), 0 outside.
 */
export class HardSigmoid extends ActivationFunction {
  readonly className = 'hardSigmoid';
  readonly gradient = 'kinked';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1));
  }
}

/** `tanh(x)`, in (-1, 1), zero-centred; gradient `1 - tanh²`. */
export class Tanh extends ActivationFunction {
  readonly className = 'tanh';
  readonly gradient = 'smooth';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tanh(x);
  }
}

/** `softplus(x) = log(1 + exp(x))`, a smooth relu. */
export class Softplus extends ActivationFunction {
  readonly className = 'softplus';
  readonly gradient = 'smooth';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.softplus(x);
  }
}

/** `softsign(x) = x / (1 + |x|)`, in (-1, 1). */
export class Softsign extends ActivationFunction {
  readonly className = 'softsign';
  readonly gradient = 'smooth';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.div(x, tf.add(1, tf.abs(x))));
  }
}

/** `swish(x) = x * sigmoid(x)` (also called SiLU). */
export class Swish extends ActivationFunction {
  readonly className = 'swish';
  readonly gradient = 'smooth';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
  }
}

/** `gelu(x) = x * Φ(x) = 0.5 x (1 + erf(x / √2))`, the exact Gaussian error linear unit. */
export class Gelu extends ActivationFunction {
  readonly className = 'gelu';
  readonly gradient = 'smooth';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
  }
}

/** `mish(x) = x * tanh(softplus(x))`. */
export class Mish extends ActivationFunction {
  readonly className = 'mish';
  readonly gradient = 'smooth';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(x, tf.tanh(tf.softplus(x))));
  }
}
