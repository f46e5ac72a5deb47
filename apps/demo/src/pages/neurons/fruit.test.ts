import { describe, expect, it } from 'vitest';
import { fruitSteps } from './fruit';

describe('fruit perceptron stepper', () => {
  it("gives the text's numbers one example at a time: only (114, 15.2) updates, then w = [-27.72, 300.304], w0 = -1229.98", () => {
    const steps = fruitSteps(4, 0.01);
    expect(steps.map((s) => s.mistake)).toEqual([false, true, false, false]);
    const nets = [180, -90, -4228.3224, -4202.9176];
    for (const [i, s] of steps.entries()) expect(s.net).toBeCloseTo(nets[i], 9);
    expect(steps[3].weights[0]).toBeCloseTo(-27.72, 12);
    expect(steps[3].weights[1]).toBeCloseTo(300.304, 12);
    expect(steps[3].bias).toBeCloseTo(-1229.98, 12);
    expect(steps.map((s) => s.epoch)).toEqual([1, 1, 1, 1]);
  });

  it('makes no mistake in the second epoch (converged), and zero steps is the start', () => {
    const steps = fruitSteps(8, 0.01);
    expect(steps.slice(4).every((s) => !s.mistake)).toBe(true);
    expect(fruitSteps(0, 0.01)).toEqual([]);
  });
});
