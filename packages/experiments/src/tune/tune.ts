import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Callback,
  ConfigError,
  type Logs,
  type Model,
  Random,
  SerializationError,
  setSeed,
  type TensorContainer,
  tf,
  type ValidationData,
} from '@tensorfold/core';
import { writeAtomically } from '@tensorfold/core/node';
import { checkLogdir } from '../event-file.js';
import { runLogger } from '../run-logger.js';
import { bayesianTrial } from './bayesian.js';
import { hyperbandTrial } from './hyperband.js';
import { checkSpace, gridPoints, type Hyperparameters, type SearchSpace, sampleValue } from './space.js';

/** How {@link tune} picks the trials. */
export type TuneStrategy = 'random' | 'grid' | 'hyperband' | 'bayesian';

/** Options of {@link tune}. */
export interface TuneArgs {
  /**
   * Builds a fresh, compiled model from one trial's hyperparameters. tune owns it: a trial that is not
   * the best has its model and its optimizer disposed.
   */
  build: (hp: Hyperparameters) => Model | Promise<Model>;
  /** The ranges searched (`choice`, `intRange`, `floatRange`, `boolean`). */
  space: SearchSpace;
  /** The epoch log to optimise, as `fit` names it (`'val_loss'`, `'val_accuracy'`...). Default `'val_accuracy'`. */
  objective?: string;
  /** `'max'` or `'min'`; default: `'min'` for names holding `loss` or `error`, `'max'` otherwise. */
  direction?: 'min' | 'max';
  /**
   * `'random'` (seeded draws, no repeats), `'grid'` (every point, in order) or `'hyperband'` (brackets of
   * successive halving: many configurations for few epochs, the best third trained longer, up to
   * `fit.epochs`; see {@link hyperbandTrial}) or `'bayesian'` (3 random trials, then a Gaussian process's
   * best expected improvement; see {@link bayesianTrial}). Default `'random'`.
   */
  strategy?: TuneStrategy;
  /** At most this many trials, trainings for hyperband (a grid smaller than this is tried whole). Default 10. */
  maxTrials?: number;
  /** Seed of the draws, the weight initialisation and the shuffling (trial i uses `seed + i`). Default 0. */
  seed?: number;
  /**
   * Where each trial is logged as a run (`logdir/trial-<i>`, TensorBoard event files) and where the search
   * keeps its state (`tuner.json`, written atomically after each trial) and the best weights, so that a
   * killed search started again with the same arguments goes on where it stopped. Default: none (nothing
   * written, no resuming).
   */
  logdir?: string;
  /** The training data, and the validation data the objective is measured on. */
  data: {
    x: TensorContainer;
    y: TensorContainer;
    /** Held-out validation data (never the test set). */
    validationData?: ValidationData;
    /** Or the fraction (0..1) of `x`, `y` held out for validation (the last samples, as `fit` does). */
    validationSplit?: number;
  };
  /** `fit` settings of each trial. */
  fit?: {
    /** At most this many epochs per trial. Default 10. */
    epochs?: number;
    /** Samples per batch. Default 32; a hyperparameter named `batchSize` overrides it. */
    batchSize?: number;
  };
  /** Hyperband's reduction factor: each round keeps the best `1/factor` and trains them `factor` times longer. Default 3. */
  hyperbandFactor?: number;
  /** Stop a trial after this many epochs without improvement, keeping its best epoch's weights. Default 3. */
  patience?: number;
  /** Called after each finished trial (also the ones read back on resume). Default: none. */
  onTrial?: (trial: Trial) => void;
}

/** One finished trial. */
export interface Trial {
  /** Its 0-based index. */
  id: number;
  hyperparameters: Hyperparameters;
  /** Its epoch budget: `fit.epochs`, or less in hyperband's first rounds. */
  budget: number;
  /** The best objective value over its epochs (the one its restored weights have). */
  score: number;
  /** The 0-based epoch of `score`. */
  bestEpoch: number;
  /** Epochs trained (fewer than `fit.epochs` when stopped early). */
  epochs: number;
  /** Every epoch's logs' last values. */
  logs: Logs;
}

