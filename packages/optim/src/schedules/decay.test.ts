import { ConfigError, serialize } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineDecay,
  exponentialDecay,
  inverseTimeDecay,
  piecewiseConstantDecay,
  polynomialDecay,
} from './decay.js';
import { deserializeSchedule, type LearningRateSchedule } from './schedule.js';

const at = (s: LearningRateSchedule, steps: number[]) => steps.map((t) => s.at(t));

describe('learning-rate schedules', () => {
  it('constant and piecewise constant', () => {
    expect(at(constantSchedule({ learningRate: 0.3 }), [0, 100])).toEqual([0.3, 0.3]);
    const p = piecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
    expect(at(p, [0, 10, 11, 20, 21, 1000])).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(() => piecewiseConstantDecay({ boundaries: [10], values: [1] })).toThrow(/one more value/);
    expect(() => piecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] })).toThrow(/must increase/);
  });

  it('exponential and inverse-time decay, smooth and staircase', () => {
    const e = exponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0.5 });
    expect(at(e, [0, 10, 5])).toEqual([1, 0.5, 0.5 ** 0.5]);
    const stairs = exponentialDecay({
      initialLearningRate: 1,
      decaySteps: 10,
      decayRate: 0.5,
      staircase: true,
    });
    expect(at(stairs, [9, 10, 25])).toEqual([1, 0.5, 0.25]);
    const inv = inverseTimeDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 1 });
    expect(at(inv, [0, 10, 5])).toEqual([1, 0.5, 1 / 1.5]);
    const invStairs = inverseTimeDecay({
      initialLearningRate: 1,
      decaySteps: 10,
      decayRate: 1,
      staircase: true,
    });
    expect(at(invStairs, [9, 10, 25])).toEqual([1, 0.5, 1 / 3]);
    // A rate of 0 holds the rate for inverse time; exponential decay needs a positive factor.
    expect(inverseTimeDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0 }).at(50)).toBe(1);
    expect(() => exponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0 })).toThrow(
      /exponentialDecay decayRate/,
    );
    expect(() => exponentialDecay({ initialLearningRate: 1, decaySteps: 0, decayRate: 0.5 })).toThrow(
      ConfigError,
    );
  });

  it('cosine decay with linear warm-up', () => {
    const c = cosineDecay({
      initialLearningRate: 0,
      warmupTarget: 1,
      warmupSteps: 10,
      decaySteps: 100,
      alpha: 0.1,
    });
    const [start, mid, top, half, end, after] = at(c, [0, 5, 10, 60, 110, 500]);
    expect([start, mid, top]).toEqual([0, 0.5, 1]);
    expect(half).toBeCloseTo(0.9 * 0.5 + 0.1, 12); // cos(pi/2) = 0
    expect(end).toBeCloseTo(0.1, 12);
    expect(after).toBeCloseTo(0.1, 12);
    const plain = cosineDecay({ initialLearningRate: 2, decaySteps: 10 });
    expect(at(plain, [0, 5, 10])).toEqual([2, expect.closeTo(1, 12), expect.closeTo(0, 12)]);
    expect(() => cosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupSteps: 5 })).toThrow(
      /warmupTarget/,
    );
  });

  it('polynomial decay, held or cycled', () => {
    const p = polynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0, power: 2 });
    expect(at(p, [0, 5, 10, 20])).toEqual([1, 0.25, 0, 0]);
    const cyc = polynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0, cycle: true });
    expect(cyc.at(15)).toBeCloseTo(1 - 15 / 20, 12);
  });

  it('round-trips through its serialized form', () => {
    for (const s of [
      cosineDecay({ initialLearningRate: 0.1, decaySteps: 5, warmupTarget: 0.2, warmupSteps: 2 }),
      piecewiseConstantDecay({ boundaries: [3], values: [1, 2] }),
      exponentialDecay({ initialLearningRate: 1, decaySteps: 3, decayRate: 0.9, staircase: true }),
      inverseTimeDecay({ initialLearningRate: 0.5, decaySteps: 2, decayRate: 0.3, staircase: true }),
    ]) {
      const back = deserializeSchedule(serialize(s) as never);
      expect(at(back, [0, 1, 2, 3, 4, 8])).toEqual(at(s, [0, 1, 2, 3, 4, 8]));
    }
    expect(() => deserializeSchedule({ className: 'Nope', config: {} })).toThrow(
      /Unknown learning-rate schedule/,
    );
  });
});
