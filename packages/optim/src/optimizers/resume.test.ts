import { loadModel, type Model, memoryIO, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu, values } from '../test-utils/setup.js';
import { blobs, TestDense } from '../test-utils/toys.js';
import { adam } from './adam.js';
import type { OptimizerBase } from './optimizer.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';

beforeAll(useCpu);

function build(optimizer: OptimizerBase): Model {
  const m = sequential({
    layers: [
      new TestDense({ name: 'resume_dense', units: 3, activation: 'softmax', inputShape: [2], seed: 8 }),
    ],
  });
  m.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

async function weights(m: Model): Promise<number[]> {
  return (await Promise.all(m.weights.map((w) => values(w.read())))).flat();
}

describe('optimizer state saved with the model', () => {
  it.each([
    ['adam', () => adam({ learningRate: 0.05, amsgrad: true })],
    ['sgd', () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
    ['rmsprop', () => rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5 })],
  ] as const)('%s: a saved and reloaded model continues exactly like the original', async (_, make) => {
    const { x, oneHot } = blobs(30, 4);
    const original = build(make());
    await original.fit(x, oneHot, { epochs: 2, batchSize: 10, seed: 2 });
    const io = memoryIO();
    await original.save(io, { includeOptimizer: true });
    const loaded = await loadModel(io);
    expect(loaded.optimizer.className).toBe(original.optimizer.className);
    expect(loaded.optimizer.getConfig()).toEqual(original.optimizer.getConfig());
    expect(loaded.optimizer.iterations).toBe(6);
    for (const m of [original, loaded]) await m.fit(x, oneHot, { epochs: 1, batchSize: 10, seed: 9 });
    expect(await weights(loaded)).toEqual(await weights(original));
    original.dispose();
    loaded.dispose();
    tf.dispose([x, oneHot]);
  });
});