/** What {@link tune} found. */
export interface TuneResult {
  /** The finished trials, in order. */
  trials: Trial[];
  best: Trial;
  bestHyperparameters: Hyperparameters;
  /** The best trial's model, with the weights of its best epoch. Yours to dispose (with its optimizer). */
  bestModel: Model;
  /**
   * Evaluates the best model on the held-out test set. Call it once, at the very end: a test set that
   * guides any choice (of hyperparameters, of epochs) stops measuring generalisation. A second call
   * throws a ConfigError.
   */
  evaluateBest(x: TensorContainer, y: TensorContainer, args?: { batchSize?: number }): Promise<Logs>;
}

interface State {
  version: 1;
  key: string;
  trials: Trial[];
  best?: { id: number; weights: { shape: number[]; dtype: string }[] };
}

const STATE = 'tuner.json';
const WEIGHTS = 'best-weights.bin';

/**
 * Hyperparameter search in the spirit of KerasTuner: trains one model per trial, with early stopping on
 * the objective (restoring the best epoch's weights), and keeps the best.
 *
 * @example
 * const result = await tune({
 *   build: (hp) => myModel(hp.units as number, hp.learningRate as number),
 *   space: { units: intRange(8, 64, { step: 8 }), learningRate: floatRange(1e-4, 1e-2, { log: true }) },
 *   data: { x, y, validationSplit: 0.2 }, maxTrials: 10, seed: 1, logdir: 'runs/tune',
 * });
 * const test = await result.evaluateBest(xTest, yTest); // once, at the end
 *
 * @throws ConfigError for a space with no valid point, an objective no epoch logs (naming the logged
 *   ones), a logdir that cannot be written (before any training), or a state file from other arguments.
 */
