/**
 * Adaline, the adaptive linear neuron of Widrow and Hoff (1960), seed 003 chapter 3.2.
 */
import { ConfigError } from '@tensorfold/core';
import { deltaRule } from './delta-rule.js';
import { sign } from './hebbian-rule.js';
import { initialNeuronWeights } from './initial-weights.js';
import {
  bipolarTargets,
  checkEpochs,
  checkLabelCount,
  checkLearningRate,
  checkNumbers,
  checkSamples,
  epochOrder,
  netInput,
  type Sample,
} from './samples.js';
import {
  CLASSIC_FORMAT,
  type ClassicJson,
  readEnvelope,
  readHistory,
  readNumber,
  readNumbers,
} from './serialization.js';
import { type ClassicFitOptions, DEFAULT_SEED, orderRandom } from './training.js';

/** Options of {@link Adaline}. */
export interface AdalineOptions {
  /** Initial weights `w_1 ... w_n`. Default: seeded random in [-0.5, 0.5) at the first `fit`. */
  weights?: number[];
  /** Initial bias `w0`. Default: seeded random with the weights, 0 when `weights` is given. */
  bias?: number;
}

/** One epoch of {@link Adaline.fit}. */
export interface AdalineEpoch {
  /** Epoch, from 1. */
  epoch: number;
  /** Weights at the end of the epoch. */
  weights: number[];
  /** Bias at the end of the epoch. */
  bias: number;
  /** Mean squared error `mean (d − u)²` of the linear output over all samples, after the epoch. */
  mse: number;
  /** Samples whose class `sign(u)` is wrong, after the epoch. */
  mistakes: number;
}

/** Options of {@link Adaline.fit}. */
export interface AdalineFitOptions extends ClassicFitOptions<AdalineEpoch> {
  /** Stop once the mean squared error falls to this or below. Default 0 (run all epochs unless it reaches 0). */
  targetMse?: number;
}

/** What {@link Adaline.fit} reports. */
export interface AdalineFitResult {
  /** Epochs run. */
  epochs: number;
  /** Whether `targetMse` was reached. */
  reachedTarget: boolean;
  /** One record per epoch of this call. */
  history: AdalineEpoch[];
}

const NAME = 'Adaline';

/**
 * Adaline: the perceptron's topology, `u = w·x + w0`, with a continuous (linear) output during
 * learning and `sign(u)` as the class. It learns by gradient descent on the squared error of the
 * linear output (the delta rule, LMS), one sample at a time:
 *
 * `w ← w + μ (d − u) x`, `w0 ← w0 + μ (d − u)`, with bipolar targets `d ∈ {−1, +1}`.
 *
 * Unlike the perceptron it learns from every sample, by how far `u` is from the target, not only from
 * mistakes, so it settles near the least-squares weights even when the classes overlap.
 * For stability `μ` must be small against the inputs' size (about `μ < 1 / Σ x_i²`); scale the inputs
 * when they are large.
 */
export class Adaline {
  weights: number[] | null;
  bias: number;
  /** Every epoch trained so far. */
  readonly history: AdalineEpoch[] = [];
  private readonly biasGiven: boolean;

  constructor(options: AdalineOptions = {}) {
    if (options.weights !== undefined) checkNumbers(options.weights, undefined, `${NAME}: weights`);
    if (options.bias !== undefined) checkNumbers([options.bias], 1, `${NAME}: bias`);
    this.weights = options.weights ? [...options.weights] : null;
    this.bias = options.bias ?? 0;
    this.biasGiven = options.bias !== undefined || options.weights !== undefined;
  }

