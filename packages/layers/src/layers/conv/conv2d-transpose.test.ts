import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { flatten } from '../core/flatten.js';
import { Conv2DTranspose, conv2dTranspose } from './conv2d-transpose.js';

beforeAll(useCpu);

describe('conv2dTranspose', () => {
  it('has the contract', () => {
    const c = conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same' });
    expect(c.computeOutputShape([null, 7, 7, 8])).toEqual([null, 14, 14, 3]);
    expect(
      conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2 }).computeOutputShape([null, 7, 7, 8]),
    ).toEqual([null, 15, 15, 3]);
    c.apply(tf.zeros([1, 7, 7, 8])).dispose();
    expect(c.weights.map((w) => w.shape)).toEqual([[4, 4, 3, 8], [3]]);
    expect(c.countParams()).toBe(4 * 4 * 3 * 8 + 3);
    expect('dilationRate' in c.getConfig()).toBe(false);
    expect(new Conv2DTranspose(c.getConfig() as never).getConfig()).toEqual(c.getConfig());
    expect(() => conv2dTranspose({ filters: 2, kernelSize: 2, dilationRate: 2 } as never)).toThrow(
      ConfigError,
    );
  });

  it('scatters each input by the kernel (by hand)', async () => {
    const c = conv2dTranspose({ filters: 1, kernelSize: 2, strides: 2, useBias: false });
    c.apply(tf.zeros([1, 2, 2, 1])).dispose();
    c.setWeights([tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1])]);
    const y = await c.apply(tf.tensor4d([1, 10, 100, 1000], [1, 2, 2, 1])).array();
    expect((y as number[][][][])[0].map((row) => row.map((v) => v[0]))).toEqual([
      [1, 2, 10, 20],
      [3, 4, 30, 40],
      [100, 200, 1000, 2000],
      [300, 400, 3000, 4000],
    ]);
  });

  it('has correct gradients and matches tfjs-layers', async () => {
    await checkGradients(
      conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }),
      seededUniform([1, 3, 3, 2], 1),
    );
    for (const args of [
      { filters: 2, kernelSize: 3, strides: 2, padding: 'same' },
      { filters: 3, kernelSize: [2, 3], strides: [1, 2], activation: 'relu' },
      { filters: 2, kernelSize: 2, strides: 2, dataFormat: 'channelsFirst', useBias: false },
    ]) {
      await compareWithTfjs(
        new Conv2DTranspose(args as never),
        tfl.layers.conv2dTranspose(args as never),
        seededUniform([2, 3, 4, 3], 2),
        {
          atol: 2e-5,
        },
      );
    }
  });

  it('does not leak, saves and loads both ways, and trains', async () => {
    const c = conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 });
    const x = tf.ones([1, 2, 2, 1]);
    expect(await leakedTensors(() => c.apply(x))).toBe(0);
    const xs = seededUniform([2, 3, 3, 2], 3);
    const ours = sequential({
      layers: [
        conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', inputShape: [3, 3, 2] }),
        flatten(),
      ],
    });
    (await expectLoadsInTfjs(ours, xs)).dispose();
    await expectLoadsFromTfjs(
      tfl.sequential({
        layers: [
          tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 2, strides: 2, inputShape: [3, 3, 2] }),
        ],
      }),
      xs,
    );
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [conv2dTranspose({ filters: 1, kernelSize: 2, strides: 2, inputShape: [2, 2, 1] })],
          }),
        () => {
          const input = seededUniform([16, 2, 2, 1], 4);
          return { x: input, y: tf.image.resizeNearestNeighbor(input as tf.Tensor4D, [4, 4]) };
        },
      );
    }
  });
});
