/**
 * Learning-rate schedules with Keras's names, options and formulas. `step` is the number of updates
 * done so far (the optimizer's `iterations`), so the first update uses `at(0)`.
 */
import { ConfigError } from '@tensorfold/core';
import { checkInteger, checkNonNegative, checkPositive } from '../checks.js';
import { type LearningRateSchedule, registerSchedule } from './schedule.js';

/** Options of {@link constantSchedule}. */
export interface ConstantScheduleArgs {
  /** The learning rate at every step. */
  learningRate: number;
}

/** The same learning rate at every step (useful where a schedule object is expected). */
export class ConstantSchedule implements LearningRateSchedule {
  readonly className = 'ConstantSchedule';
  readonly learningRate: number;

  constructor(args: ConstantScheduleArgs) {
    this.learningRate = checkNonNegative(args?.learningRate, 'constantSchedule learningRate');
  }

  at(_step: number): number {
    return this.learningRate;
  }

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate };
  }
}

/** Options of {@link piecewiseConstantDecay}. */
export interface PiecewiseConstantDecayArgs {
  /** Increasing step numbers where the rate changes. */
  boundaries: number[];
  /** One more value than boundaries: `values[0]` up to and including `boundaries[0]`, and so on. */
  values: number[];
}

/**
 * A step function: `values[0]` while `step <= boundaries[0]`, `values[i]` while
 * `boundaries[i-1] < step <= boundaries[i]`, and the last value after the last boundary.
 *
 * @example
 * adam({ learningRate: piecewiseConstantDecay({ boundaries: [1000, 2000], values: [1e-3, 5e-4, 1e-4] }) });
 */
export class PiecewiseConstantDecay implements LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: number[];
  readonly values: number[];

  constructor(args: PiecewiseConstantDecayArgs) {
    const { boundaries, values } = args ?? ({} as PiecewiseConstantDecayArgs);
    if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1) {
      throw new ConfigError(
        'piecewiseConstantDecay needs boundaries and values arrays with one more value than boundaries, e.g. {boundaries: [100], values: [0.1, 0.01]}.',
      );
    }
    boundaries.forEach((b, i) => {
      checkNonNegative(b, `piecewiseConstantDecay boundaries[${i}]`);
      if (i > 0 && b <= boundaries[i - 1])
        throw new ConfigError(`piecewiseConstantDecay boundaries must increase, got [${boundaries}].`);
    });
    for (const [i, v] of values.entries()) checkNonNegative(v, `piecewiseConstantDecay values[${i}]`);
    this.boundaries = [...boundaries];
    this.values = [...values];
  }

  at(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return i === -1 ? this.values[this.values.length - 1] : this.values[i];
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: this.boundaries, values: this.values };
  }
}

/** Options of {@link exponentialDecay} and {@link inverseTimeDecay}. */
export interface DecayArgs {
  /** The rate at step 0. */
  initialLearningRate: number;
  /** Steps over which the rate is multiplied (exponential) or divided (inverse time) by one `decayRate`. */
  decaySteps: number;
  /** The decay factor. */
  decayRate: number;
  /** Change the rate only every `decaySteps` steps (integer division). Default `false`. */
  staircase?: boolean;
}

/**
 * What exponential and inverse-time decay share: their options, the progress `step / decaySteps`
 * (floored when `staircase`) and their config; each applies its own formula to that progress.
 */
abstract class ProgressDecay implements LearningRateSchedule {
  abstract readonly className: string;
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  /** `who` names the factory in errors; `decayRateCheck` says which decay rates make sense. */
  protected constructor(
    args: DecayArgs,
    who: string,
    decayRateCheck: (value: unknown, what: string) => number,
  ) {
    this.initialLearningRate = checkNonNegative(args?.initialLearningRate, `${who} initialLearningRate`);
    this.decaySteps = checkPositive(args.decaySteps, `${who} decaySteps`);
    this.decayRate = decayRateCheck(args.decayRate, `${who} decayRate`);
    this.staircase = args.staircase ?? false;
  }

