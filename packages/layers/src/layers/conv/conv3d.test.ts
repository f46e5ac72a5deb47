import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { ConfigError, ShapeError, sequential, tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import { flatten } from '../core/flatten.js';
import { Conv3D, Conv3DTranspose, conv3d, conv3dTranspose } from './conv3d.js';

beforeAll(useCpu);
afterAll(() => useBackend('cpu'));

/**
 * CPU and WASM (completed with `@tensorfold/backend`'s kernels: tfjs 4.22's own Conv3DBackpropInputV2
 * and Conv3DBackpropFilterV2 are wrong on WASM). WebGPU runs these layers in
 * integration/backends.test.ts.
 */
const backends = (await backendsForTests()).filter((name) => name !== 'webgpu');

describe('conv3d', () => {
  it('has the contract: shapes, weights, config', () => {
    const layer = conv3d({ filters: 4, kernelSize: [2, 3, 3], strides: [1, 2, 2], padding: 'same' });
    expect(layer.computeOutputShape([null, 5, 8, 8, 2])).toEqual([null, 5, 4, 4, 4]);
    expect(conv3d({ filters: 2, kernelSize: 3 }).computeOutputShape([null, 5, 6, 7, 1])).toEqual([
      null,
      3,
      4,
      5,
      2,
    ]);
    expect(
      conv3d({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst' }).computeOutputShape([
        null,
        3,
        4,
        4,
        4,
      ]),
    ).toEqual([null, 2, 3, 3, 3]);
    layer.apply(tf.zeros([1, 5, 8, 8, 2]));
    expect(layer.weights.map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [2, 3, 3, 2, 4]],
      ['bias', [4]],
    ]);
    expect(layer.countParams()).toBe(2 * 3 * 3 * 2 * 4 + 4);
    expect(new Conv3D(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
    expect(() => conv3d({ filters: 2, kernelSize: [2, 2] })).toThrow(ConfigError);
    expect(() => conv3d({ filters: 2, kernelSize: 2 }).apply(tf.zeros([1, 4, 4, 1]))).toThrow(ShapeError);
  });
});

describe.each(backends)('conv3d on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('computes window sums by hand', async () => {
    const layer = conv3d({ filters: 1, kernelSize: 2, useBias: true });
    const x = tf.reshape(tf.range(0, 8), [1, 2, 2, 2, 1]);
    layer.apply(x);
    layer.setWeights([tf.ones([2, 2, 2, 1, 1]), tf.tensor1d([0.5])]);
    expect(Array.from(await layer.apply(x).data())).toEqual([28.5]); // 0 + 1 + ... + 7, plus the bias
  });

  it('has correct gradients (strides, same padding, dilation, channels first)', async () => {
    await checkGradients(conv3d({ filters: 2, kernelSize: 2 }), seededUniform([1, 3, 3, 3, 2], 1));
    await checkGradients(
      conv3d({ filters: 2, kernelSize: 2, strides: 2, padding: 'same' }),
      seededUniform([1, 3, 4, 3, 1], 2),
    );
    await checkGradients(
      conv3d({ filters: 1, kernelSize: 2, dilationRate: 2 }),
      seededUniform([1, 4, 3, 4, 1], 3),
    );
    await checkGradients(
      conv3d({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst' }),
      seededUniform([1, 2, 3, 3, 3], 4),
    );
  });

  it('matches tfjs-layers', async () => {
    for (const args of [
      { filters: 3, kernelSize: 2 },
      { filters: 2, kernelSize: [2, 3, 2], strides: 2, padding: 'same' as const, activation: 'relu' },
      { filters: 2, kernelSize: 2, dataFormat: 'channelsFirst' as const },
    ]) {
      await compareWithTfjs(
        new Conv3D(args),
        tfl.layers.conv3d(args as never),
        seededUniform([2, 4, 5, 4, 2], 5),
        {
          atol: 1e-4,
        },
      );
    }
  });

  it('does not leak; saves and loads both ways; trains', async () => {
    const layer = conv3d({ filters: 2, kernelSize: 2, dilationRate: 2 });
    const x = seededUniform([2, 4, 4, 4, 1], 6);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
    expect(await leakedTensors(() => tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v)))(x))).toBe(0);
    const ours = sequential({
      layers: [
        conv3d({ filters: 2, kernelSize: 2, inputShape: [4, 4, 4, 1] }),
        flatten(),
        dense({ units: 1 }),
      ],
    });
    (await expectLoadsInTfjs(ours, x, 1e-4)).dispose();
    const theirs = tfl.sequential({
      layers: [tfl.layers.conv3d({ filters: 3, kernelSize: 3, padding: 'same', inputShape: [4, 4, 4, 1] })],
    });
    await expectLoadsFromTfjs(theirs, x, 1e-4);
    await expectTrains(
      backend,
      () =>
        sequential({
          layers: [
            conv3d({ filters: 2, kernelSize: 2, activation: 'relu', inputShape: [3, 3, 3, 1] }),
            flatten(),
            dense({ units: 1 }),
          ],
        }),
      () => {
        const xs = seededUniform([16, 3, 3, 3, 1], 7);
        return { x: xs, y: tf.reshape(tf.mean(xs, [1, 2, 3, 4]), [16, 1]) };
      },
    );
  });
});

