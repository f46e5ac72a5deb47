import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import { flatten } from '../core/flatten.js';
import { ConvLSTM2D, convLstm2d } from './conv-lstm2d.js';
import { LSTM } from './lstm.js';

beforeAll(useCpu);

const ri = { recurrentInitializer: 'glorotUniform' } as const;

describe('convLstm2d', () => {
  it('has the contract: shapes, weights named as tfjs-layers, config', () => {
    const layer = convLstm2d({
      filters: 3,
      kernelSize: 3,
      returnSequences: true,
      returnState: true,
      name: 'clstm',
    });
    expect(layer.computeOutputShape([null, 4, 6, 5, 2])).toEqual([
      [null, 4, 4, 3, 3],
      [null, 4, 3, 3],
      [null, 4, 3, 3],
    ]);
    expect(
      convLstm2d({ filters: 2, kernelSize: 3, padding: 'same', strides: 2 }).computeOutputShape([
        null,
        4,
        6,
        6,
        1,
      ]),
    ).toEqual([null, 3, 3, 2]);
    layer.apply(tf.zeros([1, 4, 6, 5, 2]));
    expect(layer.weights.map((w) => `${w.path} ${w.shape}`)).toEqual([
      'clstm/kernel 3,3,2,12',
      'clstm/recurrent_kernel 3,3,3,12',
      'clstm/bias 12',
    ]);
    const config = layer.getConfig();
    expect(config).toMatchObject({ filters: 3, kernelSize: [3, 3], returnSequences: true, padding: 'valid' });
    expect(new ConvLSTM2D(config as never).getConfig()).toEqual(config);
    expect(() => convLstm2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' })).toThrow(ConfigError);
  });

  it('with 1 x 1 kernels on 1 x 1 images, computes what lstm computes', async () => {
    const conv = convLstm2d({
      filters: 3,
      kernelSize: 1,
      returnSequences: true,
      biasInitializer: 'randomNormal',
    });
    const x = seededUniform([2, 4, 1, 1, 2], 1);
    conv.apply(x);
    const lstm = new LSTM({ units: 3, returnSequences: true });
    const flatX = tf.reshape(x, [2, 4, 2]);
    lstm.apply(flatX);
    const [k, r, b] = conv.getWeights();
    lstm.setWeights([tf.reshape(k, [2, 12]), tf.reshape(r, [3, 12]), b]);
    const mask = tf.tensor2d([
      [true, true, false, false],
      [true, false, true, true],
    ]);
    expect(
      await maxAbsDiff(
        tf.reshape(conv.apply(x, { mask }) as tf.Tensor, [2, 4, 3]),
        lstm.apply(flatX, { mask }) as tf.Tensor,
      ),
    ).toBeLessThan(1e-5);
  });

  it('has correct gradients (masks, same padding, dilation)', async () => {
    await checkGradients(convLstm2d({ filters: 2, kernelSize: 2 }), seededUniform([1, 3, 3, 3, 1], 2), {
      callOptions: { mask: tf.tensor2d([[true, false, true]]) },
    });
    await checkGradients(
      convLstm2d({ filters: 1, kernelSize: 2, padding: 'same', dilationRate: 2, returnSequences: true }),
      seededUniform([1, 2, 4, 4, 1], 3),
    );
  });

  it('matches tfjs-layers', async () => {
    for (const args of [
      { filters: 2, kernelSize: 2, returnSequences: true },
      { filters: 3, kernelSize: 3, padding: 'same' as const, strides: 1, goBackwards: true },
    ]) {
      await compareWithTfjs(
        new ConvLSTM2D(args),
        tfl.layers.convLstm2d({ ...args, recurrentActivation: 'sigmoid', ...ri } as never),
        seededUniform([2, 3, 4, 4, 2], 4),
        { atol: 1e-4 },
      );
    }
  });

  it('does not leak; saves and loads both ways; trains', async () => {
    const layer = convLstm2d({ filters: 2, kernelSize: 2, dropout: 0.2, recurrentDropout: 0.2 });
    const x = seededUniform([2, 3, 4, 4, 1], 5);
    expect(await leakedTensors(() => layer.apply(x, { training: true }))).toBe(0);
    expect(
      await leakedTensors(() =>
        tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v, { training: true }) as tf.Tensor))(x),
      ),
    ).toBe(0);
    const ours = sequential({
      layers: [
        convLstm2d({ filters: 2, kernelSize: 2, inputShape: [3, 4, 4, 1], ...ri }),
        flatten(),
        dense({ units: 1 }),
      ],
    });
    (await expectLoadsInTfjs(ours, x, 1e-4)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.convLstm2d({
          filters: 2,
          kernelSize: 3,
          padding: 'same',
          inputShape: [3, 4, 4, 1],
          ...ri,
        }),
      ],
    });
    await expectLoadsFromTfjs(theirs, x, 1e-4);
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              convLstm2d({ filters: 2, kernelSize: 2, inputShape: [3, 3, 3, 1] }),
              flatten(),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const xs = seededUniform([16, 3, 3, 3, 1], 6);
          return { x: xs, y: tf.reshape(tf.mean(xs, [1, 2, 3, 4]), [16, 1]) };
        },
      );
    }
  });
});