  at(step: number): number {
    const progress = step / this.decaySteps;
    return this.decayed(this.staircase ? Math.floor(progress) : progress);
  }

  /** The rate after `progress` decay periods. */
  protected abstract decayed(progress: number): number;

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      decayRate: this.decayRate,
      staircase: this.staircase,
    };
  }
}

/**
 * `initialLearningRate * decayRate ^ (step / decaySteps)` (the exponent floored when `staircase`).
 */
export class ExponentialDecay extends ProgressDecay {
  readonly className = 'ExponentialDecay';

  constructor(args: DecayArgs) {
    super(args, 'exponentialDecay', checkPositive);
  }

  protected decayed(progress: number): number {
    return this.initialLearningRate * this.decayRate ** progress;
  }
}

/** `initialLearningRate / (1 + decayRate * step / decaySteps)` (the ratio floored when `staircase`). */
export class InverseTimeDecay extends ProgressDecay {
  readonly className = 'InverseTimeDecay';

  constructor(args: DecayArgs) {
    super(args, 'inverseTimeDecay', checkNonNegative);
  }

  protected decayed(progress: number): number {
    return this.initialLearningRate / (1 + this.decayRate * progress);
  }
}

/** Options of {@link cosineDecay}. */
export interface CosineDecayArgs {
  /** The rate at step 0 (the start of the warm-up, when there is one). */
  initialLearningRate: number;
  /** Steps of the cosine decay (after the warm-up). */
  decaySteps: number;
  /** The final rate as a fraction of the decayed-from rate. Default 0. */
  alpha?: number;
  /** Steps of linear warm-up from `initialLearningRate` to `warmupTarget`. Default 0. */
  warmupSteps?: number;
  /** The rate reached at the end of the warm-up, from which the cosine decays. Default: no warm-up. */
  warmupTarget?: number | null;
}

/**
 * Cosine decay with optional linear warm-up (SGDR without restarts), as Keras's `CosineDecay`:
 * during the first `warmupSteps` the rate rises linearly from `initialLearningRate` to `warmupTarget`;
 * then over `decaySteps` it follows `r * ((1 - alpha) * 0.5 * (1 + cos(pi * t / decaySteps)) + alpha)`
 * where `r` is the warm-up target (or `initialLearningRate` without warm-up), and stays at `r * alpha`.
 *
 * @example
 * adamw({ learningRate: cosineDecay({ initialLearningRate: 0, warmupTarget: 1e-3, warmupSteps: 500, decaySteps: 10_000 }) });
 */
export class CosineDecay implements LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupSteps: number;
  readonly warmupTarget: number | null;

  constructor(args: CosineDecayArgs) {
    this.initialLearningRate = checkNonNegative(args?.initialLearningRate, 'cosineDecay initialLearningRate');
    this.decaySteps = checkPositive(args.decaySteps, 'cosineDecay decaySteps');
    this.alpha = checkNonNegative(args.alpha ?? 0, 'cosineDecay alpha');
    this.warmupSteps = checkInteger(args.warmupSteps ?? 0, 'cosineDecay warmupSteps');
    this.warmupTarget =
      args.warmupTarget == null ? null : checkNonNegative(args.warmupTarget, 'cosineDecay warmupTarget');
    if (this.warmupSteps > 0 && this.warmupTarget === null) {
      throw new ConfigError(
        'cosineDecay warmupSteps needs a warmupTarget (the rate to reach at the end of the warm-up).',
      );
    }
  }

  at(step: number): number {
    const warmup = this.warmupTarget === null ? 0 : this.warmupSteps;
    if (step < warmup) {
      const target = this.warmupTarget as number;
      return this.initialLearningRate + (target - this.initialLearningRate) * (step / warmup);
    }
    const from = this.warmupTarget ?? this.initialLearningRate;
    const fraction = Math.min(step - warmup, this.decaySteps) / this.decaySteps;
    const cosine = 0.5 * (1 + Math.cos(Math.PI * fraction));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      alpha: this.alpha,
      warmupSteps: this.warmupSteps,
      warmupTarget: this.warmupTarget,
    };
  }
}

