import { describe, expect, it } from 'vitest';
import { bestCrossover, fitCrossover, routingLoss, type SweepPoint } from './crossover-fit.js';

describe('fitCrossover', () => {
  it('recovers the base and the cost per copied element of an exact model', () => {
    // pool - one = 0.05 ms + 2e-7 ms per copied element - 1e-8 ms per multiply-add: the pool wins
    // from 5M + 20 * copied multiply-adds.
    const points: SweepPoint[] = [];
    for (const [work, copied] of [
      [1e6, 5e4],
      [4e6, 1.5e5],
      [1.3e7, 4.4e5],
      [5e7, 6e5],
      [1.3e8, 8e5],
    ]) {
      const one = work * 2e-8;
      points.push({ work, copied, one, pool: one + 0.05 + 2e-7 * copied - 1e-8 * work });
    }
    const fit = fitCrossover(points)!;
    expect(fit.base).toBeCloseTo(5e6, -2);
    expect(fit.perCopy).toBeCloseTo(20, 6);
  });

  it('gives no rule where the pool never gains', () => {
    const points = [1e6, 2e6, 4e6].map((work, i) => ({ work, copied: 1e4 * (i + 1), one: 1, pool: 2 }));
    expect(fitCrossover(points)).toBeNull();
  });
});

describe('bestCrossover', () => {
  it('finds a rule that routes every point the faster way where one exists', () => {
    // The pool wins from 4M + 10 * copied multiply-adds.
    const points: SweepPoint[] = [];
    for (const work of [1e6, 3e6, 5e6, 8e6, 12e6, 20e6, 50e6]) {
      for (const copied of [5e4, 2e5, 5e5]) {
        const wins = work >= 4e6 + 10 * copied;
        points.push({ work, copied, one: 1, pool: wins ? 0.8 : 1.25 });
      }
    }
    const best = bestCrossover(points, 0);
    expect(best.loss).toBe(0);
    for (const p of points) {
      expect(p.work >= best.base + best.perCopy * p.copied).toBe(p.pool < p.one);
    }
    expect(routingLoss(points, () => true)).toBeCloseTo(
      0.25 * points.filter((p) => p.pool > p.one).length,
      9,
    );
  });
});
