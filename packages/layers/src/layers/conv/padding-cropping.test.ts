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
import { conv2d } from './conv.js';
import { Cropping2D, cropping2D, ZeroPadding2D, zeroPadding2d } from './padding-cropping.js';
import { UpSampling2D, upSampling2d } from './up-sampling2d.js';

beforeAll(useCpu);

describe('zeroPadding2d and cropping2D', () => {
  it('have the contract in every form of the amounts', () => {
    expect(zeroPadding2d().computeOutputShape([null, 4, 5, 2])).toEqual([null, 6, 7, 2]);
    expect(zeroPadding2d({ padding: [1, 2] }).getConfig().padding).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(
      zeroPadding2d({
        padding: [
          [0, 1],
          [2, 3],
        ],
        dataFormat: 'channelsFirst',
      }).computeOutputShape([null, 2, 4, 5]),
    ).toEqual([null, 2, 5, 10]);
    expect(
      cropping2D({
        cropping: [
          [1, 0],
          [2, 2],
        ],
      }).computeOutputShape([null, 6, 6, 1]),
    ).toEqual([null, 5, 2, 1]);
    const z = zeroPadding2d({ padding: 2 });
    expect(new ZeroPadding2D(z.getConfig() as never).getConfig()).toEqual(z.getConfig());
    const c = cropping2D({ cropping: 1 });
    expect(new Cropping2D(c.getConfig() as never).getConfig()).toEqual(c.getConfig());
    expect(() => zeroPadding2d({ padding: -1 })).toThrow(ConfigError);
    expect(() => cropping2D({ cropping: 3 }).apply(tf.zeros([1, 6, 6, 1]))).toThrow(/crop less/);
  });

  it('pad and crop by hand, and undo each other', async () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const padded = zeroPadding2d({
      padding: [
        [1, 0],
        [0, 1],
      ],
    }).apply(x);
    expect((await padded.array()) as number[][][][]).toEqual([
      [
        [[0], [0], [0]],
        [[1], [2], [0]],
        [[3], [4], [0]],
      ],
    ]);
    const back = cropping2D({
      cropping: [
        [1, 0],
        [0, 1],
      ],
    }).apply(padded);
    expect(Array.from(await back.data())).toEqual([1, 2, 3, 4]);
  });

  it('have gradients and match tfjs-layers', async () => {
    const x = seededUniform([2, 5, 4, 3], 1);
    await checkGradients(
      zeroPadding2d({
        padding: [
          [1, 2],
          [0, 1],
        ],
      }),
      seededUniform([1, 3, 3, 2], 2),
    );
    await checkGradients(
      cropping2D({
        cropping: [
          [1, 0],
          [1, 1],
        ],
      }),
      seededUniform([1, 4, 4, 2], 3),
    );
    for (const dataFormat of ['channelsLast', 'channelsFirst'] as const) {
      await compareWithTfjs(
        new ZeroPadding2D({
          padding: [
            [1, 2],
            [3, 0],
          ],
          dataFormat,
        }),
        tfl.layers.zeroPadding2d({
          padding: [
            [1, 2],
            [3, 0],
          ],
          dataFormat,
        }),
        x,
      );
      await compareWithTfjs(
        new Cropping2D({
          cropping: [
            [1, 0],
            [1, 1],
          ],
          dataFormat,
        }),
        tfl.layers.cropping2D({
          cropping: [
            [1, 0],
            [1, 1],
          ],
          dataFormat,
        }),
        x,
      );
    }
  });
});

