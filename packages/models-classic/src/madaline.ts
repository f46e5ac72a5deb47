/**
 * Madaline (many Adalines) trained by the MRI algorithm (Widrow and Hoff's Madaline Rule I, 1960), as
 * seed 003 (3.2.2) gives it for two hidden units.
 */
import { ConfigError, SerializationError } from '@tensorfold/core';
import { sign } from './hebbian-rule.js';
import { initialLayerWeights } from './initial-weights.js';
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
import { CLASSIC_FORMAT, type ClassicJson, readEnvelope, readHistory, readNumbers } from './serialization.js';
import { type ClassicFitOptions, DEFAULT_SEED, orderRandom } from './training.js';

/** Options of {@link Madaline}. */
export interface MadalineOptions {
  /** Hidden Adalines `Z_1 ... Z_J`. Default 2 (the text's network). */
  hiddenUnits?: number;
  /** Initial weights into the hidden units, `[J][n]` (`w[j][i]` is the text's `w_ij`). Default: seeded random in [-0.5, 0.5). */
  weights?: number[][];
  /** Initial hidden biases `b_1 ... b_J`. Default: seeded random with the weights, zeros when `weights` is given. */
  biases?: number[];
}

/** One epoch of {@link Madaline.fit}. */
export interface MadalineEpoch {
  /** Epoch, from 1. */
  epoch: number;
  /** Hidden weights `[J][n]` at the end of the epoch. */
  weights: number[][];
  /** Hidden biases at the end of the epoch. */
  biases: number[];
  /** Samples with `y ≠ t` (each one an update) during the epoch. */
  mistakes: number;
}

/** What {@link Madaline.fit} reports. */
export interface MadalineFitResult {
  /** True when an epoch made no mistake. */
  converged: boolean;
  /** Epochs run. */
  epochs: number;
  /** One record per epoch of this call. */
  history: MadalineEpoch[];
}

const NAME = 'Madaline';

/**
 * Madaline: hidden Adalines `z_in_j = b_j + Σ_i x_i w_ij`, `z_j = f(z_in_j)`, and a fixed OR output
 * unit `y_in = b3 + Σ_j v_j z_j`, `y = f(y_in)`, with `f` the sign function and the text's
 * `v_1 = v_2 = b3 = 1/2` (for J hidden units, `v_j = 1/2` and `b3 = (J − 1)/2`, still an OR). Only the
 * hidden weights learn, by MRI, one training pair `s : t` at a time:
 *
 * - `y = t`: nothing changes;
 * - `t = +1` (and `y = −1`, so every `z_j = −1`): the unit `Z_J` whose net input is closest to 0 is
 *   pushed towards +1: `w_iJ ← w_iJ + α (1 − z_in_J) x_i`, `b_J ← b_J + α (1 − z_in_J)`;
 * - `t = −1` (and `y = +1`): every unit `Z_K` with a positive net input is pushed towards −1:
 *   `w_iK ← w_iK + α (−1 − z_in_K) x_i`, `b_K ← b_K + α (−1 − z_in_K)`.
 *
 * Seed 003 writes the `t = +1` case "for the connections to `Z_J` (J = 1, 2)" without saying which
 * unit; MRI as Widrow and Hoff define it (and Fausett's textbook) updates only the unit closest to 0,
 * the smallest change that can make `y = t`, and only the positive units when `t = −1`. That is what is
 * implemented. MRI need not converge from every start; `fit` reports `converged: false` then.
 */
export class Madaline {
  /** Hidden weights `[J][n]` (null until set or first fitted). */
  weights: number[][] | null;
  /** Hidden biases `b_1 ... b_J`. */
  biases: number[];
  /** Number of hidden units J. */
  readonly hiddenUnits: number;
  /** The fixed weights `v_j = 1/2` of the OR output unit. */
  readonly outputWeights: readonly number[];
  /** The fixed bias `b3` of the OR output unit: `(J − 1)/2`, 1/2 for the text's two units. */
  readonly outputBias: number;
  /** Every epoch trained so far. */
  readonly history: MadalineEpoch[] = [];
  private readonly biasesGiven: boolean;

  constructor(options: MadalineOptions = {}) {
    const { weights, biases } = options;
    const hidden = options.hiddenUnits ?? weights?.length ?? 2;
    if (!(Number.isInteger(hidden) && hidden >= 1)) {
      throw new ConfigError(`${NAME}: hiddenUnits must be a whole number >= 1, got ${hidden}.`);
    }
    if (weights !== undefined) {
      if (!Array.isArray(weights) || weights.length !== hidden) {
        throw new ConfigError(
          `${NAME}: weights must hold one row per hidden unit (${hidden} rows of input weights).`,
        );
      }
      for (const row of weights) checkNumbers(row, weights[0]?.length, `${NAME}: each row of weights`);
    }
    if (biases !== undefined) checkNumbers(biases, hidden, `${NAME}: biases`);
    this.hiddenUnits = hidden;
    this.weights = weights ? weights.map((r) => [...r]) : null;
    this.biases = biases ? [...biases] : new Array(hidden).fill(0);
    this.outputWeights = new Array(hidden).fill(0.5);
    this.outputBias = (hidden - 1) / 2;
    this.biasesGiven = biases !== undefined || weights !== undefined;
  }

