/**
 * A two-layer network of logic neurons that computes any Boolean function from its conjunctive
 * clauses (seed 003, 1.2.5): one hidden neuron per row where the function is 1 (an AND of the inputs
 * or their negations), and an OR neuron over them. XOR is `(x1 ∧ ¬x2) ∨ (¬x1 ∧ x2)`.
 */
import { ConfigError, DataError } from '@tensorfold/core';
import { checkBinaryInputs, LogicNeuron } from './logic-neuron.js';
import type { Sample } from './samples.js';
import { CLASSIC_FORMAT, type ClassicJson, readEnvelope } from './serialization.js';
import { logicData, truthTableInputs } from './toy-data.js';

/**
 * Logic neurons in two layers: `hidden` neurons read the inputs, the `output` neuron reads the hidden
 * outputs. (Seed 003 counts the inputs as a layer too and calls it a 3-layer network.)
 */
export class LogicNetwork {
  readonly hidden: readonly LogicNeuron[];
  readonly output: LogicNeuron;

  constructor(hidden: LogicNeuron[], output: LogicNeuron) {
    if (hidden.length === 0) throw new ConfigError('LogicNetwork needs at least one hidden neuron.');
    const n = hidden[0].inputSize;
    if (hidden.some((h) => h.inputSize !== n)) {
      throw new ConfigError(
        'LogicNetwork: every hidden neuron must read the same inputs (same weight count).',
      );
    }
    if (output.inputSize !== hidden.length) {
      throw new ConfigError(
        `LogicNetwork: the output neuron has ${output.inputSize} weights but there are ${hidden.length} hidden neurons; give it one weight per hidden neuron.`,
      );
    }
    this.hidden = [...hidden];
    this.output = output;
  }

  /** Number of inputs. */
  get inputSize(): number {
    return this.hidden[0].inputSize;
  }

  /** The hidden outputs and the output for each binary sample. */
  forward(x: readonly Sample[]): { hidden: number[]; output: number }[] {
    checkBinaryInputs(x, this.inputSize, 'LogicNetwork');
    return x.map((row) => {
      const z = this.hidden.map((h) => h.predict([row])[0]);
      return { hidden: z, output: this.output.predict([z])[0] };
    });
  }

  /** The output (0 or 1) for each binary sample. */
  predict(x: readonly Sample[]): number[] {
    return this.forward(x).map((f) => f.output);
  }

  /** Accuracy against 0/1 labels. */
  evaluate(x: readonly Sample[], y: readonly number[]): { accuracy: number; mistakes: number } {
    const out = this.predict(x);
    if (y.length !== x.length || y.some((v) => v !== 0 && v !== 1)) {
      throw new DataError(`LogicNetwork: y must hold one 0/1 label per sample (${x.length} samples).`);
    }
    const mistakes = out.filter((v, i) => v !== y[i]).length;
    return { accuracy: (x.length - mistakes) / x.length, mistakes };
  }

  /** Every input row in counting order with the hidden outputs and the output. */
  truthTable(): { inputs: number[]; hidden: number[]; output: number }[] {
    const rows = truthTableInputs(this.inputSize);
    return this.forward(rows).map((f, r) => ({ inputs: rows[r], ...f }));
  }

  /** The network as JSON. */
  toJSON(): ClassicJson {
    return {
      format: CLASSIC_FORMAT,
      className: 'LogicNetwork',
      hidden: this.hidden.map((h) => h.toJSON()),
      output: this.output.toJSON(),
    };
  }

  /** A network from what {@link LogicNetwork.toJSON} returned. */
  static fromJSON(json: unknown): LogicNetwork {
    const object = readEnvelope(json, 'LogicNetwork');
    const hidden = Array.isArray(object.hidden) ? object.hidden.map((h) => LogicNeuron.fromJSON(h)) : [];
    return new LogicNetwork(hidden, LogicNeuron.fromJSON(object.output));
  }

  /**
   * The network of clauses for the function with truth table `outputs` (0/1 per row in counting
   * order, length 2^n). For each row `a` where it is 1, a hidden neuron fires on exactly that row:
   * weight `+1` where `a_i = 1`, `−1` where `a_i = 0`, bias `0.5 − (number of 1s in a)`. The output
   * neuron is an OR: weights 1, bias −0.5. A function that is never 1 gets one hidden neuron that never
   * fires.
   */
  static fromTruthTable(outputs: readonly number[]): LogicNetwork {
    const n = Math.log2(outputs.length);
    if (!Number.isInteger(n) || n < 1) {
      throw new ConfigError(`LogicNetwork.fromTruthTable takes 2^n outputs (n >= 1), got ${outputs.length}.`);
    }
    if (outputs.some((v) => v !== 0 && v !== 1)) {
      throw new DataError("LogicNetwork.fromTruthTable: a Boolean function's outputs are 0 or 1.");
    }
    const rows = truthTableInputs(n);
    const clauses = rows
      .filter((_, r) => outputs[r] === 1)
      .map((a) => {
        const ones = a.filter((v) => v === 1).length;
        const name = a.map((v, i) => (v === 1 ? `x${i + 1}` : `¬x${i + 1}`)).join(' ∧ ');
        return new LogicNeuron({ weights: a.map((v) => (v === 1 ? 1 : -1)), bias: 0.5 - ones, name });
      });
    if (clauses.length === 0) {
      clauses.push(new LogicNeuron({ weights: new Array(n).fill(0), bias: -1, name: 'false' }));
    }
    const or = new LogicNeuron({ weights: new Array(clauses.length).fill(1), bias: -0.5, name: 'OR' });
    return new LogicNetwork(clauses, or);
  }
}

/** XOR as seed 003 builds it: `(¬x1 ∧ x2) ∨ (x1 ∧ ¬x2)`, two clause neurons and an OR neuron. */
export function xorNetwork(): LogicNetwork {
  return LogicNetwork.fromTruthTable(logicData('xor').y);
}
