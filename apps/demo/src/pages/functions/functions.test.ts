import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationCurve, lossCurves } from './curves';
import { OPTIMIZERS, runPath, SURFACES, surfaceGrid } from './paths';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

describe('activation and loss curves', () => {
  it("give seed 004's values: sigmoid'(0) = 1/4, tanh'(0) = 1, leaky ReLU's slope 0.01, step's zero gradient", async () => {
    const sigmoid = await activationCurve('sigmoid');
    expect(sigmoid.x[100]).toBeCloseTo(0, 5);
    expect(sigmoid.y[100]).toBeCloseTo(0.5, 6);
    expect(sigmoid.dy[100]).toBeCloseTo(0.25, 6);
    for (const [i, x] of sigmoid.x.entries()) {
      expect(sigmoid.dy[i]).toBeCloseTo(sigmoid.y[i] * (1 - sigmoid.y[i]), 5); // σ' = σ(1 − σ)
      expect(sigmoid.y[i]).toBeCloseTo(1 / (1 + Math.exp(-x)), 5);
    }
    expect((await activationCurve('tanh')).dy[100]).toBeCloseTo(1, 6);
    const leaky = await activationCurve('leakyRelu');
    expect(leaky.dy[0]).toBeCloseTo(0.01, 6);
    expect(leaky.dy[200]).toBeCloseTo(1, 6);
    expect((await activationCurve('step')).dy.every((v) => v === 0)).toBe(true);
  });

  it('BCE is −log p and MSE (1 − p)² for target 1, with their gradients', async () => {
    const { bce, mse } = await lossCurves(1);
    for (const [i, p] of bce.x.entries()) {
      expect(bce.y[i]).toBeCloseTo(-Math.log(p), 4);
      expect(bce.dy[i]).toBeCloseTo(-1 / p, 2);
      expect(mse.y[i]).toBeCloseTo((1 - p) ** 2, 5);
      expect(mse.dy[i]).toBeCloseTo(-2 * (1 - p), 4);
    }
  });
});

describe('optimizer paths', () => {
  it('every optimizer lowers the loss on each surface; momentum beats plain SGD in the narrow valley; no leaks', async () => {
    const before = tf.memory().numTensors;
    // Rosenbrock's valley is steep across: momentum diverges there above a rate of about 0.01.
    const rates: Record<string, number> = { bowl: 0.05, rosenbrock: 0.002, saddle: 0.05 };
    for (const [name, surface] of Object.entries(SURFACES)) {
      const start = tf.tidy(
        () => surface.f(tf.scalar(surface.start[0]), tf.scalar(surface.start[1])).dataSync()[0],
      );
      const finals: Record<string, number> = {};
      for (const o of OPTIMIZERS) {
        const path = await runPath(surface, o.name, o.make(rates[name]), 40);
        expect(path.points).toHaveLength(41);
        expect(path.points[0]).toEqual(surface.start.map((v) => Math.fround(v)));
        expect(path.finalLoss, `${o.name} on ${name}`).toBeLessThan(start);
        finals[o.name] = path.finalLoss;
      }
      if (name === 'bowl') expect(finals.Momentum).toBeLessThan(finals.SGD);
      expect(await surfaceGrid(surface, 8)).toHaveLength(64);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
