import { ConfigError, type Sequential, type Shape, sequential } from '@tensorfold/core';
import { dense, dropout, flatten } from '@tensorfold/layers';

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Shape of one sample (positive integers); inputs of rank > 1 (images) are flattened first. Default `[28, 28, 1]`. */
  inputShape?: Shape;
  /** Units of each hidden layer. Default `[512, 256]` (the 784-512-256-10 network of the benchmarks). */
  hiddenUnits?: number[];
  /** Output units. Default 10. */
  outputUnits?: number;
  /** Activation of the hidden layers. Default `'relu'`. */
  activation?: string;
  /**
   * Activation of the output: `'softmax'` (default, classification), `'sigmoid'` (binary or multi-label) or
   * `'linear'` (regression).
   */
  outputActivation?: string;
  /** Dropout rate after each hidden layer (0 to 1). Default 0 (none). */
  dropout?: number;
  /** Model name. Default `mlp`. */
  name?: string;
}

/**
 * A multilayer perceptron: fully connected hidden layers and an output layer, as a sequential model.
 *
 * @example
 * const model = mlp({ inputShape: [4], hiddenUnits: [16], outputUnits: 3 }); // Iris
 * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 */
export function mlp(options: MlpOptions = {}): Sequential {
  const {
    inputShape = [28, 28, 1],
    hiddenUnits = [512, 256],
    outputUnits = 10,
    activation = 'relu',
    outputActivation = 'softmax',
    dropout: rate = 0,
    name = 'mlp',
  } = options;
  if (
    !Array.isArray(inputShape) ||
    inputShape.length === 0 ||
    inputShape.some((d) => !Number.isInteger(d) || (d as number) < 1)
  ) {
    throw new ConfigError(
      `inputShape must be a non-empty list of positive integers (one sample's shape, e.g. [28, 28, 1] or [4]), got ${JSON.stringify(inputShape)}.`,
    );
  }
  if (!Array.isArray(hiddenUnits)) {
    throw new ConfigError(
      `hiddenUnits must be a list of layer sizes (e.g. [512, 256], or [] for none), got ${JSON.stringify(hiddenUnits)}.`,
    );
  }
  if (hiddenUnits.some((u) => !Number.isInteger(u) || u < 1)) {
    throw new ConfigError(`hiddenUnits must be positive integers, got [${hiddenUnits}].`);
  }
  if (!(rate >= 0 && rate < 1)) throw new ConfigError(`dropout must be in [0, 1), got ${rate}.`);
  const layers = [];
  const flat = inputShape.length > 1;
  if (flat) layers.push(flatten({ inputShape, name: 'flatten' }));
  hiddenUnits.forEach((units, i) => {
    layers.push(
      dense({ units, activation, name: `hidden_${i + 1}`, ...(i === 0 && !flat ? { inputShape } : {}) }),
    );
    if (rate > 0) layers.push(dropout({ rate, name: `dropout_${i + 1}` }));
  });
  layers.push(
    dense({
      units: outputUnits,
      activation: outputActivation,
      name: 'output',
      ...(hiddenUnits.length === 0 && !flat ? { inputShape } : {}),
    }),
  );
  return sequential({ name, layers });
}
