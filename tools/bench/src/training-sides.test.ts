import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchesFromBytes, disposeBatches } from './training-data.js';
import type { Trainable } from './training-models.js';
import { inProcessSide } from './training-sides.js';

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

describe('inProcessSide', () => {
  it("trains step i of every round (and of the warm-up) on the cycle's batch i mod its length", async () => {
    const before = tf.memory().numTensors;
    // 3 batches of 1 image: image k's pixels all k / 255
    const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => Math.floor(i / 784));
    const data = batchesFromBytes(pixels, Uint8Array.from([0, 1, 2]), 1, [784], 3);
    const seen: number[] = [];
    const model: Trainable = {
      async trainOnBatch(x) {
        seen.push(Math.round((await x.data())[0] * 255));
      },
      dispose: () => {},
    };
    try {
      const runner = await inProcessSide('fake', () => model, { poolThreads: 1 }).start('mlp', data);
      const warmUp = seen.splice(0);
      expect(warmUp.length).toBeGreaterThanOrEqual(5);
      expect(warmUp.slice(0, 5)).toEqual([0, 1, 2, 0, 1]);
      await runner!.round(4);
      await runner!.round(2);
      expect(seen).toEqual([0, 1, 2, 0, 0, 1]);
      runner!.dispose();
    } finally {
      disposeBatches(data);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
