/**
 * Rosenblatt's perceptron trained by Hebbian learning, as seed 003 (chapter 2) teaches it.
 */
import { ConfigError } from '@tensorfold/core';
import { perceptronRule, sign } from './hebbian-rule.js';
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

/** Options of {@link Perceptron}. */
export interface PerceptronOptions {
  /** Number of inputs `n`. Default: the length of `weights`, else the feature count of the first `fit`. */
  inputSize?: number;
  /** Initial weights `w_1 ... w_n` (the fruit example: `[-30, 300]`). Default: seeded random in [-0.5, 0.5) at the first `fit`. */
  weights?: number[];
  /** Initial bias `w0` (the weight of `x0 = 1`; the fruit example: `-1230`). Default: seeded random with the weights, 0 when `weights` is given. */
  bias?: number;
}

/** One presentation of one sample during {@link Perceptron.fit}, for following the text step by step. */
export interface PerceptronTraceStep {
  /** Epoch, from 1. */
  epoch: number;
  /** Index of the sample in `x`. */
  sample: number;
  /** The sample. */
  x: Sample;
  /** The target `d`: +1 (class C1) or −1 (class C2). */
  desired: number;
  /** The inner potential `u = w·x + w0` (the text's "vnutorna energia"). */
  net: number;
  /** The output `y = sign(u)`. */
  output: number;
  /** Whether the weights changed. */
  updated: boolean;
  /** Weights after the step. */
  weights: number[];
  /** Bias after the step. */
  bias: number;
}

/** One epoch of {@link Perceptron.fit}. */
export interface PerceptronEpoch {
  /** Epoch, from 1. */
  epoch: number;
  /** Weights `w_1 ... w_n` at the end of the epoch. */
  weights: number[];
  /** Bias `w0` at the end of the epoch. */
  bias: number;
  /** Samples misclassified (and so learned from) during the epoch. */
  mistakes: number;
}

/** Options of {@link Perceptron.fit}. */
export interface PerceptronFitOptions extends ClassicFitOptions<PerceptronEpoch> {
  /** Called after each sample is presented (the text's printout of one epoch). */
  onStep?: (step: PerceptronTraceStep) => void;
}

/** What {@link Perceptron.fit} reports. */
export interface PerceptronFitResult {
  /** True when an epoch made no mistake (the weights no longer change): the classes are separated. */
  converged: boolean;
  /** Epochs run (≤ `epochs`). */
  epochs: number;
  /** Total mistakes (weight changes) made. */
  mistakes: number;
  /** One record per epoch of this call. */
  history: PerceptronEpoch[];
}

const NAME = 'Perceptron';

/**
 * A perceptron: one neuron `y = sign(w·x + w0)` with `sign(u) = +1` if `u >= 0`, else `−1`, for two
 * classes (C1: `+1`, C2: `−1`), trained by the perceptron rule (Hebbian learning with an error signal):
 *
 * `w(t+1) = w(t) + γ [d(t) − y(t)] x(t)`, with `x0 = 1` carrying the bias `w0`.
 *
 * `fit` presents the samples one by one, epoch after epoch, and stops after the first epoch with no
 * mistake (the convergence theorem: on linearly separable classes this happens after finitely many
 * mistakes). On classes no hyperplane separates, it stops after `epochs` and reports
 * `converged: false`.
 *
 * @example
 * // Seed 003's fruit example: weight (g) and length (cm); C1 = +1, C2 = -1.
 * const p = new Perceptron({ weights: [-30, 300], bias: -1230 });
 * p.fit([[121, 16.8], [114, 15.2], [210, 9.4], [195, 8.1]], [1, 1, -1, -1], { learningRate: 0.01 });
 * p.weights; // [-27.72, 300.304], p.bias === -1229.98
 */
export class Perceptron {
  /** Weights `w_1 ... w_n` (null until set or first fitted). */
  weights: number[] | null;
  /** Bias `w0`. */
  bias: number;
  /** Every epoch trained so far, over all `fit` calls. */
  readonly history: PerceptronEpoch[] = [];
  /** Number of inputs `n`, once known. */
  inputSize: number | undefined;
  private readonly biasGiven: boolean;

  constructor(options: PerceptronOptions = {}) {
    const { inputSize, weights, bias } = options;
    if (inputSize !== undefined && !(Number.isInteger(inputSize) && inputSize >= 1)) {
      throw new ConfigError(`${NAME}: inputSize must be a whole number >= 1, got ${inputSize}.`);
    }
    if (weights !== undefined) checkNumbers(weights, inputSize, `${NAME}: weights`);
    if (bias !== undefined) checkNumbers([bias], 1, `${NAME}: bias`);
    this.weights = weights ? [...weights] : null;
    this.bias = bias ?? 0;
    this.biasGiven = bias !== undefined || weights !== undefined;
    this.inputSize = inputSize ?? weights?.length;
  }

