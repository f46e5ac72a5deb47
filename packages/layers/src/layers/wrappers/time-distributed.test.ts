import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { conv2d } from '../conv/conv.js';
import { dense } from '../core/dense.js';
import { flatten } from '../core/flatten.js';
import { TimeDistributed, timeDistributed } from './time-distributed.js';

beforeAll(useCpu);

describe('timeDistributed', () => {
  it('has the contract: shapes, the wrapped weights named as tfjs-layers names them, config round trip', () => {
    const td = timeDistributed({ layer: dense({ units: 3 }), name: 'td' });
    expect(td.computeOutputShape([null, 5, 4])).toEqual([null, 5, 3]);
    td.apply(tf.zeros([2, 5, 4])).dispose();
    expect(td.weights.map((w) => [w.path, w.shape])).toEqual([
      ['td/kernel', [4, 3]],
      ['td/bias', [3]],
    ]);
    expect(td.countParams()).toBe(15);
    const config = td.getConfig();
    expect((config.layer as { className: string }).className).toBe('Dense');
    const copy = new TimeDistributed({ ...(config as object), name: 'td_copy' } as never);
    expect(copy.layer.className).toBe('Dense');
    expect(() => timeDistributed({ layer: 3 as never })).toThrow(ConfigError);
  });

  it('applies the same weights to every step (by hand)', async () => {
    const td = timeDistributed({ layer: dense({ units: 1, useBias: false }) });
    td.apply(tf.zeros([1, 2, 2])).dispose();
    td.setWeights([tf.tensor2d([[1], [10]])]);
    expect(
      await td
        .apply(
          tf.tensor3d([
            [
              [1, 2],
              [3, 4],
            ],
          ]),
        )
        .array(),
    ).toEqual([[[21], [43]]]);
  });

  it('has correct gradients and matches tfjs-layers', async () => {
    await checkGradients(
      timeDistributed({ layer: dense({ units: 2, activation: 'tanh' }) }),
      seededUniform([2, 3, 4], 1),
    );
    await compareWithTfjs(
      new TimeDistributed({ layer: dense({ units: 3, activation: 'relu' }) }),
      tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 3, activation: 'relu' }) }),
      seededUniform([2, 4, 5], 2),
    );
    await compareWithTfjs(
      new TimeDistributed({ layer: conv2d({ filters: 2, kernelSize: 2 }) }),
      tfl.layers.timeDistributed({ layer: tfl.layers.conv2d({ filters: 2, kernelSize: 2 }) }),
      seededUniform([1, 3, 4, 4, 1], 3),
    );
  });

  it('does not leak', async () => {
    const td = timeDistributed({ layer: dense({ units: 2 }) });
    const x = tf.ones([2, 3, 2]);
    expect(await leakedTensors(() => td.apply(x))).toBe(0);
  });

  it('saves and loads both ways with tfjs-layers', async () => {
    const x = seededUniform([2, 3, 4], 4);
    const ours = sequential({
      layers: [timeDistributed({ layer: dense({ units: 2 }), inputShape: [3, 4] }), flatten()],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 5 }), inputShape: [3, 4] })],
    });
    await expectLoadsFromTfjs(theirs, x);
  });

  for (const backend of testBackends()) {
    it(`trains on ${backend}`, async () => {
      await expectTrains(
        backend,
        () => sequential({ layers: [timeDistributed({ layer: dense({ units: 1 }), inputShape: [4, 3] })] }),
        () => {
          const x = seededUniform([16, 4, 3], 5);
          return { x, y: tf.sum(x, 2, true) };
        },
      );
    });
  }
});
