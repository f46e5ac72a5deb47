import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import { flatten } from '../core/flatten.js';
import { Conv1D, Conv2D, conv1d, conv2d } from './conv.js';

beforeAll(useCpu);

describe('conv2d', () => {
  it('has the contract: output shapes for padding, strides and dilation; weights; config', () => {
    const c = conv2d({ filters: 8, kernelSize: 3, padding: 'same', inputShape: [28, 28, 1] });
    expect(c.computeOutputShape([null, 28, 28, 1])).toEqual([null, 28, 28, 8]);
    expect(conv2d({ filters: 4, kernelSize: 5 }).computeOutputShape([null, 14, 14, 8])).toEqual([
      null,
      10,
      10,
      4,
    ]);
    expect(conv2d({ filters: 4, kernelSize: 3, strides: 2 }).computeOutputShape([null, 7, 8, 1])).toEqual([
      null,
      3,
      3,
      4,
    ]);
    expect(
      conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).computeOutputShape([null, 7, 8, 1]),
    ).toEqual([null, 4, 4, 4]);
    expect(
      conv2d({ filters: 4, kernelSize: 3, dilationRate: 2 }).computeOutputShape([null, 9, 9, 1]),
    ).toEqual([null, 5, 5, 4]);
    expect(
      conv2d({ filters: 2, kernelSize: [3, 1], dataFormat: 'channelsFirst' }).computeOutputShape([
        null,
        3,
        6,
        6,
      ]),
    ).toEqual([null, 2, 4, 6]);
    sequential({ layers: [c] });
    expect(c.weights.map((w) => w.shape)).toEqual([[3, 3, 1, 8], [8]]);
    expect(c.countParams()).toBe(80);
    const config = c.getConfig();
    expect(config).toMatchObject({
      filters: 8,
      kernelSize: [3, 3],
      strides: [1, 1],
      padding: 'same',
      dataFormat: 'channelsLast',
      dilationRate: [1, 1],
    });
    expect(new Conv2D({ ...(config as object), name: 'copy' } as never).getConfig()).toEqual({
      ...config,
      name: 'copy',
    });
  });

  it('computes a small convolution by hand', async () => {
    const c = conv2d({ filters: 1, kernelSize: 2 });
    c.apply(tf.zeros([1, 3, 3, 1])).dispose();
    c.setWeights([tf.tensor4d([1, 0, 0, -1], [2, 2, 1, 1]), tf.tensor1d([10])]);
    // x = 1..9 row-major; each output = x[i][j] - x[i+1][j+1] + 10 = -4 + 10
    const y = c.apply(tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]));
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(await y.data())).toEqual([6, 6, 6, 6]);
    // Dilation 2 spreads the taps: the 3x3 input gives one output x[0][0] - x[2][2] + 10 = 2.
    const d = conv2d({ filters: 1, kernelSize: 2, dilationRate: 2 });
    d.apply(tf.zeros([1, 3, 3, 1])).dispose();
    d.setWeights([tf.tensor4d([1, 0, 0, -1], [2, 2, 1, 1]), tf.tensor1d([10])]);
    expect(Array.from(await d.apply(tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1])).data())).toEqual([
      2,
    ]);
  });

  it('has correct input and weight gradients, including strided and dilated convolutions', async () => {
    await checkGradients(
      conv2d({ filters: 2, kernelSize: 2, activation: 'tanh' }),
      seededUniform([1, 4, 4, 2], 1),
    );
    await checkGradients(
      conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }),
      seededUniform([2, 5, 5, 1], 2),
    );
    await checkGradients(
      conv2d({ filters: 1, kernelSize: 2, dilationRate: [2, 1] }),
      seededUniform([1, 5, 4, 2], 3),
    );
    await checkGradients(
      conv2d({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst' }),
      seededUniform([1, 2, 3, 3], 4),
    );
  });

  it('gives the same output for dilated convolutions with and without a gradient tape', async () => {
    const c = conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, activation: 'relu' });
    const x = seededUniform([2, 7, 7, 2], 5);
    const direct = c.apply(x);
    let taped: tf.Tensor | null = null;
    tf.grad((v: tf.Tensor) => {
      const y = c.apply(v);
      taped = tf.keep(tf.clone(y));
      return tf.sum(y);
    })(x).dispose();
    expect(await maxAbsDiff(direct, taped as unknown as tf.Tensor)).toBeLessThan(1e-5);
  });

  it('matches tfjs-layers over strides, paddings, dilations, formats and activations', async () => {
    const cases: Array<[Record<string, unknown>, number[], boolean]> = [
      [{ filters: 3, kernelSize: 3 }, [2, 6, 6, 2], true],
      [{ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }, [2, 5, 5, 2], true],
      [{ filters: 2, kernelSize: [3, 2], strides: [2, 1], padding: 'same' }, [1, 7, 6, 3], true],
      [{ filters: 2, kernelSize: 2, strides: 2, useBias: false, activation: 'sigmoid' }, [2, 6, 6, 1], true],
      [{ filters: 4, kernelSize: 3, dataFormat: 'channelsFirst', activation: 'tanh' }, [2, 3, 5, 5], true],
      // tfjs-layers cannot differentiate dilated convolutions: compare outputs only.
      [{ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same' }, [1, 7, 7, 2], false],
    ];
    for (const [args, shape, gradients] of cases) {
      for (const training of [false, true]) {
        const x = seededUniform(shape, 6);
        await compareWithTfjs(new Conv2D(args as never), tfl.layers.conv2d(args as never), x, {
          training,
          gradients,
          atol: 2e-5,
        });
        x.dispose();
      }
    }
  });

  it('rejects bad options and inputs', () => {
    expect(() => conv2d({ filters: 0, kernelSize: 3 })).toThrow(ConfigError);
    expect(() => conv2d({ filters: 2, kernelSize: [3, 3, 3] })).toThrow(/kernelSize/);
    expect(() => conv2d({ filters: 2, kernelSize: 3, padding: 'full' as never })).toThrow(/padding/);
    expect(() => conv2d({ filters: 2, kernelSize: 3, padding: 'causal' })).toThrow(/padding/);
    expect(() => conv2d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(
      /one of them must be 1/,
    );
    const c = conv2d({ filters: 2, kernelSize: 3 });
    expect(() => c.apply(tf.zeros([4, 4, 1]))).toThrow(ShapeError);
    c.apply(tf.zeros([1, 4, 4, 1])).dispose();
    expect(() => c.apply(tf.zeros([1, 4, 4, 3]))).toThrow(ShapeError);
  });

  it('does not leak', async () => {
    const c = conv2d({ filters: 2, kernelSize: 3, dilationRate: 2 });
    const x = tf.ones([1, 6, 6, 1]);
    expect(await leakedTensors(() => c.apply(x))).toBe(0);
    expect(await leakedTensors(() => tf.grad((v: tf.Tensor) => tf.sum(c.apply(v)))(x))).toBe(0);
  });

  it('saves and loads both ways with tfjs-layers', async () => {
    const x = seededUniform([2, 6, 6, 1], 7);
    const ours = sequential({
      layers: [
        conv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
        conv2d({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', dilationRate: 1 }),
        flatten(),
        dense({ units: 2 }),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          filters: 2,
          kernelSize: 3,
          padding: 'same',
          inputShape: [6, 6, 1],
          kernelInitializer: 'heNormal',
        }),
        tfl.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2 }),
        tfl.layers.flatten(),
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
              conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }),
              flatten(),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const x = seededUniform([16, 5, 5, 1], 8);
          return { x, y: tf.reshape(tf.mean(x, [1, 2, 3]), [16, 1]) };
        },
      );
    });
  }
});

