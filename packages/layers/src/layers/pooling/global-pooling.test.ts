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
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  globalAveragePooling1d,
  globalAveragePooling2d,
  globalMaxPooling1d,
  globalMaxPooling2d,
} from './global-pooling.js';

beforeAll(useCpu);

describe('global pooling', () => {
  it('has the contract', () => {
    expect(globalAveragePooling1d().computeOutputShape([null, 7, 3])).toEqual([null, 3]);
    expect(globalMaxPooling2d().computeOutputShape([null, 5, 5, 8])).toEqual([null, 8]);
    expect(
      globalAveragePooling2d({ dataFormat: 'channelsFirst' }).computeOutputShape([null, 8, 5, 5]),
    ).toEqual([null, 8]);
    for (const layer of [
      globalAveragePooling1d(),
      globalMaxPooling1d(),
      globalAveragePooling2d(),
      globalMaxPooling2d(),
    ]) {
      const Ctor = layer.constructor as new (c: object) => typeof layer;
      expect(new Ctor(layer.getConfig()).getConfig()).toEqual(layer.getConfig());
    }
  });

  it('computes by hand, averaging only unmasked steps when given a mask', async () => {
    const x = tf.tensor3d([
      [
        [1, 10],
        [3, 20],
        [5, 90],
      ],
    ]);
    expect(Array.from(await globalAveragePooling1d().apply(x).data())).toEqual([3, 40]);
    expect(Array.from(await globalMaxPooling1d().apply(x).data())).toEqual([5, 90]);
    const mask = tf.tensor2d([[1, 1, 0]], [1, 3], 'bool');
    expect(Array.from(await globalAveragePooling1d().apply(x, { mask }).data())).toEqual([2, 15]);
    const img = tf.tensor4d([1, 2, 3, 6], [1, 2, 2, 1]);
    expect(Array.from(await globalAveragePooling2d().apply(img).data())).toEqual([3]);
    expect(Array.from(await globalMaxPooling2d().apply(img).data())).toEqual([6]);
  });

  it('has gradients and matches tfjs-layers', async () => {
    await checkGradients(globalAveragePooling1d(), seededUniform([2, 3, 2], 1));
    await checkGradients(globalAveragePooling2d(), seededUniform([2, 2, 3, 2], 2));
    const distinct = tf.reshape(
      tf.tensor1d([0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.0, 1.0, 1.1]),
      [2, 3, 2],
    );
    await checkGradients(globalMaxPooling1d(), distinct);
    await checkGradients(globalMaxPooling2d(), tf.reshape(distinct, [2, 3, 2, 1]));
    const x1 = seededUniform([2, 5, 3], 3);
    const x2 = seededUniform([2, 4, 3, 2], 4);
    await compareWithTfjs(new GlobalAveragePooling1D(), tfl.layers.globalAveragePooling1d(), x1);
    await compareWithTfjs(new GlobalMaxPooling1D(), tfl.layers.globalMaxPooling1d(), x1);
    for (const dataFormat of ['channelsLast', 'channelsFirst'] as const) {
      await compareWithTfjs(
        new GlobalAveragePooling2D({ dataFormat }),
        tfl.layers.globalAveragePooling2d({ dataFormat }),
        x2,
      );
      await compareWithTfjs(
        new GlobalMaxPooling2D({ dataFormat }),
        tfl.layers.globalMaxPooling2d({ dataFormat }),
        x2,
      );
    }
  });

  it('does not leak, saves and loads both ways, and trains', async () => {
    const g = globalAveragePooling1d();
    const x = tf.ones([1, 3, 2]);
    const mask = tf.tensor2d([[1, 0, 1]], [1, 3], 'bool');
    expect(await leakedTensors(() => g.apply(x, { mask }))).toBe(0);
    const x2 = seededUniform([2, 4, 4, 1], 5);
    const ours = sequential({
      layers: [conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 4, 1] }), globalAveragePooling2d()],
    });
    (await expectLoadsInTfjs(ours, x2)).dispose();
    await expectLoadsFromTfjs(
      tfl.sequential({ layers: [tfl.layers.globalMaxPooling2d({ inputShape: [4, 4, 1] })] }),
      x2,
    );
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              conv1d({ filters: 4, kernelSize: 2, inputShape: [6, 1] }),
              globalMaxPooling1d(),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const input = seededUniform([16, 6, 1], 6);
          return { x: input, y: tf.reshape(tf.max(input, [1, 2]), [16, 1]) };
        },
      );
    }
  });
});
