import { describe, expect, it } from 'vitest';
import { pairedOrder, roundOrder, runAlternating, runPaired } from './alternating-rounds.js';

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

describe('runAlternating with warmupSteps', () => {
  it('runs the untimed rounds with that many steps and the timed ones with `steps`', async () => {
    const log: string[] = [];
    const side = (name: string) => ({
      async round(steps: number) {
        log.push(`${name}${steps}`);
        return steps;
      },
    });
    const result = await runAlternating([side('a'), side('b')], {
      rounds: 2,
      steps: 4,
      warmupRounds: 1,
      warmupSteps: 2,
      rotate: false,
    });
    expect(log).toEqual(['a2', 'b2', 'a4', 'b4', 'a4', 'b4']);
    expect(result.rounds).toEqual([
      [4, 4],
      [4, 4],
    ]);
  });
});

describe('runAlternating with continueRotation', () => {
  it("goes on with the warm-up's rotation, and hands back whatever a round returns", async () => {
    const log: string[] = [];
    let calls = 0;
    const side = (name: string) => ({
      async round(steps: number) {
        log.push(name);
        return { name, steps, call: calls++ };
      },
    });
    const result = await runAlternating([side('off'), side('on')], {
      rounds: 3,
      steps: 5,
      warmupRounds: 2,
      continueRotation: true,
    });
    // Warm-up rounds 0 and 1, then timed rounds in the order of rounds 2, 3, 4.
    expect(log).toEqual(['off', 'on', 'on', 'off', 'off', 'on', 'on', 'off', 'off', 'on']);
    expect(result.rounds).toEqual([
      [4, 7, 8].map((call) => ({ name: 'off', steps: 5, call })),
      [5, 6, 9].map((call) => ({ name: 'on', steps: 5, call })),
    ]);
  });
});

describe('runAlternating without rotation', () => {
  it('runs the sides in the order given in every round', async () => {
    const log: string[] = [];
    const side = (name: string) => ({
      async round() {
        log.push(name);
        return name;
      },
    });
    const result = await runAlternating([side('a'), side('b'), side('c')], {
      rounds: 2,
      steps: 1,
      rotate: false,
    });
    expect(log).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
    expect(result.rounds).toEqual([
      ['a', 'a'],
      ['b', 'b'],
      ['c', 'c'],
    ]);
  });
});

describe('pairedOrder', () => {
  it('puts a round of ours right next to every peer, ours first in even rounds, second in odd ones', () => {
    expect(pairedOrder(3, 0)).toEqual([-1, 0, -1, 1, -1, 2]);
    expect(pairedOrder(3, 1)).toEqual([1, -1, 2, -1, 0, -1]);
    expect(pairedOrder(1, 0)).toEqual([-1, 0]);
    expect(pairedOrder(1, 1)).toEqual([0, -1]);
  });
});

describe('runPaired', () => {
  it('pairs each peer round with the round of ours run next to it', async () => {
    const log: string[] = [];
    let clock = 0;
    // Every round takes the clock's current value plus the side's own time: a machine that slows down.
    const side = (name: string, own: number) => ({
      async round(steps: number) {
        log.push(`${name}${steps}`);
        clock += 1;
        return { wall: own * clock, cpu: own * clock };
      },
    });
    const result = await runPaired(side('o', 1), [side('a', 2), side('b', 3)], {
      rounds: 2,
      steps: 4,
      warmupRounds: 1,
    });
    // Warm-up round (0), then timed rounds 0 (ours first) and 1 (peers rotated, ours second).
    expect(log).toEqual(['o4', 'a4', 'o4', 'b4', 'o4', 'a4', 'o4', 'b4', 'b4', 'o4', 'a4', 'o4']);
    const t = (wall: number) => ({ wall, cpu: wall });
    // Clock 5-8: (o5, a6), (o7, b8); clock 9-12: (b9, o10), (a11, o12).
    expect(result.ours).toEqual([
      [t(5), t(12)],
      [t(7), t(10)],
    ]);
    expect(result.peers).toEqual([
      [t(12), t(22)],
      [t(24), t(27)],
    ]);
    expect(result.othersCoresByPeer).toHaveLength(2);
  });
});