describe('conv3dTranspose', () => {
  it('has the contract: shapes, weights, config', () => {
    const layer = conv3dTranspose({ filters: 3, kernelSize: 2, strides: 2 });
    expect(layer.computeOutputShape([null, 2, 3, 4, 5])).toEqual([null, 4, 6, 8, 3]);
    expect(conv3dTranspose({ filters: 1, kernelSize: 3 }).computeOutputShape([null, 2, 2, 2, 1])).toEqual([
      null,
      4,
      4,
      4,
      1,
    ]);
    expect(
      conv3dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same' }).computeOutputShape([
        null,
        2,
        3,
        2,
        1,
      ]),
    ).toEqual([null, 4, 6, 4, 1]);
    layer.apply(tf.zeros([1, 2, 3, 4, 5]));
    expect(layer.weights.map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [2, 2, 2, 3, 5]],
      ['bias', [3]],
    ]);
    expect(new Conv3DTranspose(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
    expect(layer.getConfig()).not.toHaveProperty('dilationRate');
    expect(() => conv3dTranspose({ filters: 1, kernelSize: 2, dilationRate: 2 } as never)).toThrow(
      ConfigError,
    );
  });
});

describe.each(backends)('conv3dTranspose on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('spreads each input over a window by hand', async () => {
    const layer = conv3dTranspose({ filters: 1, kernelSize: 2, strides: 2, useBias: false });
    const x = tf.tensor5d([1, 2], [1, 2, 1, 1, 1]);
    layer.apply(x);
    layer.setWeights([tf.ones([2, 2, 2, 1, 1])]);
    expect(Array.from(await layer.apply(x).data())).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('has correct gradients and matches tfjs-layers', async () => {
    await checkGradients(
      conv3dTranspose({ filters: 2, kernelSize: 2, strides: 2 }),
      seededUniform([1, 2, 2, 2, 2], 8),
    );
    await checkGradients(
      conv3dTranspose({ filters: 1, kernelSize: 3, padding: 'same', strides: 2 }),
      seededUniform([1, 2, 2, 2, 1], 9),
    );
    for (const args of [
      { filters: 2, kernelSize: 2, strides: 2 },
      { filters: 3, kernelSize: 3, padding: 'same' as const, activation: 'tanh' },
    ]) {
      await compareWithTfjs(
        new Conv3DTranspose(args),
        tfl.layers.conv3dTranspose(args as never),
        seededUniform([2, 2, 3, 2, 2], 10),
        // tfjs 4.22 has no gradient for its transposed 3D convolution: outputs only (ours are
        // checked by finite differences above).
        { atol: 1e-4, gradients: false },
      );
    }
    const theirs = tfl.layers.conv3dTranspose({ filters: 1, kernelSize: 2 });
    const x = seededUniform([1, 2, 2, 2, 1], 13);
    expect(() => tf.grad((v: tf.Tensor) => tf.sum(theirs.apply(v) as tf.Tensor))(x)).toThrow(/gradient/);
  });

  it('does not leak; saves and loads both ways; trains', async () => {
    const layer = conv3dTranspose({ filters: 2, kernelSize: 2, strides: 2 });
    const x = seededUniform([2, 2, 2, 2, 1], 11);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
    expect(await leakedTensors(() => tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v)))(x))).toBe(0);
    const ours = sequential({
      layers: [conv3dTranspose({ filters: 2, kernelSize: 2, strides: 2, inputShape: [2, 2, 2, 1] })],
    });
    (await expectLoadsInTfjs(ours, x, 1e-4)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.conv3dTranspose({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [2, 2, 2, 1] }),
      ],
    });
    await expectLoadsFromTfjs(theirs, x, 1e-4);
    await expectTrains(
      backend,
      () =>
        sequential({
          layers: [
            conv3dTranspose({ filters: 2, kernelSize: 2, strides: 2, inputShape: [2, 2, 2, 1] }),
            flatten(),
            dense({ units: 1 }),
          ],
        }),
      () => {
        const xs = seededUniform([16, 2, 2, 2, 1], 12);
        return { x: xs, y: tf.reshape(tf.mean(xs, [1, 2, 3, 4]), [16, 1]) };
      },
    );
  });
});
