import { describe, expect, it } from 'vitest';
import { initialLayerWeights, initialNeuronWeights } from './initial-weights.js';
import { randomWeights } from './training.js';

describe('initialLayerWeights', () => {
  it('draws each neuron its bias first, then its weights, from one seeded sequence', () => {
    const drawn = randomWeights(2 * 4, 7); // 2 units × (3 inputs + bias)
    const start = initialLayerWeights(null, [0, 0], false, 2, 3, 7);
    expect(start.weights).toEqual([drawn.slice(1, 4), drawn.slice(5, 8)]);
    expect(start.biases).toEqual([drawn[0], drawn[4]]);
  });

  it('keeps given weights and biases as they are (the same arrays)', () => {
    const weights = [[1, 2]];
    const biases = [3];
    const start = initialLayerWeights(weights, biases, true, 1, 2, 7);
    expect(start.weights).toBe(weights);
    expect(start.biases).toBe(biases);
  });

  it('keeps given biases when it draws the weights', () => {
    const start = initialLayerWeights(null, [5, 6], true, 2, 1, 7);
    expect(start.biases).toEqual([5, 6]);
    expect(start.weights).toEqual([randomWeights(4, 7).slice(1, 2), randomWeights(4, 7).slice(3, 4)]);
  });
});

describe('initialNeuronWeights', () => {
  it('draws as a layer of one neuron', () => {
    const drawn = randomWeights(3, 11);
    expect(initialNeuronWeights(null, 0, false, 2, 11)).toEqual({ weights: drawn.slice(1), bias: drawn[0] });
    expect(initialNeuronWeights(null, -4, true, 2, 11)).toEqual({ weights: drawn.slice(1), bias: -4 });
  });

  it('keeps given weights and bias', () => {
    const weights = [0.5];
    const start = initialNeuronWeights(weights, 2, true, 1, 11);
    expect(start.weights).toBe(weights);
    expect(start.bias).toBe(2);
  });
});