describe('upSampling2d', () => {
  it('has the contract', () => {
    const u = upSampling2d({ size: [2, 3] });
    expect(u.computeOutputShape([null, 4, 5, 2])).toEqual([null, 8, 15, 2]);
    expect(u.getConfig()).toMatchObject({
      size: [2, 3],
      dataFormat: 'channelsLast',
      interpolation: 'nearest',
    });
    expect(new UpSampling2D(u.getConfig() as never).getConfig()).toEqual(u.getConfig());
    expect(() => upSampling2d({ interpolation: 'bicubic' as never })).toThrow(ConfigError);
  });

  it('repeats pixels (nearest) or interpolates (bilinear), by hand', async () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const near = (await upSampling2d().apply(x).array()) as number[][][][];
    expect(near[0].map((r) => r.map((v) => v[0]))).toEqual([
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      [3, 3, 4, 4],
      [3, 3, 4, 4],
    ]);
    const bil = (await upSampling2d({ interpolation: 'bilinear' }).apply(x).array()) as number[][][][];
    // Without half-pixel centres, output (i, j) samples input (i/2, j/2), clamped.
    expect(bil[0].map((r) => r.map((v) => v[0]))).toEqual([
      [1, 1.5, 2, 2],
      [2, 2.5, 3, 3],
      [3, 3.5, 4, 4],
      [3, 3.5, 4, 4],
    ]);
  });

  it("bilinear equals tfjs's resizeBilinear forward on non-square images", async () => {
    const x = seededUniform([2, 3, 5, 2], 9) as tf.Tensor4D;
    const ours = upSampling2d({ size: [2, 3], interpolation: 'bilinear' }).apply(x);
    expect(await maxAbsDiff(ours, tf.image.resizeBilinear(x, [6, 15]))).toBeLessThan(1e-6);
  });

  it('has gradients and matches tfjs-layers', async () => {
    await checkGradients(upSampling2d(), seededUniform([1, 2, 3, 2], 1));
    await checkGradients(upSampling2d({ size: [3, 2] }), seededUniform([2, 2, 2, 3], 5)); // several channels
    await checkGradients(
      upSampling2d({ interpolation: 'bilinear', size: [2, 3] }),
      seededUniform([1, 3, 2, 1], 2),
    );
    for (const args of [
      {},
      { size: [3, 2], interpolation: 'bilinear' },
      { size: [2, 2], dataFormat: 'channelsFirst' },
    ]) {
      await compareWithTfjs(
        new UpSampling2D(args as never),
        tfl.layers.upSampling2d(args as never),
        seededUniform([2, 3, 4, 2], 3),
        {
          // tfjs's resize gradients are wrong here (bilinear: non-square images; nearest on CPU:
          // several channels); ours are checked by finite differences above, bilinear vs tfjs below.
          gradients: false,
        },
      );
    }
    await compareWithTfjs(
      new UpSampling2D({ size: 2, interpolation: 'bilinear' }),
      tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }),
      seededUniform([2, 3, 3, 2], 4),
    );
  });
});

describe('padding, cropping and upsampling in models', () => {
  it('do not leak, save and load both ways, and train', async () => {
    const u = upSampling2d({ interpolation: 'bilinear' });
    const x1 = tf.ones([1, 2, 2, 1]);
    expect(await leakedTensors(() => u.apply(x1))).toBe(0);
    const x = seededUniform([2, 4, 4, 1], 4);
    const ours = sequential({
      layers: [
        zeroPadding2d({ padding: 1, inputShape: [4, 4, 1] }),
        conv2d({ filters: 2, kernelSize: 3 }),
        upSampling2d(),
        cropping2D({ cropping: 2 }),
        flatten(),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    await expectLoadsFromTfjs(
      tfl.sequential({
        layers: [
          tfl.layers.zeroPadding2d({ padding: [1, 2], inputShape: [4, 4, 1] }),
          tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }),
          tfl.layers.cropping2D({
            cropping: [
              [1, 1],
              [2, 0],
            ],
          }),
        ],
      }),
      x,
    );
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              zeroPadding2d({ padding: 1, inputShape: [3, 3, 1] }),
              conv2d({ filters: 1, kernelSize: 3 }),
              upSampling2d({ interpolation: 'bilinear' }),
              cropping2D({ cropping: 1 }),
              flatten(),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const input = seededUniform([16, 3, 3, 1], 5);
          return { x: input, y: tf.reshape(tf.mean(input, [1, 2, 3]), [16, 1]) };
        },
      );
    }
  });
});
