/**
 * Activations usable by name in any layer (`activation: 'relu'`) or as objects with options
 * (`activation: activations.leakyRelu({alpha: 0.1})`).
 *
 * | name | gradient |
 * | --- | --- |
 * | linear, sigmoid, tanh, softmax, logSoftmax, softplus, softsign, swish, gelu, mish | smooth |
 * | relu, relu6, leakyRelu, generalizedRelu, elu, selu, hardSigmoid, piecewiseLinear | defined except at kinks (tfjs takes the one-sided value there) |
 * | step, sign | zero everywhere (undefined at the jump): backpropagation cannot train through them |
 *
 * @module
 */

import * as rect from './rectifiers.js';
import {
  Elu,
  type EluConfig,
  GeneralizedRelu,
  type GeneralizedReluConfig,
  LeakyRelu,
  type LeakyReluConfig,
} from './rectifiers.js';
import { LogSoftmax, SoftmaxActivation } from './softmax.js';
import * as squash from './squashing.js';
import { PiecewiseLinear, type PiecewiseLinearConfig, Sign, Step, type StepConfig } from './thresholds.js';

export * from './activation-function.js';
export * from './rectifiers.js';
export * from './registry.js';
export * from './softmax.js';
export * from './squashing.js';
export * from './thresholds.js';

/** Factories for activation objects: `activations.leakyRelu({alpha: 0.1})`. */
export const activations = {
  /** Identity. */
  linear: () => new rect.Linear(),
  /** max(0, x). */
  relu: () => new rect.Relu(),
  /** min(max(0, x), 6). */
  relu6: () => new rect.Relu6(),
  /** x for x > 0, alpha x otherwise (alpha default 0.2). */
  leakyRelu: (config?: LeakyReluConfig) => new LeakyRelu(config),
  /** max(0, z) + a min(0, z); a = -1 is absolute value rectification. */
  generalizedRelu: (config?: GeneralizedReluConfig) => new GeneralizedRelu(config),
  /** x for x > 0, alpha (exp(x) - 1) otherwise. */
  elu: (config?: EluConfig) => new Elu(config),
  /** Self-normalizing scaled elu. */
  selu: () => new rect.Selu(),
  /** 1 / (1 + exp(-x)). */
  sigmoid: () => new squash.Sigmoid(),
  /** clip(0.2 x + 0.5, 0, 1). */
  hardSigmoid: () => new squash.HardSigmoid(),
  /** Hyperbolic tangent. */
  tanh: () => new squash.Tanh(),
  /** Probabilities along the last axis. */
  softmax: () => new SoftmaxActivation(),
  /** Log-probabilities along the last axis. */
  logSoftmax: () => new LogSoftmax(),
  /** log(1 + exp(x)). */
  softplus: () => new squash.Softplus(),
  /** x / (1 + |x|). */
  softsign: () => new squash.Softsign(),
  /** x sigmoid(x). */
  swish: () => new squash.Swish(),
  /** x Φ(x). */
  gelu: () => new squash.Gelu(),
  /** x tanh(softplus(x)). */
  mish: () => new squash.Mish(),
  /** 1 if x >= threshold, else 0 (zero gradient). */
  step: (config?: StepConfig) => new Step(config),
  /** 1 if x >= 0, else -1 (zero gradient). */
  sign: () => new Sign(),
  /** -1, linear, 1 with breakpoints at ±threshold (default 0.5). */
  piecewiseLinear: (config?: PiecewiseLinearConfig) => new PiecewiseLinear(config),
};
