import * as tfl from '@tensorflow/tfjs-layers';
import { sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activations } from '../../activations/index.js';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { Activation, activation } from './activation.js';
import { dense } from './dense.js';

beforeAll(useCpu);

describe('activation layer', () => {
  it('has the contract: shape unchanged, no weights, config round trip', () => {
    const layer = activation({ activation: 'softmax' });
    expect(layer.computeOutputShape([null, 5])).toEqual([null, 5]);
    layer.apply(tf.zeros([1, 5])).dispose();
    expect(layer.weights).toEqual([]);
    expect(layer.countParams()).toBe(0);
    expect(new Activation(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
    const withOptions = activation({ activation: activations.leakyRelu({ alpha: 0.1 }) });
    expect(withOptions.getConfig().activation).toEqual({ className: 'leakyRelu', config: { alpha: 0.1 } });
    expect(new Activation(withOptions.getConfig() as never).getConfig().activation).toEqual({
      className: 'leakyRelu',
      config: { alpha: 0.1 },
    });
  });

  it('computes by hand', async () => {
    const y = activation({ activation: 'softmax' }).apply(tf.tensor2d([[0, Math.log(3)]]));
    const v = await y.data();
    expect(v[0]).toBeCloseTo(0.25, 6);
    expect(v[1]).toBeCloseTo(0.75, 6);
    const linear = activation({ activation: 'linear' });
    const x = tf.ones([2]);
    const out = linear.apply(x);
    expect(out).not.toBe(x); // its own tensor, safe to dispose
    expect(Array.from(await out.data())).toEqual([1, 1]);
  });

  it('has correct gradients', async () => {
    for (const name of ['tanh', 'softmax', 'sigmoid', 'softplus', 'selu']) {
      await checkGradients(activation({ activation: name }), seededUniform([2, 4], 3));
    }
  });

  it('matches tfjs-layers for every activation both libraries have', async () => {
    const x = seededUniform([3, 6], 8, -3, 3);
    for (const name of [
      'linear',
      'relu',
      'relu6',
      'elu',
      'selu',
      'sigmoid',
      'hardSigmoid',
      'tanh',
      'softmax',
      'logSoftmax',
      'softplus',
      'softsign',
      'swish',
      'gelu',
      'mish',
    ]) {
      await compareWithTfjs(
        activation({ activation: name }),
        tfl.layers.activation({ activation: name as never }),
        x,
        {
          atol: 2e-5,
        },
      );
    }
  });

  it('does not leak', async () => {
    const layer = activation({ activation: 'relu' });
    const x = tf.ones([2, 2]);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
  });

  it('saves and loads both ways with tfjs-layers', async () => {
    const ours = sequential({
      layers: [dense({ units: 3, inputShape: [2] }), activation({ activation: 'softmax' })],
    });
    const x = seededUniform([4, 2], 1);
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 3, inputShape: [2] }),
        tfl.layers.activation({ activation: 'hardSigmoid' }),
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
              dense({ units: 6, inputShape: [2] }),
              activation({ activation: 'tanh' }),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const x = seededUniform([24, 2], 2);
          return { x, y: tf.sub(tf.slice(x, [0, 0], [-1, 1]), tf.slice(x, [0, 1], [-1, 1])) };
        },
      );
    });
  }
});
