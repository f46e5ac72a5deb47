import { DataError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { DeltaNeuron } from './delta-neuron.js';
import {
  DIFFERENTIABLE_ACTIVATIONS,
  deltaRule,
  differentiableActivation,
  generalizedDeltaRule,
} from './delta-rule.js';
import { hebbRule, perceptronRule, sign, step } from './hebbian-rule.js';

describe("Hebb's binary rule (seed 003, 2.2.2)", () => {
  it('strengthens active inputs on a right firing, weakens them on a wrong one, and leaves a silent neuron alone', () => {
    expect(hebbRule([0.5, 0.5, 0.5], [1, 0, 1], 1, 1, 0.1)).toEqual([0.6, 0.5, 0.6]);
    expect(hebbRule([0.5, 0.5, 0.5], [1, 0, 1], 1, 0, 0.1)).toEqual([0.4, 0.5, 0.4]);
    expect(hebbRule([0.5, 0.5, 0.5], [1, 0, 1], 0, 1, 0.1)).toEqual([0.5, 0.5, 0.5]);
    expect(() => hebbRule([1], [0.5], 1, 1, 0.1)).toThrow(DataError);
    expect(() => hebbRule([1], [1], 1, -1, 0.1)).toThrow(/0 or 1/);
  });
});

describe('the perceptron rule (seed 003, 2.2.6)', () => {
  it('changes nothing on a right answer and moves by γ(d - y)x on a mistake', () => {
    expect(perceptronRule([1, 1], -1, [1, 1], 1, 0.5)).toEqual({
      weights: [1, 1],
      bias: -1,
      net: 1,
      output: 1,
      mistake: false,
    });
    // u = 1 >= 0 but d = -1: w - 2γx.
    expect(perceptronRule([1, 1], -1, [1, 1], -1, 0.5)).toEqual({
      weights: [0, 0],
      bias: -2,
      net: 1,
      output: 1,
      mistake: true,
    });
    expect([sign(0), sign(-1e-9), step(0), step(-1e-9)]).toEqual([1, -1, 1, 0]);
  });
});

describe('the delta rules', () => {
  it('deltaRule is w + μ(d - u)x (the text prints it without x: see the module notes)', () => {
    const s = deltaRule([1, 2], 0.5, [2, -1], 1, 0.1);
    // u = 2 - 2 + 0.5 = 0.5, error 0.5: w += 0.05 x.
    expect(s.net).toBe(0.5);
    expect(s.error).toBe(0.5);
    expect(s.weights[0]).toBeCloseTo(1.1, 12);
    expect(s.weights[1]).toBeCloseTo(1.95, 12);
    expect(s.bias).toBeCloseTo(0.55, 12);
  });

  it('the generalized rule is a gradient step on ½(d - f(u))², checked by finite differences', () => {
    const w = [0.3, -0.7];
    const b = 0.2;
    const x = [1.5, 0.4];
    const d = 0.9;
    const mu = 0.1;
    for (const activation of Object.values(DIFFERENTIABLE_ACTIVATIONS)) {
      const loss = (ws: number[], bias: number) =>
        0.5 * (d - activation.f(ws[0] * x[0] + ws[1] * x[1] + bias)) ** 2;
      const h = 1e-6;
      const grad = [0, 1].map((i) => {
        const up = [...w];
        const down = [...w];
        up[i] += h;
        down[i] -= h;
        return (loss(up, b) - loss(down, b)) / (2 * h);
      });
      const gradBias = (loss(w, b + h) - loss(w, b - h)) / (2 * h);
      const s = generalizedDeltaRule(w, b, x, d, mu, activation);
      expect(s.weights[0], activation.name).toBeCloseTo(w[0] - mu * grad[0], 8);
      expect(s.weights[1], activation.name).toBeCloseTo(w[1] - mu * grad[1], 8);
      expect(s.bias, activation.name).toBeCloseTo(b - mu * gradBias, 8);
    }
    expect(() => differentiableActivation('step')).toThrow(/perceptron rule/);
  });

  it('a sigmoid DeltaNeuron learns OR as probabilities, seeded, and round-trips', () => {
    const x = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    const y = [0.05, 0.95, 0.95, 0.95];
    const n = new DeltaNeuron({ activation: 'sigmoid' });
    const r = n.fit(x, y, { epochs: 300, learningRate: 1 });
    expect(r.history.at(-1)?.mse).toBeLessThan(r.history[0].mse);
    expect(n.predict(x).map((p) => (p >= 0.5 ? 1 : 0))).toEqual([0, 1, 1, 1]);
    expect(n.evaluate(x, y).mse).toBeLessThan(0.01);
    const copy = DeltaNeuron.fromJSON(JSON.stringify(n));
    expect(copy.predict(x)).toEqual(n.predict(x));
    expect(copy.activation.name).toBe('sigmoid');
  });
});
