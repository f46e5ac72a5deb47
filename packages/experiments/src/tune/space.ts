import { ConfigError, type Random } from '@tensorfold/core';

/** One value of a hyperparameter. */
export type HpValue = number | string | boolean;

/** The hyperparameters of one trial, by name. */
export type Hyperparameters = Record<string, HpValue>;

/** A hyperparameter's range: `choice`, `intRange`, `floatRange` or `boolean`. */
export type HpParam =
  | { kind: 'choice'; values: readonly HpValue[] }
  | { kind: 'int'; min: number; max: number; step: number }
  | { kind: 'float'; min: number; max: number; log: boolean; step?: number; gridPoints: number }
  | { kind: 'boolean' };

/** A search space: a range per hyperparameter name. */
export type SearchSpace = Record<string, HpParam>;

/** One of `values` (strings, numbers or booleans). */
export function choice(values: readonly HpValue[]): HpParam {
  return { kind: 'choice', values: [...values] };
}

/** Options of {@link intRange}. */
export interface IntRangeArgs {
  /** The distance between neighbouring values (`min`, `min + step`...). Default 1. */
  step?: number;
}

/** An integer from `min` to `max` (both included), on the grid `min + k * step`. */
export function intRange(min: number, max: number, args: IntRangeArgs = {}): HpParam {
  return { kind: 'int', min, max, step: args.step ?? 1 };
}

/** Options of {@link floatRange}. */
export interface FloatRangeArgs {
  /** Sample uniformly in log space (for learning rates, say); needs `min > 0`. Default `false`. */
  log?: boolean;
  /** Only values `min + k * step` (or `min * step^k` with `log`). Default: none (continuous). */
  step?: number;
  /** Without `step`, how many evenly spaced values (in log space with `log`) grid search tries. Default 3. */
  gridPoints?: number;
}

/** A number from `min` to `max` (both included). */
export function floatRange(min: number, max: number, args: FloatRangeArgs = {}): HpParam {
  return {
    kind: 'float',
    min,
    max,
    log: args.log ?? false,
    step: args.step,
    gridPoints: args.gridPoints ?? 3,
  };
}

/** `true` or `false`. */
export function boolean(): HpParam {
  return { kind: 'boolean' };
}

/**
 * Checks that every range of `space` holds at least one value.
 *
 * @throws ConfigError naming the hyperparameter whose range is empty or malformed.
 */
export function checkSpace(space: SearchSpace): void {
  const names = Object.keys(space);
  if (names.length === 0)
    throw new ConfigError('tune: the search space is empty; give at least one hyperparameter.');
  for (const [name, p] of Object.entries(space)) {
    const bad = (why: string) =>
      new ConfigError(`tune: hyperparameter "${name}" has no valid value: ${why}.`);
    if (p.kind === 'choice' && p.values.length === 0)
      throw bad('choice([]) is empty; list at least one value');
    if (p.kind === 'int' || p.kind === 'float') {
      if (!Number.isFinite(p.min) || !Number.isFinite(p.max) || p.min > p.max)
        throw bad(`the range ${p.min}..${p.max} is empty; give min <= max`);
      if (p.step !== undefined && !(p.step > 0)) throw bad(`step ${p.step} must be > 0`);
    }
    if (p.kind === 'int' && (!Number.isInteger(p.min) || !Number.isInteger(p.step)))
      throw bad(`intRange needs an integer min and step (got ${p.min}, ${p.step})`);
    if (p.kind === 'float') {
      if (p.log && p.min <= 0) throw bad(`a log range needs min > 0 (got ${p.min})`);
      if (p.log && p.step !== undefined && p.step <= 1)
        throw bad(`a log range's step is a factor, > 1 (got ${p.step})`);
      if (!Number.isInteger(p.gridPoints) || p.gridPoints < 1)
        throw bad(`gridPoints must be >= 1 (got ${p.gridPoints})`);
    }
  }
}

/** Every value of `p` grid search tries, in order. */
export function gridValues(p: HpParam): HpValue[] {
  switch (p.kind) {
    case 'choice':
      return [...p.values];
    case 'boolean':
      return [false, true];
    case 'int': {
      const out: number[] = [];
      for (let v = p.min; v <= p.max; v += p.step) out.push(v);
      return out;
    }
    case 'float': {
      if (p.step !== undefined) {
        const out: number[] = [];
        for (let k = 0; ; k++) {
          const v = p.log ? p.min * p.step ** k : p.min + k * p.step;
          if (v > p.max * (1 + 1e-12)) break;
          out.push(v);
        }
        return out;
      }
      if (p.gridPoints === 1 || p.min === p.max) return [p.min];
      return Array.from({ length: p.gridPoints }, (_, i) => {
        const t = i / (p.gridPoints - 1);
        return p.log
          ? Math.exp(Math.log(p.min) + t * (Math.log(p.max) - Math.log(p.min)))
          : p.min + t * (p.max - p.min);
      });
    }
  }
}

/** One value of `p` drawn with `random` (uniform; log-uniform for `log` floats). */
export function sampleValue(p: HpParam, random: Random): HpValue {
  switch (p.kind) {
    case 'choice':
      return p.values[random.int(p.values.length)];
    case 'boolean':
      return random.int(2) === 1;
    case 'int':
      return p.min + p.step * random.int(Math.floor((p.max - p.min) / p.step) + 1);
    case 'float': {
      if (p.step !== undefined) {
        const values = gridValues(p);
        return values[random.int(values.length)];
      }
      if (p.log) return Math.exp(random.uniformIn(Math.log(p.min), Math.log(p.max)));
      return random.uniformIn(p.min, p.max);
    }
  }
}

/** Every point of the grid of `space` (the last name varies fastest). */
export function gridPoints(space: SearchSpace): Hyperparameters[] {
  let points: Hyperparameters[] = [{}];
  for (const [name, p] of Object.entries(space)) {
    const values = gridValues(p);
    points = points.flatMap((point) => values.map((v) => ({ ...point, [name]: v })));
  }
  return points;
}
