/**
 * The logic neuron of McCulloch and Pitts (seed 003, 1.2): binary inputs, fixed weights, a threshold
 * written as the bias `w0`, and the step function.
 */
import { ConfigError, DataError } from '@tensorfold/core';
import { step } from './hebbian-rule.js';
import { checkNumbers, netInput, type Sample } from './samples.js';
import { CLASSIC_FORMAT, type ClassicJson, readEnvelope, readNumber, readNumbers } from './serialization.js';
import { truthTableInputs } from './toy-data.js';

/** Options of {@link LogicNeuron}. */
export interface LogicNeuronOptions {
  /** Weights `w_1 ... w_n` of the inputs (positive: excitatory, negative: inhibiting). */
  weights: number[];
  /** Bias `w0` (minus the threshold `h`: the neuron fires when `Σ w_i x_i >= h = −w0`). */
  bias: number;
  /**
   * Indices (from 0) of absolutely inhibitory inputs, as in McCulloch and Pitts' 1943 neuron: when any
   * of them is 1 the output is 0 whatever the sum. Default none.
   */
  inhibitory?: number[];
  /** A name for printing (`'AND'`). Default `'neuron'`. */
  name?: string;
}

/**
 * A McCulloch-Pitts logic neuron: `y = φ(Σ w_i x_i + w0)` with the step function `φ(u) = 1` if
 * `u >= 0`, else `0`, on binary inputs `x_i ∈ {0, 1}`; an active absolutely inhibitory input forces
 * `y = 0`. Its weights are fixed: it computes a Boolean function, it does not learn (the perceptron
 * does).
 *
 * @example
 * const and = new LogicNeuron({ weights: [1, 1], bias: -1.5 }); // seed 003, 1.2.1
 * and.predict([[0, 1], [1, 1]]); // [0, 1]
 */
export class LogicNeuron {
  readonly weights: readonly number[];
  readonly bias: number;
  readonly inhibitory: readonly number[];
  readonly name: string;

  constructor(options: LogicNeuronOptions) {
    const { weights, bias, inhibitory = [], name = 'neuron' } = options;
    checkNumbers(weights, undefined, 'LogicNeuron: weights');
    if (weights.length === 0)
      throw new ConfigError('LogicNeuron: weights must hold one number per input (at least one).');
    checkNumbers([bias], 1, 'LogicNeuron: bias');
    if (inhibitory.some((i) => !Number.isInteger(i) || i < 0 || i >= weights.length)) {
      throw new ConfigError(
        `LogicNeuron: inhibitory lists input indices from 0 to ${weights.length - 1}, got [${inhibitory.join(', ')}].`,
      );
    }
    this.weights = [...weights];
    this.bias = bias;
    this.inhibitory = [...inhibitory];
    this.name = name;
  }

  /** Number of inputs. */
  get inputSize(): number {
    return this.weights.length;
  }

  /** The output (0 or 1) for each binary sample. */
  predict(x: readonly Sample[]): number[] {
    checkBinaryInputs(x, this.weights.length, this.name);
    return x.map((row) => this.output(row));
  }

  /** Accuracy against 0/1 labels. */
  evaluate(x: readonly Sample[], y: readonly number[]): { accuracy: number; mistakes: number } {
    const out = this.predict(x);
    if (y.length !== x.length || y.some((v) => v !== 0 && v !== 1)) {
      throw new DataError(`${this.name}: y must hold one 0/1 label per sample (${x.length} samples).`);
    }
    const mistakes = out.filter((v, i) => v !== y[i]).length;
    return { accuracy: (x.length - mistakes) / x.length, mistakes };
  }

  /** The neuron's truth table: every input row in counting order (00, 01, 10, 11) with its output. */
  truthTable(): { inputs: number[]; net: number; output: number }[] {
    return truthTableInputs(this.weights.length).map((inputs) => ({
      inputs,
      net: netInput(this.weights, this.bias, inputs),
      output: this.output(inputs),
    }));
  }

  /** The model as JSON. */
  toJSON(): ClassicJson {
    return {
      format: CLASSIC_FORMAT,
      className: 'LogicNeuron',
      name: this.name,
      weights: [...this.weights],
      bias: this.bias,
      inhibitory: [...this.inhibitory],
    };
  }

  /** A logic neuron from what {@link LogicNeuron.toJSON} returned. */
  static fromJSON(json: unknown): LogicNeuron {
    const object = readEnvelope(json, 'LogicNeuron');
    return new LogicNeuron({
      weights: readNumbers(object, 'weights', 'LogicNeuron'),
      bias: readNumber(object, 'bias', 'LogicNeuron'),
      inhibitory: readNumbers(object, 'inhibitory', 'LogicNeuron'),
      name: typeof object.name === 'string' ? object.name : undefined,
    });
  }

  private output(x: Sample): number {
    if (this.inhibitory.some((i) => x[i] === 1)) return 0;
    return step(netInput(this.weights, this.bias, x));
  }
}

/** Throws a DataError unless every sample has `n` inputs, each 0 or 1. */
export function checkBinaryInputs(x: readonly Sample[], n: number, name: string): void {
  if (!Array.isArray(x)) throw new DataError(`${name}: x must be a list of samples like [[0, 1], [1, 1]].`);
  for (const [i, row] of x.entries()) {
    if (!Array.isArray(row) || row.length !== n) {
      throw new DataError(
        `${name}: sample ${i} has ${Array.isArray(row) ? row.length : 'no'} inputs but the neuron has ${n} weights; pass ${n} binary inputs per sample.`,
      );
    }
    const bad = row.findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) {
      throw new DataError(
        `${name}: a logic neuron takes binary inputs 0 or 1, got ${String(row[bad])} at sample ${i}, input ${bad + 1}. Threshold the data first (e.g. x >= 0.5 ? 1 : 0), or use a Perceptron for real-valued inputs.`,
      );
    }
  }
}

/** AND with seed 003's weights: `w1 = w2 = 1`, `w0 = −1.5` (1.2.1). */
export function andNeuron(): LogicNeuron {
  return new LogicNeuron({ weights: [1, 1], bias: -1.5, name: 'AND' });
}

/** OR with seed 003's weights: `w1 = w2 = 1`, `w0 = −0.5` (1.2.2). */
export function orNeuron(): LogicNeuron {
  return new LogicNeuron({ weights: [1, 1], bias: -0.5, name: 'OR' });
}

/**
 * NOT: `w1 = −1`, `w0 = 0.5`. The text says NOT is one neuron but prints no weights; these are AND's
 * and OR's pattern with the input's sign flipped.
 */
export function notNeuron(): LogicNeuron {
  return new LogicNeuron({ weights: [-1], bias: 0.5, name: 'NOT' });
}

/** NAND, the negation of AND: `w1 = w2 = −1`, `w0 = 1.5` (weights not in the text; AND's negated). */
export function nandNeuron(): LogicNeuron {
  return new LogicNeuron({ weights: [-1, -1], bias: 1.5, name: 'NAND' });
}

/** NOR, the negation of OR: `w1 = w2 = −1`, `w0 = 0.5` (weights not in the text; OR's negated). */
export function norNeuron(): LogicNeuron {
  return new LogicNeuron({ weights: [-1, -1], bias: 0.5, name: 'NOR' });
}
