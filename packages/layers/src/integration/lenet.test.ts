/**
 * LeNet-5 as seed 004's table describes it (conv 8@3x3 same, max-pool 2, conv 16@5x5 valid,
 * max-pool 2, flatten, dense 120, dense 84, dense 10 on 28x28x1): parameter counts, interop with
 * tfjs-layers in both directions (issue 2), and training without leaks.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { type Model, sequential, setSeed, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2D, conv2d } from '../layers/conv/conv.js';
import { Dense, dense } from '../layers/core/dense.js';
import { flatten } from '../layers/core/flatten.js';
import { maxPooling2d } from '../layers/pooling/pooling.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../test-utils/interop.js';
import { seededUniform, useCpu } from '../test-utils/setup.js';
import { expectTrains, testBackends } from '../test-utils/training.js';

beforeAll(useCpu);

function lenet5(): Model {
  return sequential({
    name: 'lenet5',
    layers: [
      conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
      maxPooling2d({ poolSize: 2 }),
      conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      maxPooling2d({ poolSize: 2 }),
      flatten(),
      dense({ units: 120, activation: 'relu' }),
      dense({ units: 84, activation: 'relu' }),
      dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

describe('LeNet-5', () => {
  it("summary() reports seed 004's parameter counts: 80, 3216, 48120, 10164, 850 = 62,430", () => {
    const m = lenet5();
    const text = m.summary({ print: () => {} });
    const counts = m.layers.map((l) => l.countParams());
    expect(counts).toEqual([80, 0, 3216, 0, 0, 48120, 10164, 850]);
    expect(text).toMatch(/\(None, 28, 28, 8\)\s+80\n/);
    expect(text).toMatch(/\(None, 14, 14, 8\)\s+0\n/);
    expect(text).toMatch(/\(None, 10, 10, 16\)\s+3,216\n/);
    expect(text).toMatch(/\(None, 5, 5, 16\)\s+0\n/);
    expect(text).toMatch(/\(None, 400\)\s+0\n/);
    expect(text).toMatch(/\(None, 120\)\s+48,120\n/);
    expect(text).toMatch(/\(None, 84\)\s+10,164\n/);
    expect(text).toMatch(/\(None, 10\)\s+850\n/);
    expect(text).toContain('Total params: 62,430');
    expect(text).toContain('Trainable params: 62,430');
    expect(text).toContain('Non-trainable params: 0');
  });

  it('saved by tensorfold, loads in tfjs-layers and predicts the same (max abs difference < 1e-5)', async () => {
    setSeed(1);
    const m = lenet5();
    const x = seededUniform([4, 28, 28, 1], 1, 0, 1);
    const theirs = await expectLoadsInTfjs(m, x, 1e-5);
    expect(theirs.countParams()).toBe(62430);
    theirs.dispose();
    m.dispose();
  });

  it('saved by tfjs-layers, loads in tensorfold and predicts the same', async () => {
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          filters: 8,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          inputShape: [28, 28, 1],
        }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 120, activation: 'relu' }),
        tfl.layers.dense({ units: 84, activation: 'relu' }),
        tfl.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const x = seededUniform([4, 28, 28, 1], 2, 0, 1);
    const ours = await expectLoadsFromTfjs(theirs, x, 1e-5);
    expect(ours.layers.map((l) => l.className)).toEqual([
      'Conv2D',
      'MaxPooling2D',
      'Conv2D',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      'Dense',
      'Dense',
    ]);
    expect(ours.layers[0]).toBeInstanceOf(Conv2D);
    expect(ours.layers[7]).toBeInstanceOf(Dense);
    expect(ours.countParams()).toBe(62430);
    ours.dispose();
    theirs.dispose();
  });

  for (const backend of testBackends()) {
    it(`trains on ${backend} without leaking between epochs`, async () => {
      await expectTrains(
        backend,
        lenet5,
        () => {
          // 6 random "images" (12 took twice the time, the CPU's convolutions; the loss fell less, to
          // 0.977 of the first against 0.961 here); the target is a one-hot of which quadrant is brightest.
          const x = seededUniform([6, 28, 28, 1], 3, 0, 1);
          const quadrants = tf.stack(
            [
              tf.mean(tf.slice(x, [0, 0, 0, 0], [-1, 14, 14, 1]), [1, 2, 3]),
              tf.mean(tf.slice(x, [0, 0, 14, 0], [-1, 14, 14, 1]), [1, 2, 3]),
              tf.mean(tf.slice(x, [0, 14, 0, 0], [-1, 14, 14, 1]), [1, 2, 3]),
              tf.mean(tf.slice(x, [0, 14, 14, 0], [-1, 14, 14, 1]), [1, 2, 3]),
            ],
            1,
          );
          const y = tf.oneHot(tf.argMax(quadrants, 1), 10);
          return { x, y: tf.cast(y, 'float32') };
        },
        { epochs: 3, batchSize: 3, learningRate: 0.5, improvement: 0.99 },
      );
    });
  }
});
