import { describe, expect, it } from 'vitest';
import { bayesianTrial, encode, type Observation } from './bayesian.js';
import { boolean, choice, floatRange, intRange } from './space.js';

const space = { x: floatRange(0, 1), y: floatRange(0, 1) };
/** A smooth objective with its maximum (0) at (0.7, 0.2). */
const f = (x: number, y: number) => -((x - 0.7) ** 2) - (y - 0.2) ** 2;

function search(seed: number, trials: number, guided: boolean): Observation[] {
  const observed: Observation[] = [];
  for (let i = 0; i < trials; i++) {
    const hp = bayesianTrial(space, seed, i, observed, {
      direction: 'max',
      initialPoints: guided ? 3 : trials,
    });
    observed.push({ hyperparameters: hp, score: f(hp.x as number, hp.y as number) });
  }
  return observed;
}

describe('bayesianTrial', () => {
  it('closes in on the optimum of a smooth objective faster than random draws, over several seeds', () => {
    let wins = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const best = (o: Observation[]) => Math.max(...o.map((t) => t.score));
      const guided = best(search(seed, 15, true));
      const random = best(search(seed, 15, false));
      expect(guided).toBeGreaterThan(-0.01); // within 0.1 of (0.7, 0.2)
      if (guided > random) wins++;
    }
    expect(wins).toBeGreaterThanOrEqual(4);
  });

  it('is deterministic, minimises too, and maps every kind of range into [0, 1]', () => {
    expect(search(7, 8, true)).toEqual(search(7, 8, true));
    const observed: Observation[] = [];
    for (let i = 0; i < 12; i++) {
      const hp = bayesianTrial(space, 3, i, observed, { direction: 'min' });
      observed.push({ hyperparameters: hp, score: -f(hp.x as number, hp.y as number) });
    }
    expect(Math.min(...observed.map((o) => o.score))).toBeLessThan(0.01);
    const mixed = {
      a: intRange(2, 10),
      b: floatRange(1e-4, 1, { log: true }),
      c: choice(['p', 'q', 'r']),
      d: boolean(),
    };
    expect(encode(mixed, { a: 6, b: 1e-2, c: 'r', d: true })).toEqual([0.5, 0.5, 1, 1]);
  });
});
