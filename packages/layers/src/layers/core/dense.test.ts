import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, input, model, ShapeError, sequential, setSeed, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { TestL2 } from '../../test-utils/toys.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { Dense, dense } from './dense.js';

beforeAll(useCpu);

describe('dense', () => {
  it('has the contract: output shape, weights, config round trip, param count', () => {
    const layer = dense({ units: 3, activation: 'relu', inputShape: [4] });
    expect(layer.computeOutputShape([null, 4])).toEqual([null, 3]);
    expect(layer.computeOutputShape([null, 7, 4])).toEqual([null, 7, 3]);
    const m = sequential({ layers: [layer] });
    expect(layer.weights.map((w) => [w.path, w.shape])).toEqual([
      [`${layer.name}/kernel`, [4, 3]],
      [`${layer.name}/bias`, [3]],
    ]);
    expect(layer.countParams()).toBe(15);
    expect(m.summary({ print: () => {} })).toContain('Total params: 15');
    const config = layer.getConfig();
    expect(config.activation).toBe('relu');
    const copy = new Dense({ ...(config as object), name: 'copy' } as never);
    expect(copy.getConfig()).toEqual({ ...config, name: 'copy' });
    expect(dense({ units: 2, useBias: false, inputDim: 5 }).batchInputShape).toEqual([null, 5]);
  });

  it('computes activation(x W + b) by hand', async () => {
    const layer = dense({ units: 2, activation: 'relu' });
    layer.apply(tf.zeros([1, 3])).dispose();
    layer.setWeights([
      tf.tensor2d([
        [1, -1],
        [2, 0],
        [0, 3],
      ]),
      tf.tensor1d([0.5, -10]),
    ]);
    // x = [1, 2, 3]: x W = [5, 8]; + b = [5.5, -2]; relu = [5.5, 0]
    const y = layer.apply(tf.tensor2d([[1, 2, 3]]));
    expect(Array.from(await y.data())).toEqual([5.5, 0]);
    // Rank 3 inputs apply the same kernel to every position.
    const y3 = layer.apply(
      tf.tensor3d([
        [
          [1, 2, 3],
          [0, 0, 1],
        ],
      ]),
    );
    expect(y3.shape).toEqual([1, 2, 2]);
    expect(Array.from(await y3.data())).toEqual([5.5, 0, 0.5, 0]);
  });

  it('fuses the activation at inference and computes the same as unfused while training', async () => {
    const layer = dense({ units: 4, activation: 'sigmoid' });
    const x = seededUniform([3, 5], 1);
    const inference = layer.apply(x);
    let recorded: tf.Tensor | null = null;
    tf.grad((v: tf.Tensor) => {
      const y = layer.apply(v);
      recorded = tf.keep(tf.clone(y));
      return tf.sum(y);
    })(x).dispose();
    expect(await maxAbsDiff(inference, recorded as unknown as tf.Tensor)).toBeLessThan(1e-6);
  });

  it('has correct input and weight gradients (finite differences)', async () => {
    setSeed(3);
    await checkGradients(dense({ units: 3, activation: 'tanh' }), seededUniform([2, 4], 2));
    await checkGradients(dense({ units: 2, useBias: false }), seededUniform([2, 3, 4], 3));
  });

  it('matches tfjs-layers in inference and training over a spread of options', async () => {
    const cases: Array<[Record<string, unknown>, number[]]> = [
      [{ units: 3 }, [4, 5]],
      [{ units: 3, activation: 'relu' }, [4, 5]],
      [{ units: 2, activation: 'softmax', useBias: false }, [3, 6]],
      [{ units: 4, activation: 'tanh' }, [2, 3, 5]],
      [{ units: 3, activation: 'elu', kernelInitializer: 'heNormal' }, [4, 2]],
    ];
    for (const [args, shape] of cases) {
      for (const training of [false, true]) {
        const x = seededUniform(shape, 5);
        await compareWithTfjs(new Dense(args as never), tfl.layers.dense(args as never), x, { training });
        x.dispose();
      }
    }
  });

  it('adds its regularizer penalty to the losses and applies its constraint', async () => {
    const layer = dense({ units: 2, kernelRegularizer: new TestL2(0.5), kernelConstraint: 'nonNeg' });
    layer.apply(tf.zeros([1, 2])).dispose();
    layer.setWeights([
      tf.tensor2d([
        [1, -2],
        [0, 3],
      ]),
      tf.zeros([2]),
    ]);
    const [penalty] = layer.regularizationLosses();
    expect((await penalty.data())[0]).toBeCloseTo(0.5 * 14);
    layer.kernel?.applyConstraint();
    expect(Array.from(await layer.kernel!.read().data())).toEqual([1, 0, 0, 3]);
    expect(layer.getConfig().kernelRegularizer).toEqual({ className: 'TestL2', config: { l2: 0.5 } });
    expect(layer.getConfig().kernelConstraint).toEqual({ className: 'NonNeg', config: {} });
    // The same options by registered name and in saved {className, config} form.
    const byName = dense({
      units: 2,
      kernelRegularizer: 'TestL2',
      biasConstraint: { className: 'MaxNorm', config: { maxValue: 1, axis: 0 } },
    });
    expect(byName.kernelRegularizer).toBeInstanceOf(TestL2);
    expect(byName.biasConstraint?.getConfig()).toEqual({ maxValue: 1, axis: 0 });
    const saved = dense({
      units: 2,
      kernelRegularizer: { className: 'TestL2', config: { l2: 0.25 } },
      activation: { className: 'leakyRelu', config: { alpha: 0.1 } },
    });
    expect((saved.kernelRegularizer as TestL2).l2).toBe(0.25);
    expect(saved.activation.getConfig()).toEqual({ alpha: 0.1 });
    expect(() => dense({ units: 2, kernelRegularizer: 'l7' })).toThrow(/Unknown regularizer "l7"/);
  });

  it('rejects bad options and inputs with typed errors, changing nothing', () => {
    expect(() => dense({ units: 0 })).toThrow(ConfigError);
    expect(() => dense({ units: 2, activation: 'nope' })).toThrow(/Unknown activation "nope"/);
    expect(() => dense({ units: 2, kernelInitializer: 'nope' })).toThrow(ConfigError);
    const layer = dense({ units: 2 });
    layer.apply(tf.zeros([1, 3])).dispose();
    expect(() => layer.apply(tf.zeros([1, 4]))).toThrow(ShapeError);
    expect(() => layer.setWeights([tf.zeros([3, 2])])).toThrow(ShapeError);
  });

  it('does not leak over repeated calls', async () => {
    const layer = dense({ units: 3, activation: 'relu' });
    const x = tf.ones([2, 4]);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
  });

  it('saves and loads both ways with tfjs-layers', async () => {
    const x0 = input({ shape: [4] });
    const h = dense({ units: 5, activation: 'relu' }).apply(x0);
    const y = dense({ units: 2, activation: 'softmax', useBias: false }).apply(h);
    const ours = model({ inputs: x0, outputs: y });
    const x = seededUniform([3, 4], 9);
    (await expectLoadsInTfjs(ours, x)).dispose();

    const theirs = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 4, activation: 'tanh', inputShape: [4] }),
        tfl.layers.dense({ units: 3, activation: 'sigmoid' }),
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
            layers: [dense({ units: 8, activation: 'tanh', inputShape: [3] }), dense({ units: 1 })],
          }),
        () => {
          const x = seededUniform([32, 3], 4);
          return { x, y: tf.sum(x, 1, true) };
        },
      );
    });
  }
});
