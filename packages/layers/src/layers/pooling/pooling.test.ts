import * as tfl from '@tensorflow/tfjs-layers';
import { sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { conv1d, conv2d } from '../conv/conv.js';
import { dense } from '../core/dense.js';
import { flatten } from '../core/flatten.js';
import {
  AveragePooling1D,
  AveragePooling2D,
  averagePooling1d,
  averagePooling2d,
  MaxPooling1D,
  MaxPooling2D,
  maxPooling1d,
  maxPooling2d,
} from './pooling.js';

beforeAll(useCpu);

describe('2D pooling', () => {
  it('has the contract', () => {
    const p = maxPooling2d({ poolSize: 2 });
    expect(p.computeOutputShape([null, 28, 28, 8])).toEqual([null, 14, 14, 8]);
    expect(maxPooling2d({ poolSize: 3, strides: 2 }).computeOutputShape([null, 7, 7, 1])).toEqual([
      null,
      3,
      3,
      1,
    ]);
    expect(
      averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).computeOutputShape([null, 7, 7, 1]),
    ).toEqual([null, 4, 4, 1]);
    expect(maxPooling2d({ dataFormat: 'channelsFirst' }).computeOutputShape([null, 3, 8, 6])).toEqual([
      null,
      3,
      4,
      3,
    ]);
    expect(p.getConfig()).toMatchObject({
      poolSize: [2, 2],
      strides: [2, 2],
      padding: 'valid',
      dataFormat: 'channelsLast',
    });
    expect(new MaxPooling2D(p.getConfig()).getConfig()).toEqual(p.getConfig());
    p.apply(tf.zeros([1, 4, 4, 1])).dispose();
    expect(p.countParams()).toBe(0);
  });

  it('computes max and average by hand', async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
    expect(Array.from(await maxPooling2d().apply(x).data())).toEqual([6, 8, 14, 16]);
    expect(Array.from(await averagePooling2d().apply(x).data())).toEqual([3.5, 5.5, 11.5, 13.5]);
    // 'same' pads one row and column on each side here and averages only the real inputs of each
    // 3x3 window: the first window holds 1, 2, 5, 6 and five padding cells, so its mean is 3.5.
    const same = averagePooling2d({ poolSize: 3, strides: 3, padding: 'same' }).apply(x);
    expect(same.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(await same.data())).toEqual([3.5, 5.5, 11.5, 13.5]);
  });

  it('has correct gradients', async () => {
    const x = tf.tidy(() =>
      tf.reshape(
        tf.gather(
          tf.mul(tf.range(0, 32), 0.1),
          tf.tensor1d(
            [
              5, 30, 12, 1, 7, 22, 19, 3, 28, 14, 9, 25, 0, 17, 31, 10, 6, 21, 2, 27, 13, 24, 8, 29, 16, 4,
              20, 11, 26, 15, 23, 18,
            ],
            'int32',
          ),
        ),
        [2, 4, 4, 1],
      ),
    );
    await checkGradients(maxPooling2d(), x);
    await checkGradients(averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }), x);
  });

  it('matches tfjs-layers', async () => {
    const cases: Array<Record<string, unknown>> = [
      {},
      { poolSize: 3, strides: 2 },
      { poolSize: [2, 3], padding: 'same' },
      { poolSize: 2, dataFormat: 'channelsFirst' },
    ];
    for (const args of cases) {
      const x = seededUniform([2, 3, 7, 6], 1);
      await compareWithTfjs(new MaxPooling2D(args), tfl.layers.maxPooling2d(args as never), x);
      // tfjs's avgPool gradient is wrong at 'same' borders (it divides by the full window), so
      // there only outputs are compared; our gradient is checked by finite differences above.
      const gradients = args.padding !== 'same';
      await compareWithTfjs(new AveragePooling2D(args), tfl.layers.averagePooling2d(args as never), x, {
        gradients,
      });
    }
  });

  it('does not leak', async () => {
    const p = maxPooling2d({ dataFormat: 'channelsFirst' });
    const x = tf.ones([1, 2, 4, 4]);
    expect(await leakedTensors(() => p.apply(x))).toBe(0);
  });

  it('saves and loads both ways with tfjs-layers', async () => {
    const x = seededUniform([2, 6, 6, 1], 2);
    const ours = sequential({
      layers: [
        conv2d({ filters: 2, kernelSize: 3, inputShape: [6, 6, 1] }),
        maxPooling2d(),
        averagePooling2d({ poolSize: 2, padding: 'same' }),
        flatten(),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.maxPooling2d({ poolSize: 3, strides: 1, inputShape: [6, 6, 1] }),
        tfl.layers.averagePooling2d({ poolSize: 2 }),
      ],
    });
    await expectLoadsFromTfjs(theirs, x);
  });

  for (const backend of testBackends()) {
    it(`trains on ${backend}`, async () => {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              conv2d({ filters: 2, kernelSize: 2, inputShape: [5, 5, 1] }),
              maxPooling2d(),
              averagePooling2d({ poolSize: 2, padding: 'same' }),
              flatten(),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const x = seededUniform([16, 5, 5, 1], 3);
          return { x, y: tf.reshape(tf.max(x, [1, 2, 3]), [16, 1]) };
        },
      );
    });
  }
});

