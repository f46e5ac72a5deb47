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

  it('weighs each point by 1 / one: the same terms as an independent weighted least squares', () => {
    // Noisy medians (work, copied, pool ms, one-thread ms). numpy's lstsq on the rows scaled by
    // 1 / one gives f 4.10518888e-3, c 3.18138220e-7, g 1.06455097e-8 (0.386M + 29.88 per copy);
    // unweighted it gives 4.58M + 4.56 per copy, so a fit that dropped the weights fails here.
    const rows: [number, number, number, number][] = [
      [1e6, 5e4, 0.03, 0.021],
      [3e6, 1.2e5, 0.075, 0.062],
      [6e6, 2.5e5, 0.16, 0.131],
      [1.3e7, 4.4e5, 0.27, 0.29],
      [2.6e7, 5e5, 0.41, 0.55],
      [5e7, 6e5, 0.82, 1.2],
      [1.3e8, 8e5, 2.1, 3.0],
    ];
    const points = rows.map(([work, copied, pool, one]) => ({ work, copied, pool, one }));
    const fit = fitCrossover(points)!;
    expect(fit.f).toBeCloseTo(4.10518888e-3, 10);
    expect(fit.c / 3.1813822e-7).toBeCloseTo(1, 7);
    expect(fit.g / 1.06455097e-8).toBeCloseTo(1, 7);
    expect(fit.base).toBeCloseTo(385626.335, 1);
    expect(fit.perCopy).toBeCloseTo(29.884733, 5);
    // The least squares' own condition: the weighted residuals are orthogonal to every weighted column.
    const residual = points.map(
      (p) => (p.pool - p.one - (fit.f + fit.c * p.copied - fit.g * p.work)) / p.one,
    );
    const columns = [(_p: SweepPoint) => 1, (p: SweepPoint) => p.copied, (p: SweepPoint) => -p.work];
    for (const column of columns) {
      const dot = points.reduce((sum, p, i) => sum + (column(p) / p.one) * residual[i], 0);
      const scale = Math.hypot(...points.map((p) => column(p) / p.one)) * Math.hypot(...residual);
      expect(Math.abs(dot) / scale).toBeLessThan(1e-9);
    }
  });

  it('gives no rule where the pool never gains', () => {
    // The pool 1.5x the one-thread time plus 10 us on products of every shape: g < 0.
    const points = [
      [1e6, 5e4],
      [4e6, 3e5],
      [1.3e7, 2e5],
      [5e7, 9e5],
    ].map(([work, copied]) => ({ work, copied, one: work * 2e-8, pool: work * 3e-8 + 0.01 }));
    expect(fitCrossover(points)).toBeNull();
  });

  it('gives no rule where the points cannot tell the base from the copy term', () => {
    // Every product copies 200k elements: f and 200k * c are one column.
    const points = [1e6, 4e6, 9e6, 2e7].map((work, i) => ({
      work,
      copied: 2e5,
      one: work * 2e-8,
      pool: work * 1e-8 + 0.05 + 0.001 * (i % 2),
    }));
    expect(fitCrossover(points)).toBeNull();
    expect(fitCrossover(points.slice(0, 2))).toBeNull();
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
