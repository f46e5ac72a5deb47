import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AB_BATCHES, abBatches } from './ab-batches.js';

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

describe('abBatches', () => {
  it("gives the network's input shape and one-hot labels, the same random batches every call", async () => {
    const before = tf.memory().numTensors;
    const first = await abBatches('lenet5', 'random', 4);
    const again = await abBatches('lenet5', 'random', 4);
    expect(first).toHaveLength(AB_BATCHES);
    expect(first[0].x.shape).toEqual([4, 28, 28, 1]);
    expect(first[0].y.shape).toEqual([4, 10]);
    expect(Array.from(first[3].x.dataSync())).toEqual(Array.from(again[3].x.dataSync()));
    expect(Array.from(first[3].y.dataSync())).toEqual(Array.from(again[3].y.dataSync()));
    // batches differ from one another, and every label row holds one 1
    expect(Array.from(first[0].x.dataSync())).not.toEqual(Array.from(first[1].x.dataSync()));
    const perRow = first[2].y.sum(1);
    expect(Array.from(perRow.dataSync())).toEqual([1, 1, 1, 1]);
    perRow.dispose();
    for (const { x, y } of [...first, ...again]) tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    const mlp = await abBatches('mlp', 'random', 2);
    expect(mlp[0].x.shape).toEqual([2, 784]);
    for (const { x, y } of mlp) tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the data it takes where given another', async () => {
    await expect(abBatches('mlp', 'cifar', 2)).rejects.toThrow('Unknown data cifar: mnist or random.');
  });
});
