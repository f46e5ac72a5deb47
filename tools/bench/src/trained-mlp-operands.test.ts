import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainedMlpOperandCycle, trainedMlpOperands, trainedOption } from './trained-mlp-operands.js';

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

describe('trainedMlpOperands', () => {
  it("gives the next step's operands in their shapes, the gradients zero where the ReLUs are, and leaks no tensor", async () => {
    const before = tf.memory().numTensors;
    const operands = await trainedMlpOperands('random', 2);
    const { x, w1, w2, h1, h2, dy1, dy2 } = operands;
    expect([x.shape, w1.shape, w2.shape, h1.shape, h2.shape]).toEqual([
      [128, 784],
      [784, 512],
      [512, 256],
      [128, 512],
      [128, 256],
    ]);
    expect([dy1.shape, dy2.shape]).toEqual([
      [128, 512],
      [128, 256],
    ]);
    const [h1v, dy1v] = [h1.dataSync(), dy1.dataSync()];
    const passedThrough = h1v.filter((h, i) => h === 0 && dy1v[i] !== 0).length; // (-0 counts as 0)
    expect(passedThrough).toBe(0);
    expect(dy1v.some((v) => v !== 0)).toBe(true);
    operands.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it("gives MNIST's cycle of batches from the same weights, each batch its own, and leaks no tensor", async () => {
    const before = tf.memory().numTensors;
    const cycle = await trainedMlpOperandCycle('mnist', 1, 3);
    expect(cycle).toHaveLength(3);
    const pixels = cycle.map((o) => o.x.dataSync());
    expect(pixels[0]).not.toEqual(pixels[1]);
    expect(pixels[1]).not.toEqual(pixels[2]);
    expect(cycle[2].w1.dataSync()).toEqual(cycle[0].w1.dataSync());
    for (const o of cycle) o.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('takes the --trained option out of the arguments, and names it when its count is not one', () => {
    expect(trainedOption(['mnist', '30'])).toEqual({ steps: 0, rest: ['mnist', '30'] });
    expect(trainedOption(['mnist', '--trained', '300', '30'])).toEqual({ steps: 300, rest: ['mnist', '30'] });
    expect(trainedOption(['--trained', '5'])).toEqual({ steps: 5, rest: [] });
    for (const bad of [['--trained'], ['--trained', '0'], ['--trained', '2.5'], ['--trained', 'mnist']])
      expect(() => trainedOption(bad)).toThrow(/--trained takes a number of steps/);
  });
});
