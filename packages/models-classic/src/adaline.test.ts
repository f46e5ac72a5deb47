import { ConfigError, DataError, SerializationError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { Adaline } from './adaline.js';
import { setosaVersicolor } from './test-utils/iris.js';
import { logicData } from './toy-data.js';

describe('Adaline', () => {
  it('learns by the delta rule from every sample: one step by hand', () => {
    const a = new Adaline({ weights: [0.5, -0.5], bias: 0 });
    a.fit([[1, 2]], [1], { epochs: 1, learningRate: 0.1 });
    // u = 0.5 - 1 = -0.5; error d - u = 1.5; w += 0.1 * 1.5 * x = [0.15, 0.3]; w0 += 0.15.
    expect(a.weights?.[0]).toBeCloseTo(0.65, 12);
    expect(a.weights?.[1]).toBeCloseTo(-0.2, 12);
    expect(a.bias).toBeCloseTo(0.15, 12);
  });

  it('separates Iris setosa from versicolor to 100% accuracy', async () => {
    const { x, y } = await setosaVersicolor();
    const a = new Adaline();
    const records: number[] = [];
    const result = a.fit(x, y, { learningRate: 0.001, epochs: 30, onEpoch: (r) => records.push(r.mse) });
    expect(result.epochs).toBe(30);
    expect(a.evaluate(x, y).accuracy).toBe(1);
    expect(result.history.at(-1)?.mistakes).toBe(0);
    // Gradient learning: the squared error falls from the first epoch to the last.
    expect(records.at(-1)).toBeLessThan(records[0]);
    expect(a.evaluate(x, y).mse).toBeCloseTo(records.at(-1) as number, 12);
  });

  it('is seeded, stops at targetMse, and round-trips through JSON', () => {
    const { x, y } = logicData('and');
    const a = new Adaline();
    const b = new Adaline();
    a.fit(x, y, { seed: 9, learningRate: 0.1, epochs: 20, shuffle: true });
    b.fit(x, y, { seed: 9, learningRate: 0.1, epochs: 20, shuffle: true });
    expect(b.weights).toEqual(a.weights);
    // AND with bipolar targets: the least-squares fit classifies every row right.
    expect(a.evaluate(x, y).accuracy).toBe(1);
    const c = new Adaline();
    const r = c.fit(x, y, { learningRate: 0.1, epochs: 200, targetMse: 0.3 });
    expect(r.reachedTarget).toBe(true);
    expect(r.epochs).toBeLessThan(200);
    const d = Adaline.fromJSON(JSON.stringify(a));
    expect(d.predict(x)).toEqual(a.predict(x));
    expect(d.history).toEqual(a.history);
    expect(() =>
      Adaline.fromJSON({
        format: 'tensorfold-classic-neuron/1',
        className: 'Adaline',
        weights: [1, 'a'],
        bias: 0,
      }),
    ).toThrow(SerializationError);
  });

  it('says what to do when the rate is too large, the labels are not bipolar, or the features do not match', () => {
    expect(() => new Adaline().fit([[100, 200]], [1], { learningRate: 1, epochs: 200 })).toThrow(/lower it/);
    expect(() => new Adaline().fit([[1, 2]], [3])).toThrow(DataError);
    expect(() => new Adaline({ weights: [1, 2] }).fit([[1, 2, 3]], [1])).toThrow(
      /has 3 features but the weights expect 2/,
    );
    expect(() => new Adaline().fit([[1]], [1], { targetMse: -1 })).toThrow(ConfigError);
  });
});
