/**
 * The weights a classic model starts `fit` from: the ones it was given, else seeded random ones (a
 * bias that was given is kept even when the weights are drawn).
 */
import { randomWeights } from './training.js';

/** Weights and biases of a layer of neurons: `weights[j]` holds the `n` input weights of neuron j. */
export interface LayerWeights {
  /** `[units][inputs]`. */
  weights: number[][];
  /** `[units]`. */
  biases: number[];
}

/** Weights and bias of one neuron. */
export interface NeuronWeights {
  /** `[inputs]`. */
  weights: number[];
  bias: number;
}

/**
 * The starting weights of `units` neurons on `inputs` inputs: `weights` (and `biases`) as they are when
 * `weights` is set; else `units × (inputs + 1)` values drawn by {@link randomWeights} from `seed`, neuron
 * after neuron, each its bias first and then its weights; the drawn biases replace `biases` only when
 * `biasesGiven` is false. The arrays given are returned as they are, not copied.
 */
export function initialLayerWeights(
  weights: number[][] | null,
  biases: number[],
  biasesGiven: boolean,
  units: number,
  inputs: number,
  seed: number,
): LayerWeights {
  if (weights) return { weights, biases };
  const drawn = randomWeights(units * (inputs + 1), seed);
  const drawnWeights = Array.from({ length: units }, (_, j) =>
    drawn.slice(j * (inputs + 1) + 1, (j + 1) * (inputs + 1)),
  );
  const drawnBiases = Array.from({ length: units }, (_, j) => drawn[j * (inputs + 1)]);
  return { weights: drawnWeights, biases: biasesGiven ? biases : drawnBiases };
}

/** {@link initialLayerWeights} for a single neuron (the same draws as a layer of one). */
export function initialNeuronWeights(
  weights: number[] | null,
  bias: number,
  biasGiven: boolean,
  inputs: number,
  seed: number,
): NeuronWeights {
  if (weights) return { weights, bias };
  const layer = initialLayerWeights(null, [bias], biasGiven, 1, inputs, seed);
  return { weights: layer.weights[0], bias: layer.biases[0] };
}
