import { ConfigError, DataError, SerializationError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { Perceptron } from './perceptron.js';
import { fruitData, logicData } from './toy-data.js';

describe('Perceptron: seed 003 fruit example (2.3)', () => {
  const { x, y } = fruitData();

  it('reproduces the text step by step: one update on (114, 15.2), then w = [-27.72, 300.304], w0 = -1229.98', () => {
    const p = new Perceptron({ weights: [-30, 300], bias: -1230 });
    const steps: { net: number; output: number; updated: boolean }[] = [];
    const result = p.fit(x, y, {
      learningRate: 0.01,
      epochs: 1,
      onStep: (s) => {
        if (s.epoch === 1) steps.push({ net: s.net, output: s.output, updated: s.updated });
      },
    });
    // The text's printout: inner potentials 180, -90, -4228.3224, -4202.9176; only the second updates.
    expect(steps.map((s) => s.output)).toEqual([1, -1, -1, -1]);
    expect(steps.map((s) => s.updated)).toEqual([false, true, false, false]);
    const nets = [180, -90, -4228.3224, -4202.9176];
    for (const [i, s] of steps.entries()) expect(s.net).toBeCloseTo(nets[i], 9);
    expect(p.weights?.[0]).toBeCloseTo(-27.72, 12);
    expect(p.weights?.[1]).toBeCloseTo(300.304, 12);
    expect(p.bias).toBeCloseTo(-1229.98, 12);
    expect(result).toMatchObject({ converged: false, epochs: 1, mistakes: 1 });
  });

  it('converges in the second epoch (no weight changes), as the text says', () => {
    const p = new Perceptron({ weights: [-30, 300], bias: -1230 });
    const epochs: number[] = [];
    const result = p.fit(x, y, { learningRate: 0.01, onEpoch: (r) => epochs.push(r.mistakes) });
    expect(result.converged).toBe(true);
    expect(epochs).toEqual([1, 0]);
    expect(p.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(p.history[1].weights).toEqual(p.history[0].weights);
    expect(p.evaluate(x, y)).toEqual({ accuracy: 1, mistakes: 0 });
  });

  it('classifies the unknown fruits as the text does: (180, 10) -> -1, (140, 20) -> +1, (140, 17.9) -> C1', () => {
    const p = new Perceptron({ weights: [-30, 300], bias: -1230 });
    p.fit(x, y, { learningRate: 0.01 });
    expect(
      p.predict([
        [180, 10],
        [140, 20],
        [140, 17.9],
      ]),
    ).toEqual([-1, 1, 1]);
    const [a, b, c] = p.net([
      [180, 10],
      [140, 20],
      [140, 17.9],
    ]);
    expect(a).toBeCloseTo(-3216.54, 9);
    expect(b).toBeCloseTo(895.3, 9);
    expect(c).toBeCloseTo(264.6616, 9);
    // With the starting weights, (140, 17.9) would still fall in C2 (u = -60): training moved it.
    expect(new Perceptron({ weights: [-30, 300], bias: -1230 }).predict([[140, 17.9]])).toEqual([-1]);
    expect(p.boundary()).toBe('-27.72·x1 + 300.304·x2 - 1229.98 = 0');
  });
});

describe('Perceptron', () => {
  it('learns AND and OR from random weights, and the same seed gives the same run', () => {
    for (const name of ['and', 'or', 'nand', 'nor']) {
      const { x, y } = logicData(name);
      const a = new Perceptron();
      const ra = a.fit(x, y, { learningRate: 0.1, seed: 3 });
      expect(ra.converged, name).toBe(true);
      expect(a.evaluate(x, y).accuracy).toBe(1);
      const b = new Perceptron();
      b.fit(x, y, { learningRate: 0.1, seed: 3 });
      expect(b.weights).toEqual(a.weights);
      expect(b.history).toEqual(a.history);
    }
  });

  it('reports non-convergence on XOR after the epoch limit instead of looping', () => {
    const { x, y } = logicData('xor');
    const p = new Perceptron();
    const result = p.fit(x, y, { epochs: 50, learningRate: 0.1, seed: 1, shuffle: true });
    expect(result.converged).toBe(false);
    expect(result.epochs).toBe(50);
    expect(result.history.every((h) => h.mistakes > 0)).toBe(true);
    expect(p.evaluate(x, y).accuracy).toBeLessThan(1);
  });

  it('round-trips through JSON', () => {
    const { x, y } = fruitData();
    const p = new Perceptron({ weights: [-30, 300], bias: -1230 });
    p.fit(x, y, { learningRate: 0.01 });
    const q = Perceptron.fromJSON(JSON.stringify(p));
    expect(q.weights).toEqual(p.weights);
    expect(q.bias).toBe(p.bias);
    expect(q.history).toEqual(p.history);
    expect(() => Perceptron.fromJSON({ format: 'x' })).toThrow(SerializationError);
    expect(() => Perceptron.fromJSON('{')).toThrow(SerializationError);
  });

  it('rejects bad labels, feature counts and options with errors naming the fix', () => {
    const p = new Perceptron({ weights: [1, 1], bias: 0 });
    expect(() => p.fit([[1, 2]], [2])).toThrow(DataError);
    expect(() => p.fit([[1, 2]], [2])).toThrow(/Relabel: \+1 for class C1, -1 for class C2/);
    expect(() => p.fit([[1, 2, 3]], [1])).toThrow(/has 3 features but the weights expect 2/);
    expect(() => p.predict([[1]])).toThrow(DataError);
    expect(() => p.fit([[1, 2]], [1, -1])).toThrow(/one label per sample/);
    expect(() => p.fit([[1, 2]], [1], { learningRate: 0 })).toThrow(ConfigError);
    expect(() => p.fit([[1, 2]], [1], { epochs: 1.5 })).toThrow(ConfigError);
    expect(() => new Perceptron().predict([[1]])).toThrow(/call fit\(x, y\) first/);
    expect(() => new Perceptron({ inputSize: 3, weights: [1, 2] })).toThrow(ConfigError);
    expect(p.weights).toEqual([1, 1]);
  });
});
