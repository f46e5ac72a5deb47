/**
 * Registers every activation under its name, so any layer accepts `activation: 'relu'`, and
 * converts between activation objects and the form saved in layer configs.
 */
import { type Activation, ConfigError, register, resolve, type SerializedObject } from '@tensorfold/core';
import type { ActivationFunction, FusedActivation } from './activation-function.js';
import * as rect from './rectifiers.js';
import { LogSoftmax, SoftmaxActivation } from './softmax.js';
import * as squash from './squashing.js';
import { PiecewiseLinear, Sign, Step } from './thresholds.js';

/** What a layer's `activation` option accepts: a name, an object, or a saved `{className, config}`. */
export type ActivationSpec = string | Activation | SerializedObject;

type Config = Record<string, unknown>;
const entries: Array<[string, (c: Config) => ActivationFunction, string[]]> = [
  ['linear', () => new rect.Linear(), []],
  ['relu', () => new rect.Relu(), []],
  ['relu6', () => new rect.Relu6(), []],
  ['leakyRelu', (c) => new rect.LeakyRelu(c), []],
  ['generalizedRelu', (c) => new rect.GeneralizedRelu(c), []],
  ['absoluteValueRectification', () => new rect.GeneralizedRelu({ alpha: -1 }), []],
  ['elu', (c) => new rect.Elu(c), []],
  ['selu', () => new rect.Selu(), []],
  ['sigmoid', () => new squash.Sigmoid(), []],
  ['hardSigmoid', () => new squash.HardSigmoid(), []],
  ['tanh', () => new squash.Tanh(), []],
  ['softmax', () => new SoftmaxActivation(), []],
  ['logSoftmax', () => new LogSoftmax(), []],
  ['softplus', () => new squash.Softplus(), []],
  ['softsign', () => new squash.Softsign(), []],
  ['swish', () => new squash.Swish(), ['silu']],
  ['gelu', () => new squash.Gelu(), []],
  ['mish', () => new squash.Mish(), []],
  ['step', (c) => new Step(c), ['heaviside', 'threshold']],
  ['sign', () => new Sign(), ['signum']],
  ['piecewiseLinear', (c) => new PiecewiseLinear(c), []],
];
for (const [name, factory, aliases] of entries) register('activation', name, factory, aliases);

/**
 * The activation an option names. `null`/`undefined` gives `linear` (no activation), as in Keras.
 * @throws ConfigError listing the known names when the name is unknown.
 */
export function getActivation(spec: ActivationSpec | null | undefined): Activation {
  const activation = resolve<Activation>('activation', spec ?? null) ?? new rect.Linear();
  if (typeof activation.apply !== 'function') {
    throw new ConfigError(
      `activation must be a name such as 'relu', an activation object with apply(x), or {className, config}; got ${JSON.stringify(spec)}.`,
    );
  }
  return activation;
}

/**
 * The form an activation is saved in: its name (`'relu'`) when it has no options, as Keras and
 * TensorFlow.js write it, else `{className, config}`.
 */
export function serializeActivation(activation: Activation): string | SerializedObject {
  const config = activation.getConfig();
  return Object.keys(config).length === 0
    ? activation.className
    : { className: activation.className, config };
}

/** The fused-kernel form of an activation, when it has one. */
export function fusedForm(activation: Activation): FusedActivation | null {
  const fused = (activation as Partial<ActivationFunction>).fused;
  return typeof fused === 'function' ? fused.call(activation) : null;
}
