import { describe, expect, it } from 'vitest';
import { hyperbandTrial } from './hyperband.js';
import { floatRange, intRange } from './space.js';

const space = { units: intRange(1, 1000), rate: floatRange(0, 1) };
const higher = (a: number, b: number) => a > b;

/** Walks a whole schedule, scoring each training by `score(hp, epochs)`. */
function walk(maxEpochs: number, factor: number, score: (units: number, epochs: number) => number) {
  const scores: number[] = [];
  const plan = [];
  for (let i = 0; ; i++) {
    const next = hyperbandTrial(space, maxEpochs, factor, 4, i, scores, higher);
    if (!next) break;
    plan.push(next);
    scores.push(score(next.hyperparameters.units as number, next.epochs));
  }
  return plan;
}

describe('hyperbandTrial', () => {
  it("follows Hyperband's brackets: 9 configurations for 1 epoch, the best 3 for 3, the best for 9, then the next brackets", () => {
    const plan = walk(9, 3, (units) => units);
    expect(plan.map((p) => p.epochs)).toEqual([
      ...Array(9).fill(1),
      3,
      3,
      3,
      9,
      ...Array(5).fill(3),
      9,
      9,
      9,
      9,
    ]);
    const first = plan.slice(0, 9).map((p) => p.hyperparameters.units as number);
    const top3 = [...first].sort((a, b) => b - a).slice(0, 3);
    expect(plan.slice(9, 12).map((p) => p.hyperparameters.units)).toEqual(top3);
    expect(plan[12].hyperparameters.units).toBe(top3[0]);
    // The second bracket promotes the best of its five.
    const second = plan.slice(13, 18).map((p) => p.hyperparameters.units as number);
    expect(plan[18].hyperparameters.units).toBe(Math.max(...second));
  });

  it('is seeded and promotes by score, whatever the score', () => {
    const a = walk(9, 3, (units) => -units);
    const b = walk(9, 3, (units) => -units);
    expect(a).toEqual(b);
    const first = a.slice(0, 9).map((p) => p.hyperparameters.units as number);
    expect(a[12].hyperparameters.units).toBe(Math.min(...first));
  });
});
