import { DataError, SerializationError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { Madaline } from './madaline.js';

// XOR on bipolar patterns, the form MRI is taught on.
const x = [
  [1, 1],
  [1, -1],
  [-1, 1],
  [-1, -1],
];
const t = [-1, 1, 1, -1];

describe('Madaline with MRI (seed 003, 3.2.2)', () => {
  it('has the fixed OR output unit v1 = v2 = b3 = 1/2', () => {
    const m = new Madaline({
      weights: [
        [1, 0],
        [0, 1],
      ],
      biases: [0, 0],
    });
    expect(m.outputWeights).toEqual([0.5, 0.5]);
    expect(m.outputBias).toBe(0.5);
    // z = (1, -1) -> y_in = 0.5 + 0.5 - 0.5 = 0.5 -> +1; z = (-1, -1) -> -0.5 -> -1.
    expect(
      m.forward([
        [1, -1],
        [-1, -1],
      ]),
    ).toEqual([
      { hidden: [1, -1], output: 1 },
      { hidden: [-1, -1], output: -1 },
    ]);
  });

  it('t = -1: pushes every unit with a positive net input towards -1 (one step by hand)', () => {
    const m = new Madaline({
      weights: [
        [0.05, 0.2],
        [0.1, 0.2],
      ],
      biases: [0.3, 0.15],
    });
    m.fit([[1, 1]], [-1], { epochs: 1, learningRate: 0.5 });
    // z_in = 0.55 and 0.45, both positive, y = 1 != -1: w += 0.5 (-1 - z_in) x.
    const w = m.weights as number[][];
    expect(w[0][0]).toBeCloseTo(-0.725, 12);
    expect(w[0][1]).toBeCloseTo(-0.575, 12);
    expect(m.biases[0]).toBeCloseTo(-0.475, 12);
    expect(w[1][0]).toBeCloseTo(-0.625, 12);
    expect(w[1][1]).toBeCloseTo(-0.525, 12);
    expect(m.biases[1]).toBeCloseTo(-0.575, 12);
  });

  it('t = +1: pushes only the unit whose net input is closest to 0 towards +1', () => {
    const m = new Madaline({
      weights: [
        [1, 0],
        [0, 1],
      ],
      biases: [-3, -2],
    });
    m.fit([[1, 1]], [1], { epochs: 1, learningRate: 0.5 });
    // z_in = -2 and -1: unit 2 is closer to 0; it gets 0.5 (1 - (-1)) = 1 more on each weight and bias.
    expect(m.weights).toEqual([
      [1, 0],
      [1, 2],
    ]);
    expect(m.biases).toEqual([-3, -1]);
  });

  it('learns XOR, which one neuron cannot', () => {
    const m = new Madaline({
      weights: [
        [0.05, 0.2],
        [0.1, 0.2],
      ],
      biases: [0.3, 0.15],
    });
    const mistakes: number[] = [];
    const result = m.fit(x, t, { learningRate: 0.5, onEpoch: (r) => mistakes.push(r.mistakes) });
    expect(result.converged).toBe(true);
    expect(mistakes.at(-1)).toBe(0);
    expect(m.predict(x)).toEqual(t);
    // The two hidden units are the two clauses of XOR: each fires on one of the rows with output +1.
    const hidden = m.forward(x).map((f) => f.hidden);
    expect(hidden[0]).toEqual([-1, -1]);
    expect(hidden[3]).toEqual([-1, -1]);
    expect([hidden[1], hidden[2]].map((z) => z.filter((v) => v === 1).length)).toEqual([1, 1]);
  });

  it('learns XOR from seeded random weights, the same seed giving the same run', () => {
    let converged = 0;
    for (let seed = 0; seed < 20; seed++) {
      const m = new Madaline();
      if (m.fit(x, t, { seed }).converged) converged++;
    }
    expect(converged).toBe(20);
    const a = new Madaline();
    const b = new Madaline();
    a.fit(x, t, { seed: 4, shuffle: true });
    b.fit(x, t, { seed: 4, shuffle: true });
    expect(b.history).toEqual(a.history);
  });

  it('reports non-convergence honestly when MRI cannot finish', () => {
    // One hidden unit is a single Adaline: XOR stays out of reach, and fit stops at the limit.
    const m = new Madaline({ hiddenUnits: 1 });
    const result = m.fit(x, t, { epochs: 25 });
    expect(result).toMatchObject({ converged: false, epochs: 25 });
    expect(m.evaluate(x, t).accuracy).toBeLessThan(1);
  });

  it('round-trips through JSON and rejects bad labels', () => {
    const m = new Madaline();
    m.fit(x, t);
    const n = Madaline.fromJSON(JSON.parse(JSON.stringify(m)));
    expect(n.predict(x)).toEqual(m.predict(x));
    expect(() => Madaline.fromJSON({ format: 'tensorfold-classic-neuron/1', className: 'Madaline' })).toThrow(
      SerializationError,
    );
    expect(() => new Madaline().fit(x, [0, 1, 2, 0])).toThrow(DataError);
  });
});
