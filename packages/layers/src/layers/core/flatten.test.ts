import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from './dense.js';
import { Flatten, flatten } from './flatten.js';

beforeAll(useCpu);

describe('flatten', () => {
  it('has the contract', () => {
    const layer = flatten();
    expect(layer.computeOutputShape([null, 4, 4, 16])).toEqual([null, 256]);
    expect(() => layer.computeOutputShape([null, null, 3])).toThrow(ShapeError);
    expect(new Flatten(layer.getConfig()).getConfig()).toEqual(layer.getConfig());
    expect(flatten({ dataFormat: 'channelsFirst' }).getConfig().dataFormat).toBe('channelsFirst');
  });

  it('flattens in row-major order, moving channels last with channelsFirst', async () => {
    // [1, 2 channels, 2 positions]
    const x = tf.tensor3d([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    expect(Array.from(await flatten().apply(x).data())).toEqual([1, 2, 3, 4]);
    expect(Array.from(await flatten({ dataFormat: 'channelsFirst' }).apply(x).data())).toEqual([1, 3, 2, 4]);
  });

  it('passes gradients through and matches tfjs-layers', async () => {
    await checkGradients(flatten(), seededUniform([2, 2, 3], 1));
    for (const dataFormat of [undefined, 'channelsFirst'] as const) {
      await compareWithTfjs(
        new Flatten({ dataFormat }),
        tfl.layers.flatten({ dataFormat }),
        seededUniform([2, 3, 2, 2], 2),
      );
    }
  });

  it('does not leak', async () => {
    const layer = flatten();
    const x = tf.ones([2, 2, 2]);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
  });

  it('saves and loads both ways with tfjs-layers', async () => {
    const x = seededUniform([2, 3, 2], 3);
    const ours = sequential({ layers: [flatten({ inputShape: [3, 2] }), dense({ units: 2 })] });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [tfl.layers.flatten({ inputShape: [3, 2] }), tfl.layers.dense({ units: 2 })],
    });
    await expectLoadsFromTfjs(theirs, x);
  });

  for (const backend of testBackends()) {
    it(`trains on ${backend}`, async () => {
      await expectTrains(
        backend,
        () => sequential({ layers: [flatten({ inputShape: [2, 2] }), dense({ units: 1 })] }),
        () => {
          const x = seededUniform([16, 2, 2], 5);
          return { x, y: tf.reshape(tf.sum(x, [1, 2]), [16, 1]) };
        },
      );
    });
  }
});
