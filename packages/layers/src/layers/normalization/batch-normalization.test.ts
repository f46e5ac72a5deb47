import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { conv2d } from '../conv/conv.js';
import { dense } from '../core/dense.js';
import { flatten } from '../core/flatten.js';
import { BatchNormalization, batchNormalization } from './batch-normalization.js';

beforeAll(useCpu);

describe('batchNormalization', () => {
  it('has the contract: weights, trainable and non-trainable counts, config', () => {
    const bn = batchNormalization({ inputShape: [5] });
    const m = sequential({ layers: [bn] });
    expect(bn.weights.map((w) => [w.name, w.shape, w.trainable])).toEqual([
      ['gamma', [5], true],
      ['beta', [5], true],
      ['moving_mean', [5], false],
      ['moving_variance', [5], false],
    ]);
    const text = m.summary({ print: () => {} });
    expect(text).toContain('Trainable params: 10');
    expect(text).toContain('Non-trainable params: 10');
    expect(new BatchNormalization(bn.getConfig() as never).getConfig()).toEqual(bn.getConfig());
    const bare = batchNormalization({ center: false, scale: false });
    bare.apply(tf.zeros([2, 3])).dispose();
    expect(bare.weights.map((w) => w.name)).toEqual(['moving_mean', 'moving_variance']);
    expect(() => batchNormalization({ momentum: 2 })).toThrow(ConfigError);
  });

  it('normalizes with batch statistics while training and updates the moving averages (by hand)', async () => {
    const bn = batchNormalization({ momentum: 0.5, epsilon: 0 });
    // Feature 0: values 1, 3 (mean 2, variance 1); feature 1: 10, 14 (mean 12, variance 4).
    const x = tf.tensor2d([
      [1, 10],
      [3, 14],
    ]);
    const y = await bn.apply(x, { training: true }).array();
    expect(y).toEqual([
      [-1, -1],
      [1, 1],
    ]);
    expect(Array.from(await bn.movingMean!.read().data())).toEqual([1, 6]); // 0.5 * 0 + 0.5 * mean
    expect(Array.from(await bn.movingVariance!.read().data())).toEqual([1, 2.5]); // 0.5 * 1 + 0.5 * variance
    // Inference uses the moving statistics: (x - 1) / 1 and (x - 6) / sqrt(2.5).
    const inf = (await bn.apply(tf.tensor2d([[2, 11]])).array()) as number[][];
    expect(inf[0][0]).toBeCloseTo(1, 6);
    expect(inf[0][1]).toBeCloseTo(5 / Math.sqrt(2.5), 5);
  });

  it('has correct gradients in training mode (hand-written) and in inference mode', async () => {
    const training = { callOptions: { training: true } };
    await checkGradients(batchNormalization(), seededUniform([4, 3], 1), training);
    await checkGradients(batchNormalization({ axis: 1 }), seededUniform([3, 2, 2, 2], 2), training);
    await checkGradients(batchNormalization({ center: false }), seededUniform([5, 2], 3), training);
    await checkGradients(batchNormalization({ scale: false }), seededUniform([5, 2], 4), training);
    await checkGradients(batchNormalization(), seededUniform([3, 4], 5));
    // Inference without gamma or beta (Inception v3's scale: false): tfjs's fused batchNorm cannot record
    // a gradient with a missing scale or offset, which broke Grad-CAM and fine-tuning with frozen layers.
    await checkGradients(batchNormalization({ scale: false }), seededUniform([5, 2], 6));
    await checkGradients(batchNormalization({ center: false }), seededUniform([5, 2], 7));
  });

  it('matches tfjs-layers in training and inference, including the moving averages', async () => {
    for (const [args, shape] of [
      [{}, [6, 4]],
      [{ momentum: 0.8, epsilon: 0.01 }, [3, 4, 4, 2]],
      [{ axis: 1 }, [3, 2, 3, 3]],
    ] as const) {
      // tfjs-layers normalizes a features axis other than the last wrongly in training mode (see
      // the next test), so that case is compared at inference only.
      for (const training of 'axis' in args ? [false] : [false, true]) {
        const ours = new BatchNormalization(args);
        const theirs = tfl.layers.batchNormalization(args);
        // tfjs's batchNorm gradient fails for a features axis other than the last (its reshape of
        // the scale gradient): there, outputs and statistics are compared, and our gradient is
        // checked by finite differences above.
        const gradients = !('axis' in args);
        await compareWithTfjs(ours, theirs, seededUniform([...shape], 6, -2, 3), {
          training,
          gradients,
          atol: 2e-5,
        });
        // The moving statistics moved the same way (the oracle ran a few training calls on both).
        const ourStats = ours.getWeights().slice(2);
        const theirStats = theirs.getWeights().slice(2);
        for (let i = 0; i < 2; i++) expect(await maxAbsDiff(ourStats[i], theirStats[i])).toBeLessThan(1e-5);
      }
    }
    // Inference without center/scale (tfjs-layers cannot differentiate that: it saves undefined parameters).
    await compareWithTfjs(
      new BatchNormalization({ center: false, scale: false }),
      tfl.layers.batchNormalization({ center: false, scale: false }),
      seededUniform([4, 3], 7),
      {
        gradients: false,
      },
    );
  });

  it('normalizes a features axis other than the last per feature (tfjs-layers gets this wrong)', async () => {
    const x = seededUniform([3, 2, 3, 3], 6, -2, 3);
    const { mean, variance } = tf.moments(x, [0, 2, 3], true);
    const expected = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3)));
    expect(
      await maxAbsDiff(batchNormalization({ axis: 1 }).apply(x, { training: true }), expected),
    ).toBeLessThan(1e-5);
    const theirs = tfl.layers.batchNormalization({ axis: 1 }).apply(x, { training: true }) as tf.Tensor;
    expect(await maxAbsDiff(theirs, expected)).toBeGreaterThan(0.1);
  });

  it('runs in inference mode when frozen, leaving its statistics alone (as Keras)', async () => {
    const bn = batchNormalization();
    const x = seededUniform([4, 3], 8, 5, 9);
    bn.apply(x).dispose();
    bn.trainable = false;
    const before = await bn.movingMean!.read().data();
    const y = bn.apply(x, { training: true });
    expect(Array.from(await bn.movingMean!.read().data())).toEqual(Array.from(before));
    expect(await maxAbsDiff(y, bn.apply(x))).toBe(0);
  });

  it('does not leak in training or inference', async () => {
    const bn = batchNormalization({ axis: 1 });
    const x = tf.ones([2, 3, 2, 2]);
    expect(await leakedTensors(() => bn.apply(x, { training: true }))).toBe(0);
    expect(await leakedTensors(() => bn.apply(x))).toBe(0);
    expect(
      await leakedTensors(() => tf.grad((v: tf.Tensor) => tf.sum(bn.apply(v, { training: true })))(x)),
    ).toBe(0);
  });

  it('saves and loads both ways with tfjs-layers, moving statistics included', async () => {
    const x = seededUniform([3, 4, 4, 2], 9);
    const ours = sequential({
      layers: [conv2d({ filters: 2, kernelSize: 3, inputShape: [4, 4, 2] }), batchNormalization(), flatten()],
    });
    await ours.getLayer(1).apply(tf.randomNormal([8, 2, 2, 2], 3, 2, 'float32', 1), { training: true });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [tfl.layers.batchNormalization({ inputShape: [4, 4, 2], momentum: 0.5 })],
    });
    theirs.layers[0].apply(tf.randomNormal([8, 4, 4, 2], 2, 3, 'float32', 2), { training: true });
    await expectLoadsFromTfjs(theirs, x);
  });

  for (const backend of testBackends()) {
    it(`trains on ${backend}`, async () => {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [dense({ units: 8, inputShape: [3] }), batchNormalization(), dense({ units: 1 })],
          }),
        () => {
          const x = seededUniform([32, 3], 10);
          return { x, y: tf.sum(x, 1, true) };
        },
      );
    });
  }
});