describe('conv1d', () => {
  it('has the contract', () => {
    const c = conv1d({ filters: 4, kernelSize: 3 });
    expect(c.computeOutputShape([null, 10, 2])).toEqual([null, 8, 4]);
    expect(
      conv1d({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2 }).computeOutputShape([
        null,
        10,
        2,
      ]),
    ).toEqual([null, 10, 4]);
    c.apply(tf.zeros([1, 10, 2])).dispose();
    expect(c.weights.map((w) => w.shape)).toEqual([[3, 2, 4], [4]]);
    expect('dataFormat' in c.getConfig()).toBe(false);
    expect(new Conv1D(c.getConfig() as never).getConfig()).toEqual(c.getConfig());
  });

  it('computes causal convolutions by hand: output t sees inputs up to t', async () => {
    const c = conv1d({ filters: 1, kernelSize: 2, padding: 'causal', useBias: false });
    c.apply(tf.zeros([1, 4, 1])).dispose();
    c.setWeights([tf.tensor3d([1, 10], [2, 1, 1])]); // y_t = x_{t-1} + 10 x_t
    const y = c.apply(tf.tensor3d([1, 2, 3, 4], [1, 4, 1]));
    expect(Array.from(await y.data())).toEqual([10, 21, 32, 43]);
  });

  it('has correct gradients, also causal and dilated', async () => {
    await checkGradients(conv1d({ filters: 2, kernelSize: 3 }), seededUniform([2, 6, 2], 1));
    await checkGradients(
      conv1d({ filters: 2, kernelSize: 2, padding: 'causal', dilationRate: 2 }),
      seededUniform([1, 6, 2], 2),
    );
  });

  it('matches tfjs-layers', async () => {
    const cases: Array<[Record<string, unknown>, boolean]> = [
      [{ filters: 3, kernelSize: 3 }, true],
      [{ filters: 3, kernelSize: 2, strides: 2, padding: 'same', activation: 'relu' }, true],
      [{ filters: 2, kernelSize: 3, dilationRate: 2 }, false],
    ];
    for (const [args, gradients] of cases) {
      await compareWithTfjs(
        new Conv1D(args as never),
        tfl.layers.conv1d(args as never),
        seededUniform([2, 9, 2], 3),
        { gradients },
      );
    }
  });

  it('saves and loads both ways with tfjs-layers', async () => {
    const x = seededUniform([2, 8, 3], 4);
    const ours = sequential({
      layers: [conv1d({ filters: 2, kernelSize: 3, inputShape: [8, 3] }), flatten()],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [tfl.layers.conv1d({ filters: 2, kernelSize: 2, strides: 2, inputShape: [8, 3] })],
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
              conv1d({ filters: 2, kernelSize: 2, padding: 'causal', inputShape: [6, 1] }),
              flatten(),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const x = seededUniform([16, 6, 1], 9);
          return { x, y: tf.reshape(tf.sum(x, [1, 2]), [16, 1]) };
        },
      );
    });
  }
});