  /**
   * Trains on samples `x` (`[samples][features]`) with labels `y` (`+1`/`−1`, or `1`/`0`), with the
   * perceptron rule, until an epoch makes no mistake or `epochs` (default 100) have run. Learning rate
   * default 0.01. Weights not set yet are drawn from `seed`.
   */
  fit(x: readonly Sample[], y: readonly number[], options: PerceptronFitOptions = {}): PerceptronFitResult {
    const {
      epochs = 100,
      learningRate = 0.01,
      seed = DEFAULT_SEED,
      shuffle = false,
      onEpoch,
      onStep,
    } = options;
    checkEpochs(epochs, NAME);
    checkLearningRate(learningRate, NAME);
    const n = checkSamples(x, NAME, this.inputSize);
    checkLabelCount(x, y, NAME);
    const d = bipolarTargets(y, NAME);
    this.initialize(n, seed);
    const random = orderRandom(seed);
    let w = this.weights as number[];
    let w0 = this.bias;
    const history: PerceptronEpoch[] = [];
    let converged = false;
    let total = 0;
    for (let epoch = 1; epoch <= epochs && !converged; epoch++) {
      let mistakes = 0;
      const number = this.history.length + 1;
      for (const i of epochOrder(x.length, shuffle, random)) {
        const step = perceptronRule(w, w0, x[i], d[i], learningRate);
        w = step.weights;
        w0 = step.bias;
        if (step.mistake) mistakes++;
        onStep?.({
          epoch: number,
          sample: i,
          x: x[i],
          desired: d[i],
          net: step.net,
          output: step.output,
          updated: step.mistake,
          weights: w,
          bias: w0,
        });
      }
      this.weights = w;
      this.bias = w0;
      const record: PerceptronEpoch = { epoch: number, weights: [...w], bias: w0, mistakes };
      history.push(record);
      this.history.push(record);
      total += mistakes;
      converged = mistakes === 0;
      onEpoch?.(record);
    }
    return { converged, epochs: history.length, mistakes: total, history };
  }

  /** The inner potential `u = w·x + w0` of each sample. */
  net(x: readonly Sample[]): number[] {
    const w = this.trained();
    checkSamples(x, NAME, w.length);
    return x.map((row) => netInput(w, this.bias, row));
  }

  /** The class of each sample: `+1` (C1) or `−1` (C2). */
  predict(x: readonly Sample[]): number[] {
    return this.net(x).map(sign);
  }

  /** Accuracy and misclassified count on labelled samples (`+1`/`−1` or `1`/`0`). */
  evaluate(x: readonly Sample[], y: readonly number[]): { accuracy: number; mistakes: number } {
    checkLabelCount(x, y, NAME);
    const d = bipolarTargets(y, NAME);
    const mistakes = this.predict(x).filter((out, i) => out !== d[i]).length;
    return { accuracy: (x.length - mistakes) / x.length, mistakes };
  }

  /** The separating hyperplane `w_1 x_1 + ... + w_n x_n + w0 = 0`, written out. */
  boundary(): string {
    return hyperplane(this.trained(), this.bias);
  }

  /** The model as JSON (weights, bias and history). */
  toJSON(): ClassicJson {
    return {
      format: CLASSIC_FORMAT,
      className: NAME,
      weights: this.trained(),
      bias: this.bias,
      history: this.history,
    };
  }

  /** A perceptron from what {@link Perceptron.toJSON} returned (an object or its text). */
  static fromJSON(json: unknown): Perceptron {
    const object = readEnvelope(json, NAME);
    const p = new Perceptron({
      weights: readNumbers(object, 'weights', NAME),
      bias: readNumber(object, 'bias', NAME),
    });
    p.history.push(...readHistory<PerceptronEpoch>(object, NAME));
    return p;
  }

  private initialize(n: number, seed: number): void {
    this.inputSize = n;
    const start = initialNeuronWeights(this.weights, this.bias, this.biasGiven, n, seed);
    this.weights = start.weights;
    this.bias = start.bias;
  }

  private trained(): number[] {
    if (!this.weights) {
      throw new ConfigError(
        `${NAME} has no weights yet: call fit(x, y) first, or pass {weights, bias} to the constructor.`,
      );
    }
    return this.weights;
  }
}

/** `w_1 x_1 + ... + w_n x_n + w0 = 0` with numbers rounded to 6 significant digits. */
export function hyperplane(weights: readonly number[], bias: number): string {
  const terms = weights.map((w, i) => `${i === 0 ? short(w) : signed(w)}·x${i + 1}`);
  return `${terms.join(' ')} ${signed(bias)} = 0`;
}

function short(v: number): string {
  return String(Number(v.toPrecision(6)));
}

function signed(v: number): string {
  return v < 0 ? `- ${short(-v)}` : `+ ${short(v)}`;
}