describe('1D pooling', () => {
  it('has the contract and computes by hand', async () => {
    const p = maxPooling1d({ poolSize: 2 });
    expect(p.computeOutputShape([null, 9, 3])).toEqual([null, 4, 3]);
    expect(averagePooling1d({ poolSize: 2, padding: 'same' }).computeOutputShape([null, 9, 3])).toEqual([
      null,
      5,
      3,
    ]);
    expect(p.getConfig()).toMatchObject({ poolSize: [2], strides: [2], padding: 'valid' });
    expect(new MaxPooling1D(p.getConfig()).getConfig()).toEqual(p.getConfig());
    const x = tf.tensor3d([1, 5, 2, 8, 3, 3], [1, 6, 1]);
    expect(Array.from(await p.apply(x).data())).toEqual([5, 8, 3]);
    const avg = Array.from(await averagePooling1d({ poolSize: 3 }).apply(x).data());
    expect(avg[0]).toBeCloseTo(8 / 3, 6);
    expect(avg[1]).toBeCloseTo(14 / 3, 6);
  });

  it('has correct gradients and matches tfjs-layers', async () => {
    const x = tf.tidy(() =>
      tf.reshape(
        tf.gather(tf.mul(tf.range(0, 12), 0.1), tf.tensor1d([3, 9, 0, 6, 11, 2, 7, 1, 10, 4, 8, 5], 'int32')),
        [2, 6, 1],
      ),
    );
    await checkGradients(maxPooling1d({ poolSize: 3, strides: 1 }), x);
    await checkGradients(averagePooling1d(), x);
    await checkGradients(averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }), x);
    for (const args of [{}, { poolSize: 3, strides: 1, padding: 'same' }]) {
      const y = seededUniform([2, 7, 3], 4);
      await compareWithTfjs(new MaxPooling1D(args as never), tfl.layers.maxPooling1d(args as never), y);
      const gradients = (args as { padding?: string }).padding !== 'same'; // see the 2D case
      await compareWithTfjs(
        new AveragePooling1D(args as never),
        tfl.layers.averagePooling1d(args as never),
        y,
        { gradients },
      );
    }
  });

  it('saves and loads both ways with tfjs-layers', async () => {
    const x = seededUniform([2, 8, 2], 5);
    const ours = sequential({
      layers: [
        conv1d({ filters: 2, kernelSize: 2, inputShape: [8, 2] }),
        maxPooling1d(),
        averagePooling1d(),
        flatten(),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.maxPooling1d({ poolSize: 2, inputShape: [8, 2] }),
        tfl.layers.averagePooling1d({ poolSize: 2 }),
      ],
    });
    await expectLoadsFromTfjs(theirs, x);
  });

  for (const backend of testBackends()) {
    it(`trains on ${backend}`, async () => {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              conv1d({ filters: 2, kernelSize: 2, inputShape: [8, 1] }),
              maxPooling1d(),
              averagePooling1d(),
              flatten(),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const x = seededUniform([16, 8, 1], 6);
          return { x, y: tf.reshape(tf.max(x, [1, 2]), [16, 1]) };
        },
      );
    });
  }
});
