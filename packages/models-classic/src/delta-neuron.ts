/**
 * One neuron `y = f(w·x + w0)` with a differentiable activation, trained by the (generalized) delta
 * rule: the step from Adaline to the multilayer perceptron.
 */
import { ConfigError } from '@tensorfold/core';
import {
  type DifferentiableActivation,
  differentiableActivation,
  generalizedDeltaRule,
} from './delta-rule.js';
import { initialNeuronWeights } from './initial-weights.js';
import {
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

/** Options of {@link DeltaNeuron}. */
export interface DeltaNeuronOptions {
  /** `'linear'` (the delta rule, LMS), `'sigmoid'` or `'tanh'` (the generalized rule). Default `'sigmoid'`. */
  activation?: string;
  /** Initial weights. Default: seeded random in [-0.5, 0.5) at the first `fit`. */
  weights?: number[];
  /** Initial bias `w0`. Default: seeded random with the weights, 0 when `weights` is given. */
  bias?: number;
}

/** One epoch of {@link DeltaNeuron.fit}. */
export interface DeltaNeuronEpoch {
  /** Epoch, from 1. */
  epoch: number;
  /** Weights at the end of the epoch. */
  weights: number[];
  /** Bias at the end of the epoch. */
  bias: number;
  /** Mean squared error `mean (d − f(u))²` over all samples, after the epoch. */
  mse: number;
}

const NAME = 'DeltaNeuron';

/**
 * A neuron `y = f(u)`, `u = w·x + w0`, learning real targets `d` one sample at a time by the
 * generalized delta rule `w ← w + μ (d − y) f'(u) x` (with `f(u) = u`, the delta rule of Widrow and
 * Hoff). Targets must lie in the activation's range: (0, 1) for sigmoid, (−1, 1) for tanh.
 */
export class DeltaNeuron {
  weights: number[] | null;
  bias: number;
  readonly activation: DifferentiableActivation;
  /** Every epoch trained so far. */
  readonly history: DeltaNeuronEpoch[] = [];
  private readonly biasGiven: boolean;

  constructor(options: DeltaNeuronOptions = {}) {
    this.activation = differentiableActivation(options.activation ?? 'sigmoid');
    if (options.weights !== undefined) checkNumbers(options.weights, undefined, `${NAME}: weights`);
    if (options.bias !== undefined) checkNumbers([options.bias], 1, `${NAME}: bias`);
    this.weights = options.weights ? [...options.weights] : null;
    this.bias = options.bias ?? 0;
    this.biasGiven = options.bias !== undefined || options.weights !== undefined;
  }

  /** Trains on `x` with real targets `y` for `epochs` (default 100) at rate `μ` (default 0.1). */
  fit(
    x: readonly Sample[],
    y: readonly number[],
    options: ClassicFitOptions<DeltaNeuronEpoch> = {},
  ): { epochs: number; history: DeltaNeuronEpoch[] } {
    const { epochs = 100, learningRate = 0.1, seed = DEFAULT_SEED, shuffle = false, onEpoch } = options;
    checkEpochs(epochs, NAME);
    checkLearningRate(learningRate, NAME);
    const n = checkSamples(x, NAME, this.weights?.length);
    checkLabelCount(x, y, NAME);
    checkNumbers(y as number[], x.length, `${NAME}: y (targets)`);
    const start = initialNeuronWeights(this.weights, this.bias, this.biasGiven, n, seed);
    this.weights = start.weights;
    this.bias = start.bias;
    const random = orderRandom(seed);
    const history: DeltaNeuronEpoch[] = [];
    for (let e = 0; e < epochs; e++) {
      let w: number[] = this.weights;
      let w0 = this.bias;
      for (const i of epochOrder(x.length, shuffle, random)) {
        const step = generalizedDeltaRule(w, w0, x[i], y[i], learningRate, this.activation);
        w = step.weights;
        w0 = step.bias;
      }
      if (!w.every(Number.isFinite) || !Number.isFinite(w0)) {
        throw new ConfigError(
          `${NAME}: the weights grew to infinity: learning rate ${learningRate} is too large for these inputs; lower it or scale the features.`,
        );
      }
      this.weights = w;
      this.bias = w0;
      const record = { epoch: this.history.length + 1, weights: [...w], bias: w0, mse: this.mse(x, y) };
      history.push(record);
      this.history.push(record);
      onEpoch?.(record);
    }
    return { epochs: history.length, history };
  }

  /** The output `y = f(w·x + w0)` of each sample. */
  predict(x: readonly Sample[]): number[] {
    const w = this.trained();
    checkSamples(x, NAME, w.length);
    return x.map((row) => this.activation.f(netInput(w, this.bias, row)));
  }

  /** Mean squared error against real targets. */
  evaluate(x: readonly Sample[], y: readonly number[]): { mse: number } {
    checkLabelCount(x, y, NAME);
    return { mse: this.mse(x, y) };
  }

  /** The model as JSON. */
  toJSON(): ClassicJson {
    return {
      format: CLASSIC_FORMAT,
      className: NAME,
      activation: this.activation.name,
      weights: this.trained(),
      bias: this.bias,
      history: this.history,
    };
  }

  /** A neuron from what {@link DeltaNeuron.toJSON} returned. */
  static fromJSON(json: unknown): DeltaNeuron {
    const object = readEnvelope(json, NAME);
    const neuron = new DeltaNeuron({
      activation: typeof object.activation === 'string' ? object.activation : 'sigmoid',
      weights: readNumbers(object, 'weights', NAME),
      bias: readNumber(object, 'bias', NAME),
    });
    neuron.history.push(...readHistory<DeltaNeuronEpoch>(object, NAME));
    return neuron;
  }

  private mse(x: readonly Sample[], y: readonly number[]): number {
    const out = this.predict(x);
    return out.reduce((sum, v, i) => sum + (y[i] - v) ** 2, 0) / x.length;
  }

  private trained(): number[] {
    if (!this.weights)
      throw new ConfigError(`${NAME} has no weights yet: call fit(x, y) first, or pass {weights, bias}.`);
    return this.weights;
  }
}
