/**
 * The single-layer perceptron of seed 003 (3.1.3 to 3.1.4): M independent perceptrons side by side,
 * one per class, each with its own separating hyperplane.
 */
import { ConfigError, DataError, SerializationError } from '@tensorfold/core';
import { perceptronRule, sign } from './hebbian-rule.js';
import { initialLayerWeights } from './initial-weights.js';
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
import { CLASSIC_FORMAT, type ClassicJson, readEnvelope, readHistory, readNumbers } from './serialization.js';
import { type ClassicFitOptions, DEFAULT_SEED, orderRandom } from './training.js';

/** Options of {@link SingleLayerPerceptron}. */
export interface SingleLayerPerceptronOptions {
  /** Output neurons M, one per class. Required unless `weights` is given. */
  outputs?: number;
  /** Initial weights `[M][n]`. Default: seeded random in [-0.5, 0.5) at the first `fit`. */
  weights?: number[][];
  /** Initial biases `[M]`. Default: seeded random with the weights, zeros when `weights` is given. */
  biases?: number[];
}

/** One epoch of {@link SingleLayerPerceptron.fit}. */
export interface SingleLayerEpoch {
  /** Epoch, from 1. */
  epoch: number;
  /** Weights `[M][n]` at the end of the epoch. */
  weights: number[][];
  /** Biases at the end of the epoch. */
  biases: number[];
  /** Samples on which at least one neuron was wrong during the epoch. */
  mistakes: number;
  /** Mistakes of each output neuron during the epoch (`[M]`). */
  neuronMistakes: number[];
}

/** What {@link SingleLayerPerceptron.fit} reports. */
export interface SingleLayerFitResult {
  /** True when an epoch made no mistake in any neuron: every class is separated from the rest. */
  converged: boolean;
  /** For each neuron, whether its last epoch was free of mistakes (its class is separated from the others). */
  neuronConverged: boolean[];
  /** Epochs run. */
  epochs: number;
  /** One record per epoch of this call. */
  history: SingleLayerEpoch[];
}

/** What {@link SingleLayerPerceptron.evaluate} reports. */
export interface SingleLayerEvaluation {
  /** Share of samples whose predicted class (largest inner potential) is right. */
  accuracy: number;
  /** Share of samples on which exactly the right neuron fires and no other: what the layer itself decides. */
  strictAccuracy: number;
  /** Samples where no neuron or more than one fires (the layer alone cannot name one class). */
  ambiguous: number;
  /** For each neuron, its accuracy on "my class (+1) or not (−1)". */
  neuronAccuracy: number[];
}

const NAME = 'SingleLayerPerceptron';

/**
 * M perceptrons on the same inputs: neuron j computes `y_j = sign(w_j·x + w0_j)` and learns "class j
 * (+1) or not (−1)" by the perceptron rule `w_j ← w_j + γ (d_j − y_j) x`, independently of the others.
 *
 * As the text says, adding output neurons adds hyperplanes but no power: each neuron separates one class
 * from the rest only when a hyperplane can. `fit` reports which neurons converged; `predict` names the
 * class whose neuron has the largest inner potential `u_j` (a choice made here, since the layer itself
 * gives one ±1 per neuron), and `evaluate` also reports how often exactly one neuron fires.
 */
export class SingleLayerPerceptron {
  weights: number[][] | null;
  biases: number[];
  readonly outputs: number;
  /** Every epoch trained so far. */
  readonly history: SingleLayerEpoch[] = [];
  private readonly biasesGiven: boolean;

  constructor(options: SingleLayerPerceptronOptions = {}) {
    const { weights, biases } = options;
    const outputs = options.outputs ?? weights?.length;
    if (!(Number.isInteger(outputs) && (outputs as number) >= 1)) {
      throw new ConfigError(
        `${NAME}: outputs (one neuron per class) must be a whole number >= 1, got ${String(outputs)}.`,
      );
    }
    const m = outputs as number;
    if (weights !== undefined) {
      if (!Array.isArray(weights) || weights.length !== m) {
        throw new ConfigError(`${NAME}: weights must hold one row per output neuron (${m} rows).`);
      }
      for (const row of weights) checkNumbers(row, weights[0]?.length, `${NAME}: each row of weights`);
    }
    if (biases !== undefined) checkNumbers(biases, m, `${NAME}: biases`);
    this.outputs = m;
    this.weights = weights ? weights.map((r) => [...r]) : null;
    this.biases = biases ? [...biases] : new Array(m).fill(0);
    this.biasesGiven = biases !== undefined || weights !== undefined;
  }