  /**
   * Trains the hidden weights by MRI on `x` with targets `y` (`+1`/`−1`, or `1`/`0`) until an epoch
   * makes no mistake or `epochs` (default 100) have run; learning rate `α` default 0.5.
   */
  fit(
    x: readonly Sample[],
    y: readonly number[],
    options: ClassicFitOptions<MadalineEpoch> = {},
  ): MadalineFitResult {
    const { epochs = 100, learningRate = 0.5, seed = DEFAULT_SEED, shuffle = false, onEpoch } = options;
    checkEpochs(epochs, NAME);
    checkLearningRate(learningRate, NAME);
    const n = checkSamples(x, NAME, this.weights?.[0]?.length);
    checkLabelCount(x, y, NAME);
    const t = bipolarTargets(y, NAME);
    const start = initialLayerWeights(this.weights, this.biases, this.biasesGiven, this.hiddenUnits, n, seed);
    this.weights = start.weights;
    this.biases = start.biases;
    const w = this.weights;
    const b = this.biases;
    const random = orderRandom(seed);
    const history: MadalineEpoch[] = [];
    let converged = false;
    for (let e = 0; e < epochs && !converged; e++) {
      let mistakes = 0;
      for (const s of epochOrder(x.length, shuffle, random)) {
        const xs = x[s];
        const zIn = w.map((row, j) => netInput(row, b[j], xs)); // z_in_j = b_j + Σ x_i w_ij
        const out = this.outputOf(zIn.map(sign)); // y = f(b3 + Σ v_j z_j)
        if (out === t[s]) continue;
        mistakes++;
        if (t[s] === 1) {
          // Push the unit closest to 0 towards +1.
          let J = 0;
          for (let j = 1; j < zIn.length; j++) if (Math.abs(zIn[j]) < Math.abs(zIn[J])) J = j;
          this.update(J, 1 - zIn[J], xs, learningRate);
        } else {
          // Push every unit with a positive net input towards −1.
          for (let k = 0; k < zIn.length; k++) if (zIn[k] > 0) this.update(k, -1 - zIn[k], xs, learningRate);
        }
      }
      const record: MadalineEpoch = {
        epoch: this.history.length + 1,
        weights: w.map((r) => [...r]),
        biases: [...b],
        mistakes,
      };
      history.push(record);
      this.history.push(record);
      converged = mistakes === 0;
      onEpoch?.(record);
    }
    return { converged, epochs: history.length, history };
  }

  /** The hidden outputs `z_j` and the output `y` (±1) for each sample. */
  forward(x: readonly Sample[]): { hidden: number[]; output: number }[] {
    const w = this.trained();
    checkSamples(x, NAME, w[0].length);
    return x.map((xs) => {
      const z = w.map((row, j) => sign(netInput(row, this.biases[j], xs)));
      return { hidden: z, output: this.outputOf(z) };
    });
  }

  /** The class of each sample, `+1` or `−1`. */
  predict(x: readonly Sample[]): number[] {
    return this.forward(x).map((f) => f.output);
  }

  /** Accuracy and misclassified count against labels (`+1`/`−1` or `1`/`0`). */
  evaluate(x: readonly Sample[], y: readonly number[]): { accuracy: number; mistakes: number } {
    checkLabelCount(x, y, NAME);
    const t = bipolarTargets(y, NAME);
    const mistakes = this.predict(x).filter((v, i) => v !== t[i]).length;
    return { accuracy: (x.length - mistakes) / x.length, mistakes };
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

  /** A Madaline from what {@link Madaline.toJSON} returned. */
  static fromJSON(json: unknown): Madaline {
    const object = readEnvelope(json, NAME);
    const rows = object.weights;
    if (!Array.isArray(rows) || rows.length === 0) {
      throw new SerializationError(
        `${NAME}.fromJSON: "weights" must be a list of rows, one per hidden unit.`,
      );
    }
    const weights = rows.map((_, j) => readNumbers({ row: rows[j] }, 'row', NAME));
    const m = new Madaline({ weights, biases: readNumbers(object, 'biases', NAME, weights.length) });
    m.history.push(...readHistory<MadalineEpoch>(object, NAME));
    return m;
  }

  /** `w_ij ← w_ij + α · signal · x_i`, `b_j ← b_j + α · signal` for hidden unit j. */
  private update(j: number, signal: number, x: Sample, rate: number): void {
    const row = (this.weights as number[][])[j];
    for (let i = 0; i < row.length; i++) row[i] += rate * signal * x[i];
    this.biases[j] += rate * signal;
  }

  private outputOf(z: readonly number[]): number {
    return sign(netInput(this.outputWeights, this.outputBias, z));
  }

  private trained(): number[][] {
    if (!this.weights)
      throw new ConfigError(`${NAME} has no weights yet: call fit(x, y) first, or pass {weights, biases}.`);
    return this.weights;
  }
}
