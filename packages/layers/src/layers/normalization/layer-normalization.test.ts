import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import { LayerNormalization, layerNormalization } from './layer-normalization.js';

beforeAll(useCpu);

describe('layerNormalization', () => {
  it('has the contract', () => {
    const ln = layerNormalization({ axis: [1, 2] });
    ln.apply(tf.zeros([2, 3, 4])).dispose();
    expect(ln.weights.map((w) => [w.name, w.shape])).toEqual([
      ['gamma', [3, 4]],
      ['beta', [3, 4]],
    ]);
    expect(new LayerNormalization(ln.getConfig() as never).getConfig()).toEqual(ln.getConfig());
    expect(() => layerNormalization({ axis: 0.5 })).toThrow(ConfigError);
    expect(() => layerNormalization({ axis: 0 }).apply(tf.zeros([2, 3]))).toThrow(/non-batch axes/);
  });

  it('normalizes each sample on its own (by hand), the same in training and inference', async () => {
    const ln = layerNormalization({ epsilon: 0 });
    const x = tf.tensor2d([
      [1, 3],
      [10, 30],
    ]);
    expect(await ln.apply(x).array()).toEqual([
      [-1, 1],
      [-1, 1],
    ]);
    expect(await ln.apply(x, { training: true }).array()).toEqual([
      [-1, 1],
      [-1, 1],
    ]);
  });

  it('has correct gradients and matches tfjs-layers', async () => {
    await checkGradients(layerNormalization(), seededUniform([2, 4], 1));
    await checkGradients(layerNormalization({ axis: [1, 2], center: false }), seededUniform([2, 2, 3], 2));
    for (const args of [{}, { axis: [1, 2], epsilon: 1e-5 }, { scale: false }]) {
      await compareWithTfjs(
        new LayerNormalization(args as never),
        tfl.layers.layerNormalization(args as never),
        seededUniform([3, 4, 5], 3, -2, 2),
        {
          // tfjs-layers cannot differentiate its layer without gamma (it saves an undefined scale);
          // ours is checked by finite differences above.
          gradients: !('scale' in args),
        },
      );
    }
  });

  it('does not leak, saves and loads both ways, and trains', async () => {
    const ln = layerNormalization();
    const x = tf.ones([2, 3]);
    expect(await leakedTensors(() => ln.apply(x))).toBe(0);
    const xs = seededUniform([3, 4], 4);
    const ours = sequential({ layers: [dense({ units: 3, inputShape: [4] }), layerNormalization()] });
    (await expectLoadsInTfjs(ours, xs)).dispose();
    await expectLoadsFromTfjs(
      tfl.sequential({ layers: [tfl.layers.layerNormalization({ inputShape: [4] })] }),
      xs,
    );
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [dense({ units: 8, inputShape: [3] }), layerNormalization(), dense({ units: 1 })],
          }),
        () => {
          const input = seededUniform([32, 3], 5);
          return { x: input, y: tf.sum(input, 1, true) };
        },
      );
    }
  });
});