export async function tune(args: TuneArgs): Promise<TuneResult> {
  checkSpace(args.space);
  const objective = args.objective ?? 'val_accuracy';
  const direction = args.direction ?? (/loss|error/.test(objective) ? 'min' : 'max');
  const strategy = args.strategy ?? 'random';
  if (!['random', 'grid', 'hyperband', 'bayesian'].includes(strategy))
    throw new ConfigError(
      `tune: unknown strategy "${strategy}"; use 'random', 'grid', 'hyperband' or 'bayesian'.`,
    );
  const factor = args.hyperbandFactor ?? 3;
  if (!Number.isInteger(factor) || factor < 2)
    throw new ConfigError(`tune: hyperbandFactor must be an integer >= 2 (got ${factor}).`);
  const maxTrials = args.maxTrials ?? 10;
  if (!Number.isInteger(maxTrials) || maxTrials < 1)
    throw new ConfigError(`tune: maxTrials must be a positive integer (got ${maxTrials}).`);
  const seed = args.seed ?? 0;
  const patience = args.patience ?? 3;
  const epochs = args.fit?.epochs ?? 10;
  const logdir = args.logdir === undefined ? undefined : await checkLogdir(args.logdir);
  if (
    args.data.validationData === undefined &&
    args.data.validationSplit === undefined &&
    objective.startsWith('val_')
  )
    throw new ConfigError(
      `tune: the objective "${objective}" is a validation log; give data.validationData or data.validationSplit.`,
    );

  const points =
    strategy === 'hyperband' || strategy === 'bayesian'
      ? []
      : trialPoints(args.space, strategy, maxTrials, seed);
  const key = JSON.stringify({
    space: args.space,
    objective,
    direction,
    strategy,
    maxTrials,
    seed,
    epochs,
    patience,
  });
  const state: State = logdir ? readState(join(logdir, STATE), key) : { version: 1, key, trials: [] };
  // A NaN score (no finite objective in any epoch) is worse than any number.
  const better = (a: number, b: number) =>
    Number.isNaN(b) ? !Number.isNaN(a) : direction === 'max' ? a > b : a < b;

  let bestModel: Model | undefined;
  let best: Trial | undefined = state.best ? state.trials.find((t) => t.id === state.best?.id) : undefined;
  for (const trial of state.trials) args.onTrial?.(trial);
  // Trials run and are recorded in order, so the state holds trials 0 .. n-1.
  for (let id = state.trials.length; id < maxTrials; id++) {
    const planned =
      strategy === 'hyperband'
        ? hyperbandTrial(
            args.space,
            epochs,
            factor,
            seed,
            id,
            state.trials.map((t) => t.score),
            better,
          )
        : strategy === 'bayesian'
          ? { hyperparameters: bayesianTrial(args.space, seed, id, state.trials, { direction }), epochs }
          : id < points.length
            ? { hyperparameters: points[id], epochs }
            : undefined;
    if (planned === undefined) break;
    const hyperparameters = planned.hyperparameters;
    setSeed(seed + id);
    const model = await args.build(hyperparameters);
    const monitor = new TrialMonitor(objective, direction, patience);
    const callbacks: Callback[] = [monitor];
    if (logdir)
      callbacks.push(
        runLogger(join(logdir, `trial-${id}`), { hparams: hyperparameters, histogramsEvery: 0 }),
      );
    const batchSize =
      typeof hyperparameters.batchSize === 'number' ? hyperparameters.batchSize : (args.fit?.batchSize ?? 32);
    try {
      await model.fit(args.data.x, args.data.y, {
        epochs: planned.epochs,
        batchSize,
        validationData: args.data.validationData,
        validationSplit: args.data.validationSplit,
        seed: seed + id,
        verbose: 0,
        callbacks,
      });
    } catch (error) {
      release(model);
      throw error;
    }
    if (monitor.missing) {
      release(model);
      throw new ConfigError(
        `tune: no epoch logs the objective "${objective}"; the logged names are ${monitor.missing.join(', ')}. Pass one of them as objective.`,
      );
    }
    const trial: Trial = {
      id,
      hyperparameters,
      budget: planned.epochs,
      score: monitor.best,
      bestEpoch: monitor.bestEpoch,
      epochs: monitor.epochs,
      logs: monitor.lastLogs,
    };
    state.trials.push(trial);
    if (best === undefined || better(trial.score, best.score)) {
      best = trial;
      if (bestModel) release(bestModel);
      bestModel = model;
      if (logdir) state.best = { id, weights: await writeWeights(join(logdir, WEIGHTS), model) };
    } else release(model);
    if (logdir) await writeAtomically(join(logdir, STATE), JSON.stringify(state, null, 1));
    args.onTrial?.(trial);
  }
  if (best === undefined) throw new ConfigError('tune: no trial ran; check maxTrials and the space.');
  if (bestModel === undefined) {
    // The best trial ran before a resume: rebuild it and load its saved weights.
    setSeed(seed + best.id);
    bestModel = await args.build(best.hyperparameters);
    readWeights(join(logdir as string, WEIGHTS), state.best?.weights ?? [], bestModel);
  }
  const model = bestModel;
  let evaluated = false;
  return {
    trials: [...state.trials].sort((a, b) => a.id - b.id),
    best,
    bestHyperparameters: best.hyperparameters,
    bestModel: model,
    async evaluateBest(x, y, evalArgs = {}) {
      if (evaluated)
        throw new ConfigError(
          'tune: evaluateBest was already called; the test set is touched once, at the end, or it stops measuring generalisation.',
        );
      evaluated = true;
      return model.evaluate(x, y, { batchSize: evalArgs.batchSize ?? 256 });
    },
  };
}

