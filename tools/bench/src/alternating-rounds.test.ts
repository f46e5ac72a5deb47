import { describe, expect, it } from 'vitest';
import { roundOrder, runAlternating } from './alternating-rounds.js';

describe('roundOrder', () => {
  it('rotates, so that each side leads once and follows every other side in turn', () => {
    expect(roundOrder(3, 0)).toEqual([0, 1, 2]);
    expect(roundOrder(3, 1)).toEqual([1, 2, 0]);
    expect(roundOrder(3, 2)).toEqual([2, 0, 1]);
    expect(roundOrder(3, 3)).toEqual([0, 1, 2]);
    const predecessors = new Set<string>();
    for (let r = 0; r < 3; r++) {
      const order = roundOrder(3, r);
      for (let i = 1; i < order.length; i++) predecessors.add(`${order[i - 1]}>${order[i]}`);
    }
    expect(predecessors.size).toBe(3); // with 3 sides a rotation gives 3 of the 6 ordered pairs
  });
});

describe('runAlternating', () => {
  it('runs untimed warm-up rounds, then every side once per round in the rotated order', async () => {
    const log: string[] = [];
    const side = (name: string, wall: number) => ({
      async round(steps: number) {
        log.push(`${name}${steps}`);
        return { wall, cpu: wall / 2 };
      },
    });
    const result = await runAlternating([side('a', 1), side('b', 2)], {
      rounds: 3,
      steps: 4,
      warmupRounds: 1,
    });
    // Warm-up round, then timed rounds 0, 1, 2.
    expect(log).toEqual(['a4', 'b4', 'a4', 'b4', 'b4', 'a4', 'a4', 'b4']);
    expect(result.rounds).toEqual([
      [1, 1, 1].map((wall) => ({ wall, cpu: wall / 2 })),
      [2, 2, 2].map((wall) => ({ wall, cpu: wall / 2 })),
    ]);
    expect(result.load).toBeGreaterThanOrEqual(0);
  });
});
