/**
 * Weight constraints, usable by name (`kernelConstraint: 'nonNeg'`) or as objects
 * (`kernelConstraint: constraints.maxNorm({maxValue: 3})`).
 * @module
 */
import { ConfigError, type Constraint, register, resolve, type SerializedObject } from '@tensorfold/core';
import {
  MaxNorm,
  type MaxNormConfig,
  MinMaxNorm,
  type MinMaxNormConfig,
  NonNeg,
  UnitNorm,
  type UnitNormConfig,
} from './norms.js';

export * from './norms.js';

/** What a constraint option accepts: a name, an object, or a saved `{className, config}`. */
export type ConstraintSpec = string | Constraint | SerializedObject;

register('constraint', 'MaxNorm', (c) => new MaxNorm(c));
register('constraint', 'NonNeg', () => new NonNeg());
register('constraint', 'UnitNorm', (c) => new UnitNorm(c));
register('constraint', 'MinMaxNorm', (c) => new MinMaxNorm(c));

/** The constraint an option names, or null when none is given. */
export function getConstraint(spec: ConstraintSpec | null | undefined): Constraint | null {
  const constraint = resolve<Constraint>('constraint', spec ?? null);
  if (constraint == null) return null;
  if (typeof constraint.apply !== 'function') {
    throw new ConfigError(
      `A constraint must be a name such as 'nonNeg', an object with apply(w), or {className, config}; got ${JSON.stringify(spec)}.`,
    );
  }
  return constraint;
}

/** Factories for constraint objects: `constraints.maxNorm({maxValue: 3})`. */
export const constraints = {
  /** Caps each weight vector's L2 norm at maxValue (default 2). */
  maxNorm: (config?: MaxNormConfig) => new MaxNorm(config),
  /** Zeroes negative weights. */
  nonNeg: () => new NonNeg(),
  /** Rescales each weight vector to norm 1. */
  unitNorm: (config?: UnitNormConfig) => new UnitNorm(config),
  /** Keeps each weight vector's norm within [minValue, maxValue]. */
  minMaxNorm: (config?: MinMaxNormConfig) => new MinMaxNorm(config),
};