  /**
   * Trains every neuron on `x` with class ids `y` (whole numbers 0 to M−1) until an epoch makes no
   * mistake or `epochs` (default 100) have run; learning rate `γ` default 0.01.
   */
  fit(
    x: readonly Sample[],
    y: readonly number[],
    options: ClassicFitOptions<SingleLayerEpoch> = {},
  ): SingleLayerFitResult {
    const { epochs = 100, learningRate = 0.01, seed = DEFAULT_SEED, shuffle = false, onEpoch } = options;
    checkEpochs(epochs, NAME);
    checkLearningRate(learningRate, NAME);
    const n = checkSamples(x, NAME, this.weights?.[0]?.length);
    checkLabelCount(x, y, NAME);
    this.checkClasses(y);
    const start = initialLayerWeights(this.weights, this.biases, this.biasesGiven, this.outputs, n, seed);
    this.weights = start.weights;
    this.biases = start.biases;
    const w = this.weights;
    const random = orderRandom(seed);
    const history: SingleLayerEpoch[] = [];
    let converged = false;
    let neuronMistakes: number[] = [];
    for (let e = 0; e < epochs && !converged; e++) {
      neuronMistakes = new Array(this.outputs).fill(0);
      let mistakes = 0;
      for (const s of epochOrder(x.length, shuffle, random)) {
        let wrong = false;
        for (let j = 0; j < this.outputs; j++) {
          const d = y[s] === j ? 1 : -1; // d_j: +1 for the neuron's own class
          const step = perceptronRule(w[j], this.biases[j], x[s], d, learningRate);
          if (!step.mistake) continue;
          w[j] = step.weights;
          this.biases[j] = step.bias;
          neuronMistakes[j]++;
          wrong = true;
        }
        if (wrong) mistakes++;
      }
      const record: SingleLayerEpoch = {
        epoch: this.history.length + 1,
        weights: w.map((r) => [...r]),
        biases: [...this.biases],
        mistakes,
        neuronMistakes,
      };
      history.push(record);
      this.history.push(record);
      converged = mistakes === 0;
      onEpoch?.(record);
    }
    return {
      converged,
      neuronConverged: neuronMistakes.map((m) => m === 0),
      epochs: history.length,
      history,
    };
  }

  /** The inner potentials `u_j = w_j·x + w0_j`, `[samples][M]`. */
  net(x: readonly Sample[]): number[][] {
    const w = this.trained();
    checkSamples(x, NAME, w[0].length);
    return x.map((row) => w.map((wj, j) => netInput(wj, this.biases[j], row)));
  }

  /** What the layer itself outputs: `y_j = sign(u_j)` for every neuron, `[samples][M]`. */
  outputsOf(x: readonly Sample[]): number[][] {
    return this.net(x).map((u) => u.map(sign));
  }

  /** The class of each sample: the neuron with the largest inner potential. */
  predict(x: readonly Sample[]): number[] {
    return this.net(x).map((u) => u.indexOf(Math.max(...u)));
  }

  /** Accuracy (largest potential), strict accuracy (only the right neuron fires), ambiguous count, per-neuron accuracy. */
  evaluate(x: readonly Sample[], y: readonly number[]): SingleLayerEvaluation {
    checkLabelCount(x, y, NAME);
    this.checkClasses(y);
    const u = this.net(x);
    let right = 0;
    let strict = 0;
    let ambiguous = 0;
    const neuronRight = new Array(this.outputs).fill(0);
    u.forEach((row, s) => {
      if (row.indexOf(Math.max(...row)) === y[s]) right++;
      const firing = row.map(sign);
      const count = firing.filter((v) => v === 1).length;
      if (count !== 1) ambiguous++;
      else if (firing[y[s]] === 1) strict++;
      firing.forEach((v, j) => {
        if (v === (y[s] === j ? 1 : -1)) neuronRight[j]++;
      });
    });
    return {
      accuracy: right / x.length,
      strictAccuracy: strict / x.length,
      ambiguous,
      neuronAccuracy: neuronRight.map((r) => r / x.length),
    };
  }

  /** The model as JSON. */
  toJSON(): ClassicJson {
    return {
      format: CLASSIC_FORMAT,
      className: NAME,
      weights: this.trained().map((r) => [...r]),
      biases: [...this.biases],
      history: this.history,
    };
  }

  /** A single-layer perceptron from what {@link SingleLayerPerceptron.toJSON} returned. */
  static fromJSON(json: unknown): SingleLayerPerceptron {
    const object = readEnvelope(json, NAME);
    const rows = object.weights;
    if (!Array.isArray(rows) || rows.length === 0) {
      throw new SerializationError(
        `${NAME}.fromJSON: "weights" must be a list of rows, one per output neuron.`,
      );
    }
    const weights = rows.map((r) => readNumbers({ row: r }, 'row', NAME));
    const model = new SingleLayerPerceptron({
      weights,
      biases: readNumbers(object, 'biases', NAME, weights.length),
    });
    model.history.push(...readHistory<SingleLayerEpoch>(object, NAME));
    return model;
  }

  private checkClasses(y: readonly number[]): void {
    const bad = y.find((v) => !(Number.isInteger(v) && v >= 0 && v < this.outputs));
    if (bad !== undefined) {
      throw new DataError(
        `${NAME}: labels are class ids 0 to ${this.outputs - 1} (one output neuron each), got ${String(bad)}. Pass class ids, or build it with outputs = the number of classes.`,
      );
    }
  }

  private trained(): number[][] {
    if (!this.weights)
      throw new ConfigError(`${NAME} has no weights yet: call fit(x, y) first, or pass {weights, biases}.`);
    return this.weights;
  }
}