  /**
   * Trains on `x` with labels `y` (`+1`/`−1`, or `1`/`0`) for `epochs` (default 50) at learning rate
   * `μ` (default 0.01), or until the mean squared error reaches `targetMse`.
   */
  fit(x: readonly Sample[], y: readonly number[], options: AdalineFitOptions = {}): AdalineFitResult {
    const {
      epochs = 50,
      learningRate = 0.01,
      seed = DEFAULT_SEED,
      shuffle = false,
      targetMse = 0,
      onEpoch,
    } = options;
    checkEpochs(epochs, NAME);
    checkLearningRate(learningRate, NAME);
    if (!(targetMse >= 0)) throw new ConfigError(`${NAME}: targetMse must be >= 0, got ${targetMse}.`);
    const n = checkSamples(x, NAME, this.weights?.length);
    checkLabelCount(x, y, NAME);
    const d = bipolarTargets(y, NAME);
    const start = initialNeuronWeights(this.weights, this.bias, this.biasGiven, n, seed);
    this.weights = start.weights;
    this.bias = start.bias;
    const random = orderRandom(seed);
    const history: AdalineEpoch[] = [];
    let reachedTarget = false;
    for (let e = 0; e < epochs && !reachedTarget; e++) {
      let w: number[] = this.weights;
      let w0 = this.bias;
      for (const i of epochOrder(x.length, shuffle, random)) {
        const step = deltaRule(w, w0, x[i], d[i], learningRate);
        w = step.weights;
        w0 = step.bias;
      }
      if (!w.every(Number.isFinite) || !Number.isFinite(w0)) {
        throw new ConfigError(
          `${NAME}: the weights grew to infinity in epoch ${this.history.length + 1}: learning rate ${learningRate} is too large for these inputs; lower it (e.g. ${learningRate / 10}) or scale the features.`,
        );
      }
      this.weights = w;
      this.bias = w0;
      const record: AdalineEpoch = {
        epoch: this.history.length + 1,
        weights: [...w],
        bias: w0,
        ...this.errors(x, d),
      };
      history.push(record);
      this.history.push(record);
      reachedTarget = record.mse <= targetMse;
      onEpoch?.(record);
    }
    return { epochs: history.length, reachedTarget, history };
  }

  /** The linear output `u = w·x + w0` of each sample. */
  net(x: readonly Sample[]): number[] {
    const w = this.trained();
    checkSamples(x, NAME, w.length);
    return x.map((row) => netInput(w, this.bias, row));
  }

  /** The class of each sample, `sign(u)`: `+1` or `−1`. */
  predict(x: readonly Sample[]): number[] {
    return this.net(x).map(sign);
  }

  /** Accuracy, misclassified count and mean squared error of the linear output. */
  evaluate(x: readonly Sample[], y: readonly number[]): { accuracy: number; mistakes: number; mse: number } {
    checkLabelCount(x, y, NAME);
    const d = bipolarTargets(y, NAME);
    const { mse, mistakes } = this.errors(x, d);
    return { accuracy: (x.length - mistakes) / x.length, mistakes, mse };
  }

  /** The model as JSON. */
  toJSON(): ClassicJson {
    return {
      format: CLASSIC_FORMAT,
      className: NAME,
      weights: this.trained(),
      bias: this.bias,
      history: this.history,
    };
  }

  /** An Adaline from what {@link Adaline.toJSON} returned. */
  static fromJSON(json: unknown): Adaline {
    const object = readEnvelope(json, NAME);
    const a = new Adaline({
      weights: readNumbers(object, 'weights', NAME),
      bias: readNumber(object, 'bias', NAME),
    });
    a.history.push(...readHistory<AdalineEpoch>(object, NAME));
    return a;
  }

  private errors(x: readonly Sample[], d: readonly number[]): { mse: number; mistakes: number } {
    const u = this.net(x);
    let sum = 0;
    let mistakes = 0;
    u.forEach((v, i) => {
      sum += (d[i] - v) ** 2;
      if (sign(v) !== d[i]) mistakes++;
    });
    return { mse: sum / x.length, mistakes };
  }

  private trained(): number[] {
    if (!this.weights)
      throw new ConfigError(`${NAME} has no weights yet: call fit(x, y) first, or pass {weights, bias}.`);
    return this.weights;
  }
}
