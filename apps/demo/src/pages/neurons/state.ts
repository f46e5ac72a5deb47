/** The state of the Neurons page, mirrored in the URL. */
import { choiceField, numberField, type StateSchema } from '../../lib/url-state';

/** The logic functions with a preset neuron (XOR has none: no single neuron computes it). */
export const GATES = ['and', 'or', 'nand', 'nor', 'xor', 'not'] as const;
export type Gate = (typeof GATES)[number];

export interface NeuronsState {
  /** The target function of the logic neuron. */
  gate: Gate;
  /** Weight of x1. */
  w1: number;
  /** Weight of x2 (unused for NOT). */
  w2: number;
  /** Bias w0. */
  bias: number;
  /** Fruit perceptron: examples presented so far. */
  steps: number;
  /** Fruit perceptron: learning rate γ. */
  rate: number;
  /** Adaline: the truth table it learns. */
  adalineGate: Gate;
  /** Adaline and Madaline: epochs trained. */
  epochs: number;
  /** Adaline and Madaline: seed of the initial weights. */
  seed: number;
  /** Madaline: learning rate α of MRI. */
  madalineRate: number;
}

export const neuronsSchema: StateSchema<NeuronsState> = {
  gate: choiceField<Gate>('and', GATES),
  w1: numberField(1, -3, 3),
  w2: numberField(1, -3, 3),
  bias: numberField(-1.5, -3, 3),
  steps: numberField(0, 0, 400, true),
  rate: numberField(0.01, 0.0001, 1),
  adalineGate: choiceField<Gate>('and', GATES),
  epochs: numberField(20, 1, 500, true),
  seed: numberField(42, 0, 1_000_000, true),
  madalineRate: numberField(0.5, 0.001, 1),
};
