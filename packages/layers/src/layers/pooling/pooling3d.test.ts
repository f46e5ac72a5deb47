import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { ConfigError, ShapeError, sequential, tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains } from '../../test-utils/training.js';
import { conv3d } from '../conv/conv3d.js';
import { dense } from '../core/dense.js';
import { flatten } from '../core/flatten.js';
import { AveragePooling3D, averagePooling3d, MaxPooling3D, maxPooling3d } from './pooling3d.js';

beforeAll(useCpu);
afterAll(() => useBackend('cpu'));

/**
 * CPU and WASM: both complete with `@tensorfold/backend`'s kernels (tfjs 4.22's own MaxPool3D and
 * MaxPool3DGrad are wrong on WASM, and its MaxPool3DGrad on CPU for pools whose height and width
 * differ). WebGPU runs these layers in integration/backends.test.ts.
 */
const backends = (await backendsForTests()).filter((name) => name !== 'webgpu');

describe('maxPooling3d and averagePooling3d', () => {
  it('have the contract: shapes and config', () => {
    expect(maxPooling3d().computeOutputShape([null, 4, 6, 6, 3])).toEqual([null, 2, 3, 3, 3]);
    expect(
      averagePooling3d({ poolSize: [1, 2, 2], padding: 'same' }).computeOutputShape([null, 3, 5, 5, 2]),
    ).toEqual([null, 3, 3, 3, 2]);
    expect(maxPooling3d({ dataFormat: 'channelsFirst' }).computeOutputShape([null, 2, 4, 4, 4])).toEqual([
      null,
      2,
      2,
      2,
      2,
    ]);
    for (const layer of [maxPooling3d({ poolSize: 3, strides: 1 }), averagePooling3d({ padding: 'same' })]) {
      const Class = layer.constructor as new (c: never) => MaxPooling3D | AveragePooling3D;
      expect(new Class(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
      expect(layer.weights).toEqual([]);
    }
    expect(maxPooling3d().getConfig()).toMatchObject({
      poolSize: [2, 2, 2],
      strides: [2, 2, 2],
      padding: 'valid',
    });
    expect(() => maxPooling3d({ poolSize: [2, 2] as never })).toThrow(ConfigError);
    expect(() => averagePooling3d().apply(tf.zeros([1, 4, 4, 1]))).toThrow(ShapeError);
  });
});

describe.each(backends)('maxPooling3d and averagePooling3d on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('take the max and the mean of each window (by hand), same padding counting real cells only', async () => {
    const x = tf.reshape(tf.range(0, 8), [1, 2, 2, 2, 1]);
    expect(Array.from(await maxPooling3d().apply(x).data())).toEqual([7]);
    expect(Array.from(await averagePooling3d().apply(x).data())).toEqual([3.5]);
    // 3 cells along width, window 2, stride 2, same: the second window holds one real cell.
    const row = tf.tensor5d([1, 2, 6], [1, 1, 1, 3, 1]);
    const same = averagePooling3d({ poolSize: [1, 1, 2], padding: 'same' });
    expect(Array.from(await same.apply(row).data())).toEqual([1.5, 6]);
    expect(
      Array.from(
        await maxPooling3d({ poolSize: [1, 1, 2], padding: 'same' })
          .apply(row)
          .data(),
      ),
    ).toEqual([2, 6]);
  });

  it('have correct gradients, same padding and channels first included', async () => {
    const x = seededUniform([1, 3, 4, 4, 2], 1);
    await checkGradients(maxPooling3d(), x);
    await checkGradients(maxPooling3d({ poolSize: 2, strides: 1, padding: 'same' }), x);
    // Height and width differ (stock tfjs 4.22 misplaced this gradient on CPU and WASM).
    await checkGradients(maxPooling3d({ poolSize: [2, 3, 2], strides: [1, 2, 1], padding: 'same' }), x);
    await checkGradients(averagePooling3d(), x);
    await checkGradients(averagePooling3d({ poolSize: [2, 3, 3], strides: 2, padding: 'same' }), x);
    await checkGradients(
      averagePooling3d({ dataFormat: 'channelsFirst' }),
      seededUniform([1, 2, 2, 4, 4], 2),
    );
  });

  it('match tfjs-layers (same-padded average pooling: outputs; its exact border gradient is checked by hand)', async () => {
    const x = seededUniform([2, 4, 5, 4, 2], 3);
    for (const args of [
      {},
      { poolSize: [2, 3, 2] as [number, number, number], strides: 1 },
      { padding: 'same' as const, poolSize: 3 },
    ]) {
      await compareWithTfjs(new MaxPooling3D(args), tfl.layers.maxPooling3d(args as never), x);
    }
    await compareWithTfjs(new AveragePooling3D({}), tfl.layers.averagePooling3d({}), x);
    await compareWithTfjs(
      new AveragePooling3D({ poolSize: 3, padding: 'same' }),
      tfl.layers.averagePooling3d({ poolSize: 3, padding: 'same' }),
      x,
      {
        gradients: false,
      },
    );
    // Our border gradient is the exact one: compare it with the same pooling written as explicit sums.
    const layer = averagePooling3d({ poolSize: [1, 1, 2], padding: 'same' });
    const row = tf.tensor5d([1, 2, 6], [1, 1, 1, 3, 1]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v)))(row);
    expect(await maxAbsDiff(g, tf.tensor5d([0.5, 0.5, 1], [1, 1, 1, 3, 1]))).toBeLessThan(1e-6);
  });

  it('do not leak; save and load both ways; train', async () => {
    const x = seededUniform([2, 4, 4, 4, 1], 4);
    for (const layer of [
      maxPooling3d({ padding: 'same' }),
      averagePooling3d({ poolSize: 3, padding: 'same' }),
    ]) {
      expect(await leakedTensors(() => layer.apply(x))).toBe(0);
      expect(await leakedTensors(() => tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v)))(x))).toBe(0);
    }
    const ours = sequential({
      layers: [
        maxPooling3d({ inputShape: [4, 4, 4, 1] }),
        averagePooling3d({ poolSize: 1 }),
        flatten(),
        dense({ units: 1 }),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.averagePooling3d({ poolSize: 2, inputShape: [4, 4, 4, 1] }),
        tfl.layers.maxPooling3d({ poolSize: 2 }),
      ],
    });
    await expectLoadsFromTfjs(theirs, x);
    await expectTrains(
      backend,
      () =>
        sequential({
          layers: [
            conv3d({ filters: 2, kernelSize: 2, padding: 'same', inputShape: [4, 4, 4, 1] }),
            maxPooling3d({ poolSize: [2, 1, 2], strides: 1, padding: 'same' }),
            maxPooling3d(),
            averagePooling3d({ padding: 'same' }),
            flatten(),
            dense({ units: 1 }),
          ],
        }),
      () => {
        const xs = seededUniform([16, 4, 4, 4, 1], 5);
        return { x: xs, y: tf.reshape(tf.mean(xs, [1, 2, 3, 4]), [16, 1]) };
      },
    );
  });
});
