/**
 * Weight initializers, usable by name in any layer (`kernelInitializer: 'heNormal'`) or as objects
 * (`kernelInitializer: initializers.heNormal({seed: 1})`). Random ones take a `seed`; without one
 * they take the next seed of the global generator when made, so `setSeed(n)` makes a whole model's
 * starting weights repeatable.
 * @module
 */
import { ConfigError, type Initializer, register, resolve, type SerializedObject } from '@tensorfold/core';
import { Constant, type ConstantConfig, Ones, Zeros } from './constant.js';
import { Identity, type IdentityConfig, Orthogonal, type OrthogonalConfig } from './orthogonal.js';
import {
  RandomNormal,
  type RandomNormalConfig,
  RandomUniform,
  type RandomUniformConfig,
  TruncatedNormal,
} from './random.js';
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LeCunNormal,
  LeCunUniform,
  type SeedConfig,
  VarianceScaling,
  type VarianceScalingConfig,
} from './variance-scaling.js';

export * from './constant.js';
export { computeFans } from './fans.js';
export * from './orthogonal.js';
export * from './random.js';
export * from './variance-scaling.js';

/** What an initializer option accepts: a name, an object, or a saved `{className, config}`. */
export type InitializerSpec = string | Initializer | SerializedObject;

type Config = Record<string, unknown>;
register('initializer', 'Zeros', () => new Zeros(), ['zero']);
register('initializer', 'Ones', () => new Ones(), ['one']);
register('initializer', 'Constant', (c: Config) => new Constant(c as unknown as ConstantConfig));
register('initializer', 'RandomUniform', (c: Config) => new RandomUniform(c), ['uniform']);
register('initializer', 'RandomNormal', (c: Config) => new RandomNormal(c), ['normal']);
register('initializer', 'TruncatedNormal', (c: Config) => new TruncatedNormal(c));
register('initializer', 'VarianceScaling', (c: Config) => new VarianceScaling(c));
register('initializer', 'GlorotUniform', (c: Config) => new GlorotUniform(c), ['xavierUniform']);
register('initializer', 'GlorotNormal', (c: Config) => new GlorotNormal(c), ['xavierNormal']);
register('initializer', 'HeUniform', (c: Config) => new HeUniform(c));
register('initializer', 'HeNormal', (c: Config) => new HeNormal(c));
register('initializer', 'LeCunUniform', (c: Config) => new LeCunUniform(c));
register('initializer', 'LeCunNormal', (c: Config) => new LeCunNormal(c));
register('initializer', 'Orthogonal', (c: Config) => new Orthogonal(c));
register('initializer', 'Identity', (c: Config) => new Identity(c), ['eye']);

/**
 * The initializer an option names, or `fallback` (a name) when the option is not given.
 * @throws ConfigError listing the known names when the name is unknown.
 */
export function getInitializer(spec: InitializerSpec | null | undefined, fallback: string): Initializer {
  const init = resolve<Initializer>('initializer', spec ?? null, fallback) as Initializer;
  if (typeof init?.apply !== 'function') {
    throw new ConfigError(
      `An initializer must be a name such as 'glorotUniform', an object with apply(shape), or {className, config}; got ${JSON.stringify(spec)}.`,
    );
  }
  return init;
}

/** Factories for initializer objects: `initializers.heNormal({seed: 42})`. */
export const initializers = {
  /** All zeros. */
  zeros: () => new Zeros(),
  /** All ones. */
  ones: () => new Ones(),
  /** Every element `value`. */
  constant: (config: ConstantConfig) => new Constant(config),
  /** Uniform in [minval, maxval) (default ±0.05). */
  randomUniform: (config?: RandomUniformConfig) => new RandomUniform(config),
  /** Normal (default mean 0, stddev 0.05). */
  randomNormal: (config?: RandomNormalConfig) => new RandomNormal(config),
  /** Normal truncated at two standard deviations. */
  truncatedNormal: (config?: RandomNormalConfig) => new TruncatedNormal(config),
  /** Variance `scale / fan` (see {@link VarianceScaling}). */
  varianceScaling: (config?: VarianceScalingConfig) => new VarianceScaling(config),
  /** ±√(6 / (fanIn + fanOut)). */
  glorotUniform: (config?: SeedConfig) => new GlorotUniform(config),
  /** Truncated normal, variance 2 / (fanIn + fanOut). */
  glorotNormal: (config?: SeedConfig) => new GlorotNormal(config),
  /** ±√(6 / fanIn). */
  heUniform: (config?: SeedConfig) => new HeUniform(config),
  /** Truncated normal, variance 2 / fanIn. */
  heNormal: (config?: SeedConfig) => new HeNormal(config),
  /** ±√(3 / fanIn). */
  leCunUniform: (config?: SeedConfig) => new LeCunUniform(config),
  /** Truncated normal, variance 1 / fanIn. */
  leCunNormal: (config?: SeedConfig) => new LeCunNormal(config),
  /** A random orthogonal matrix. */
  orthogonal: (config?: OrthogonalConfig) => new Orthogonal(config),
  /** The identity matrix times gain. */
  identity: (config?: IdentityConfig) => new Identity(config),
};
