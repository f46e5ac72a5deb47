import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from './dense.js';
import { flatten } from './flatten.js';
import { Permute, permute, RepeatVector, Reshape, repeatVector, reshape } from './reshaping.js';

beforeAll(useCpu);

describe('reshape', () => {
  it('has the contract and infers one unknown axis', async () => {
    const r = reshape({ targetShape: [-1, 2] });
    expect(r.computeOutputShape([null, 3, 4])).toEqual([null, 6, 2]);
    expect(r.computeOutputShape([null, null, 4])).toEqual([null, null, 2]);
    expect(() => r.computeOutputShape([null, 3, 3])).toThrow(ShapeError);
    expect(r.getConfig().targetShape).toEqual([null, 2]);
    expect(new Reshape(r.getConfig() as never).getConfig()).toEqual(r.getConfig());
    expect(() => reshape({ targetShape: [-1, -1] })).toThrow(ConfigError);
    const y = r.apply(tf.reshape(tf.range(0, 12), [1, 12]));
    expect(y.shape).toEqual([1, 6, 2]);
    expect(Array.from(await y.data())).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('has gradients, matches tfjs-layers, does not leak', async () => {
    await checkGradients(reshape({ targetShape: [3, 2] }), seededUniform([2, 6], 1));
    await compareWithTfjs(
      new Reshape({ targetShape: [2, -1] }),
      tfl.layers.reshape({ targetShape: [2, -1] }),
      seededUniform([2, 3, 4], 2),
    );
    const r = reshape({ targetShape: [4] });
    const x = tf.ones([2, 2, 2]);
    expect(await leakedTensors(() => r.apply(x))).toBe(0);
  });
});

describe('permute', () => {
  it('has the contract and permutes by hand', async () => {
    const p = permute({ dims: [2, 1] });
    expect(p.computeOutputShape([null, 3, 5])).toEqual([null, 5, 3]);
    expect(new Permute(p.getConfig() as never).getConfig()).toEqual(p.getConfig());
    expect(() => permute({ dims: [0, 1] })).toThrow(ConfigError);
    expect(
      await p
        .apply(
          tf.tensor3d([
            [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
          ]),
        )
        .array(),
    ).toEqual([
      [
        [1, 3, 5],
        [2, 4, 6],
      ],
    ]);
  });

  it('has gradients, matches tfjs-layers, does not leak', async () => {
    await checkGradients(permute({ dims: [3, 1, 2] }), seededUniform([1, 2, 3, 2], 1));
    await compareWithTfjs(
      new Permute({ dims: [2, 3, 1] }),
      tfl.layers.permute({ dims: [2, 3, 1] }),
      seededUniform([2, 2, 3, 4], 2),
    );
    const p = permute({ dims: [2, 1] });
    const x = tf.ones([1, 2, 3]);
    expect(await leakedTensors(() => p.apply(x))).toBe(0);
  });
});

describe('repeatVector', () => {
  it('has the contract and repeats by hand', async () => {
    const r = repeatVector({ n: 3 });
    expect(r.computeOutputShape([null, 2])).toEqual([null, 3, 2]);
    expect(new RepeatVector(r.getConfig() as never).getConfig()).toEqual(r.getConfig());
    expect(() => repeatVector({ n: 0 })).toThrow(ConfigError);
    expect(await r.apply(tf.tensor2d([[1, 2]])).array()).toEqual([
      [
        [1, 2],
        [1, 2],
        [1, 2],
      ],
    ]);
  });

  it('has gradients, matches tfjs-layers, does not leak', async () => {
    await checkGradients(repeatVector({ n: 2 }), seededUniform([2, 3], 1));
    await compareWithTfjs(
      new RepeatVector({ n: 4 }),
      tfl.layers.repeatVector({ n: 4 }),
      seededUniform([2, 3], 2),
    );
    const r = repeatVector({ n: 2 });
    const x = tf.ones([1, 2]);
    expect(await leakedTensors(() => r.apply(x))).toBe(0);
  });
});

describe('reshaping layers in models', () => {
  it('save and load both ways with tfjs-layers', async () => {
    const x = seededUniform([2, 6], 3);
    const ours = sequential({
      layers: [
        reshape({ targetShape: [3, 2], inputShape: [6] }),
        permute({ dims: [2, 1] }),
        flatten(),
        repeatVector({ n: 2 }),
        flatten(),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.reshape({ targetShape: [2, 3], inputShape: [6] }),
        tfl.layers.permute({ dims: [2, 1] }),
        tfl.layers.flatten(),
        tfl.layers.repeatVector({ n: 3 }),
      ],
    });
    await expectLoadsFromTfjs(theirs, x);
  });

  for (const backend of testBackends()) {
    it(`train on ${backend}`, async () => {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              reshape({ targetShape: [2, 3], inputShape: [6] }),
              permute({ dims: [2, 1] }),
              flatten(),
              repeatVector({ n: 2 }),
              flatten(),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const x = seededUniform([24, 6], 4);
          return { x, y: tf.sum(x, 1, true) };
        },
      );
    });
  }
});
