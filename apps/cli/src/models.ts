import { ConfigError, type Sequential } from '@tensorfold/core';
import { mlp } from '@tensorfold/models-classic';
import { lenet5 } from '@tensorfold/models-cnn';

/** A model the CLI can build, with the training defaults that suit it. */
export interface ModelEntry {
  description: string;
  build(numClasses: number): Sequential;
  defaults: { epochs: number; batchSize: number; learningRate: number };
}

/** The models `tensorfold train` and `tensorfold summary` know. */
export const MODELS: Record<string, ModelEntry> = {
  lenet5: {
    description: 'LeNet-5 as in the lecture slides: conv 8@3x3, pool, conv 16@5x5, pool, dense 120-84-10 (62,430 params)',
    build: (numClasses) => lenet5({ numClasses }),
    defaults: { epochs: 1, batchSize: 64, learningRate: 1e-3 },
  },
  mlp: {
    description: 'Multilayer perceptron 784-512-256-10 with ReLU',
    build: (numClasses) => mlp({ outputUnits: numClasses }),
    defaults: { epochs: 3, batchSize: 128, learningRate: 1e-3 },
  },
};

/** The entry for `name`, or a ConfigError listing the models. */
export function modelEntry(name: string): ModelEntry {
  const entry = MODELS[name.toLowerCase()];
  if (!entry) throw new ConfigError(`Unknown model "${name}". Available models: ${Object.keys(MODELS).join(', ')}.`);
  return entry;
}