/** The hyperparameters of every trial, in order: seeded random draws without repeats, or the grid. */
export function trialPoints(
  space: SearchSpace,
  strategy: TuneStrategy,
  maxTrials: number,
  seed: number,
): Hyperparameters[] {
  if (strategy === 'grid') return gridPoints(space).slice(0, maxTrials);
  const random = new Random(seed);
  const seen = new Set<string>();
  const out: Hyperparameters[] = [];
  // A discrete space smaller than maxTrials ends the draws after many repeats in a row.
  for (let misses = 0; out.length < maxTrials && misses < 200; ) {
    const point: Hyperparameters = {};
    for (const [name, p] of Object.entries(space)) point[name] = sampleValue(p, random);
    const id = JSON.stringify(point);
    if (seen.has(id)) {
      misses++;
      continue;
    }
    misses = 0;
    seen.add(id);
    out.push(point);
  }
  return out;
}

/** Tracks the objective per epoch, stops after `patience` epochs without improvement, restores the best. */
class TrialMonitor extends Callback {
  best = Number.NaN;
  bestEpoch = -1;
  epochs = 0;
  lastLogs: Logs = {};
  /** The logged names, when the objective was not among them. */
  missing: string[] | undefined;
  private wait = 0;
  private bestWeights: tf.Tensor[] | null = null;

  constructor(
    private readonly objective: string,
    private readonly direction: 'min' | 'max',
    private readonly patience: number,
  ) {
    super();
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epochs = epoch + 1;
    this.lastLogs = { ...logs };
    const value = logs[this.objective];
    if (value === undefined) {
      this.missing = Object.keys(logs);
      this.model.stopTraining = true;
      return;
    }
    const improved =
      this.bestEpoch < 0 ||
      (this.direction === 'max' ? value > this.best : value < this.best) ||
      Number.isNaN(this.best);
    if (improved && Number.isFinite(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      this.dropWeights();
      this.bestWeights = this.model.getWeights();
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) this.model.stopTraining = true;
  }

  override onTrainEnd(): void {
    if (this.bestWeights) this.model.setWeights(this.bestWeights);
    this.dropWeights();
  }

  private dropWeights(): void {
    if (this.bestWeights) for (const t of this.bestWeights) t.dispose();
    this.bestWeights = null;
  }
}

function readState(path: string, key: string): State {
  if (!existsSync(path)) return { version: 1, key, trials: [] };
  let state: State;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as State;
  } catch (error) {
    throw new SerializationError(`tune: the state file ${path} cannot be read; delete it to start over.`, {
      cause: error,
    });
  }
  if (state.key !== key)
    throw new ConfigError(
      `tune: ${path} holds a search with other arguments (space, objective, strategy, maxTrials, seed, epochs or patience); use another logdir or delete it to start over.`,
    );
  return state;
}

async function writeWeights(path: string, model: Model): Promise<{ shape: number[]; dtype: string }[]> {
  const weights = model.getWeights();
  const specs = weights.map((w) => ({ shape: w.shape, dtype: w.dtype as string }));
  const total = weights.reduce((n, w) => n + w.size, 0);
  const data = new Float32Array(total); // every weight as float32, in order
  let offset = 0;
  for (const w of weights) {
    data.set(await w.data(), offset);
    offset += w.size;
  }
  tf.dispose(weights);
  await writeAtomically(path, new Uint8Array(data.buffer));
  return specs;
}

function readWeights(path: string, specs: { shape: number[]; dtype: string }[], model: Model): void {
  const bytes = readFileSync(path);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  const tensors = specs.map(({ shape, dtype }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(data.subarray(offset, offset + size), shape, dtype as tf.DataType);
    offset += size;
    return t;
  });
  if (offset !== data.length)
    throw new SerializationError(
      `tune: ${path} holds ${data.length} values, the state lists ${offset}; delete the logdir to start over.`,
    );
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Disposes a trial's model and its optimizer (each trial's build makes its own). */
function release(model: Model): void {
  try {
    model.optimizer.dispose();
  } catch {
    // not compiled: nothing to dispose
  }
  model.dispose();
}