/** Options of {@link polynomialDecay}. */
export interface PolynomialDecayArgs {
  initialLearningRate: number;
  /** Steps to go from the initial to the end rate. */
  decaySteps: number;
  /** Default 1e-4. */
  endLearningRate?: number;
  /** Default 1 (linear). */
  power?: number;
  /** Start a new, longer decay when `decaySteps` is reached. Default `false`. */
  cycle?: boolean;
}

/**
 * `(initial - end) * (1 - step / decaySteps) ^ power + end`, held at `end` afterwards (or, with
 * `cycle`, restarted over the next multiple of `decaySteps`).
 */
export class PolynomialDecay implements LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;

  constructor(args: PolynomialDecayArgs) {
    this.initialLearningRate = checkNonNegative(
      args?.initialLearningRate,
      'polynomialDecay initialLearningRate',
    );
    this.decaySteps = checkPositive(args.decaySteps, 'polynomialDecay decaySteps');
    this.endLearningRate = checkNonNegative(args.endLearningRate ?? 1e-4, 'polynomialDecay endLearningRate');
    this.power = checkPositive(args.power ?? 1, 'polynomialDecay power');
    this.cycle = args.cycle ?? false;
  }

  at(step: number): number {
    let steps = this.decaySteps;
    let s = step;
    if (this.cycle) steps = this.decaySteps * Math.max(1, Math.ceil(step / this.decaySteps));
    else s = Math.min(step, this.decaySteps);
    return (
      (this.initialLearningRate - this.endLearningRate) * (1 - s / steps) ** this.power + this.endLearningRate
    );
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      endLearningRate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
    };
  }
}

/** A constant learning rate as a schedule object. */
export function constantSchedule(args: ConstantScheduleArgs): ConstantSchedule {
  return new ConstantSchedule(args);
}
/** A step-function schedule (see {@link PiecewiseConstantDecay}). */
export function piecewiseConstantDecay(args: PiecewiseConstantDecayArgs): PiecewiseConstantDecay {
  return new PiecewiseConstantDecay(args);
}
/** Exponential decay (see {@link ExponentialDecay}). */
export function exponentialDecay(args: DecayArgs): ExponentialDecay {
  return new ExponentialDecay(args);
}
/** Inverse-time decay (see {@link InverseTimeDecay}). */
export function inverseTimeDecay(args: DecayArgs): InverseTimeDecay {
  return new InverseTimeDecay(args);
}
/** Cosine decay with optional warm-up (see {@link CosineDecay}). */
export function cosineDecay(args: CosineDecayArgs): CosineDecay {
  return new CosineDecay(args);
}
/** Polynomial decay (see {@link PolynomialDecay}). */
export function polynomialDecay(args: PolynomialDecayArgs): PolynomialDecay {
  return new PolynomialDecay(args);
}

registerSchedule('ConstantSchedule', (c) => new ConstantSchedule(c as unknown as ConstantScheduleArgs));
registerSchedule(
  'PiecewiseConstantDecay',
  (c) => new PiecewiseConstantDecay(c as unknown as PiecewiseConstantDecayArgs),
);
registerSchedule('ExponentialDecay', (c) => new ExponentialDecay(c as unknown as DecayArgs));
registerSchedule('InverseTimeDecay', (c) => new InverseTimeDecay(c as unknown as DecayArgs));
registerSchedule('CosineDecay', (c) => new CosineDecay(c as unknown as CosineDecayArgs));
registerSchedule('PolynomialDecay', (c) => new PolynomialDecay(c as unknown as PolynomialDecayArgs));
