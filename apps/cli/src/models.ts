import { ConfigError, type Sequential } from '@tensorfold/core';
import { mlp } from '@tensorfold/models-classic';
import { lenet5 } from '@tensorfold/models-cnn';
import { MODEL_CATALOG, type ModelDefaults } from './catalog.js';

/** A model the CLI can build, with the training defaults that suit it. */
export interface ModelEntry {
  description: string;
  build(numClasses: number): Sequential;
  defaults: ModelDefaults;
}

const builders: Record<string, (numClasses: number) => Sequential> = {
  lenet5: (numClasses) => lenet5({ numClasses }),
  mlp: (numClasses) => mlp({ outputUnits: numClasses }),
};

/** The entry for `name`, or a ConfigError listing the models. */
export function modelEntry(name: string): ModelEntry {
  const key = name.toLowerCase();
  const info = MODEL_CATALOG[key];
  if (!info)
    throw new ConfigError(
      `Unknown model "${name}". Available models: ${Object.keys(MODEL_CATALOG).join(', ')}.`,
    );
  return { ...info, build: builders[key] };
}
