import * as tfl from '@tensorflow/tfjs-layers';
import {
  ConfigError,
  modelFromArtifacts,
  modelToArtifacts,
  ShapeError,
  sequential,
  tf,
} from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import { flatten } from '../core/flatten.js';
import { reshape } from '../core/reshaping.js';
import { CenterCrop, centerCrop } from './center-crop.js';
import { Rescaling, rescaling } from './rescaling.js';
import { Resizing, resizing } from './resizing.js';

beforeAll(useCpu);

/** [batch, h, w, c] with values 0, 1, 2... in row-major order. */
function ramp(shape: [number, number, number, number]): tf.Tensor4D {
  return tf.reshape(
    tf.range(
      0,
      shape.reduce((a, b) => a * b, 1),
    ),
    shape,
  ) as tf.Tensor4D;
}

describe('rescaling', () => {
  it('has the contract', () => {
    const layer = rescaling({ scale: 1 / 255, offset: -1 });
    expect(layer.computeOutputShape([null, 4, 4, 3])).toEqual([null, 4, 4, 3]);
    expect(layer.weights).toEqual([]);
    expect(layer.getConfig()).toMatchObject({ scale: 1 / 255, offset: -1 });
    expect(new Rescaling(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
    expect(rescaling({ scale: 2 }).offset).toBe(0);
    expect(() => rescaling({ scale: Number.NaN })).toThrow(ConfigError);
    expect(() => rescaling({ scale: 1, offset: [] })).toThrow(ConfigError);
  });

  it('scales and shifts, casting integers to float (by hand), per channel too', async () => {
    const y = rescaling({ scale: 1 / 127.5, offset: -1 }).apply(tf.tensor1d([0, 127.5, 255], 'float32'));
    expect(Array.from(await y.data())).toEqual([-1, 0, 1]);
    const ints = rescaling({ scale: 0.5 }).apply(tf.tensor2d([[2, 5]], [1, 2], 'int32'));
    expect(ints.dtype).toBe('float32');
    expect(await ints.array()).toEqual([[1, 2.5]]);
    const perChannel = rescaling({ scale: [1, 10], offset: [0, 1] }).apply(
      tf.tensor2d([
        [1, 1],
        [2, 3],
      ]),
    );
    expect(await perChannel.array()).toEqual([
      [1, 11],
      [2, 31],
    ]);
  });

  it('has the gradient `scale` and matches tfjs-layers', async () => {
    await checkGradients(rescaling({ scale: 3, offset: 1 }), seededUniform([2, 3], 1));
    await compareWithTfjs(
      rescaling({ scale: 0.25, offset: 0.5 }),
      tfl.layers.rescaling({ scale: 0.25, offset: 0.5 }),
      seededUniform([2, 3, 3, 2], 2),
    );
  });

  it('does not leak; saves and loads both ways with tfjs-layers', async () => {
    const layer = rescaling({ scale: 2 });
    const x = seededUniform([2, 3], 3);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
    const ours = sequential({
      layers: [rescaling({ scale: 1 / 255, offset: 0.5, inputShape: [3] }), dense({ units: 2 })],
    });
    const big = seededUniform([4, 3], 4, 0, 255);
    (await expectLoadsInTfjs(ours, big)).dispose();
    const theirs = tfl.sequential({
      layers: [tfl.layers.rescaling({ scale: 2, offset: 1, inputShape: [3] })],
    });
    await expectLoadsFromTfjs(theirs, big);
  });
});

describe('resizing', () => {
  it('has the contract', () => {
    const layer = resizing({ height: 5, width: 3, interpolation: 'nearest', cropToAspectRatio: true });
    expect(layer.computeOutputShape([null, 8, 8, 2])).toEqual([null, 5, 3, 2]);
    expect(layer.getConfig()).toMatchObject({
      height: 5,
      width: 3,
      interpolation: 'nearest',
      cropToAspectRatio: true,
    });
    expect(new Resizing(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
    expect(resizing({ height: 2, width: 2 }).getConfig()).toMatchObject({
      interpolation: 'bilinear',
      cropToAspectRatio: false,
    });
    expect(() => resizing({ height: 0, width: 2 })).toThrow(ConfigError);
    expect(() => resizing({ height: 2, width: 2, interpolation: 'bicubic' as never })).toThrow(ConfigError);
    expect(() => resizing({ height: 2, width: 2 }).apply(tf.zeros([2, 3]))).toThrow(ShapeError);
  });

  it('samples at half-pixel centers as Keras (by hand, and as tfjs-core with halfPixelCenters)', async () => {
    // 1 x 2 → 1 x 4: outputs at input positions -0.25, 0.25, 0.75, 1.25 (clamped): 0, 0.25, 0.75, 1.
    const x = tf.tensor4d([0, 1], [1, 1, 2, 1]);
    expect(Array.from(await resizing({ height: 1, width: 4 }).apply(x).data())).toEqual([0, 0.25, 0.75, 1]);
    expect(
      Array.from(await resizing({ height: 1, width: 4, interpolation: 'nearest' }).apply(x).data()),
    ).toEqual([0, 0, 1, 1]);
    // Up, down and mixed sizes against the kernels of TF 2's tf.image.resize convention.
    const img = seededUniform([2, 5, 7, 3], 1) as tf.Tensor4D;
    for (const [h, w] of [
      [8, 11],
      [3, 2],
      [5, 4],
      [9, 7],
    ] as const) {
      const bilinear = resizing({ height: h, width: w }).apply(img);
      expect(await maxAbsDiff(bilinear, tf.image.resizeBilinear(img, [h, w], false, true))).toBeLessThan(
        1e-5,
      );
      const nearest = resizing({ height: h, width: w, interpolation: 'nearest' }).apply(img);
      expect(await maxAbsDiff(nearest, tf.image.resizeNearestNeighbor(img, [h, w], false, true))).toBe(0);
    }
  });

  it('crops to the aspect ratio first when asked (Keras smart_resize)', async () => {
    // 4 x 6 to 2 x 2: the centered 4 x 4 window (columns 1..4), then halved.
    const x = ramp([1, 4, 6, 1]);
    const y = resizing({ height: 2, width: 2, cropToAspectRatio: true }).apply(x);
    const window = tf.slice(x, [0, 0, 1, 0], [1, 4, 4, 1]) as tf.Tensor4D;
    expect(await maxAbsDiff(y, tf.image.resizeBilinear(window, [2, 2], false, true))).toBeLessThan(1e-5);
    // Each output averages a 2 x 2 block of the window (rows 0-1 / 2-3, columns 1-2 / 3-4).
    expect(Array.from(await y.data())).toEqual([4.5, 6.5, 16.5, 18.5]);
  });

  it('has exact gradients on non-square images', async () => {
    await checkGradients(resizing({ height: 3, width: 5 }), seededUniform([1, 4, 3, 2], 2));
    await checkGradients(
      resizing({ height: 2, width: 2, interpolation: 'nearest' }),
      seededUniform([1, 3, 5, 1], 3),
    );
    await checkGradients(
      resizing({ height: 2, width: 3, cropToAspectRatio: true }),
      seededUniform([1, 4, 4, 1], 4),
    );
  });

  it('has the config of tfjs-layers, whose own output uses aligned corners instead (a tfjs difference)', async () => {
    const x = seededUniform([1, 3, 4, 1], 5) as tf.Tensor4D;
    // Same size: both pass the image through (tfjs's resizeBilinear gradient is wrong on non-square images).
    await compareWithTfjs(
      resizing({ height: 3, width: 4 }),
      tfl.layers.resizing({ height: 3, width: 4 }),
      x,
      {
        gradients: false,
      },
    );
    const theirs = tfl.layers.resizing({ height: 5, width: 6 }).apply(x) as tf.Tensor;
    expect(await maxAbsDiff(theirs, tf.image.resizeBilinear(x, [5, 6], true))).toBeLessThan(1e-6);
    expect(await maxAbsDiff(resizing({ height: 5, width: 6 }).apply(x), theirs)).toBeGreaterThan(0.01);
  });

  it('does not leak; saves and loads both ways with tfjs-layers (the config survives; each side resizes its way)', async () => {
    const layer = resizing({ height: 3, width: 2 });
    const x = seededUniform([2, 4, 4, 2], 6);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
    expect(await leakedTensors(() => tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v)))(x))).toBe(0);
    const ours = sequential({
      layers: [resizing({ height: 3, width: 5, interpolation: 'nearest', inputShape: [4, 4, 2] })],
    });
    // tfjs-layers 4.22 loads it with the same config, but cannot run Resizing inside a model (its
    // call hands the list of inputs to the resize op, and its output shape drops the batch axis).
    const loadedInTfjs = await tfl.loadLayersModel(tf.io.fromMemory(await modelToArtifacts(ours)));
    expect(loadedInTfjs.layers[0].getConfig()).toMatchObject(ours.getLayer(0).getConfig());
    expect(() => loadedInTfjs.predict(x)).toThrow();
    let saved: tf.io.ModelArtifacts | null = null;
    await tfl
      .sequential({
        layers: [
          tfl.layers.resizing({ height: 2, width: 6, cropToAspectRatio: true, inputShape: [4, 4, 2] }),
        ],
      })
      .save(
        tf.io.withSaveHandler(async (a) => {
          saved = a;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
    const loaded = await modelFromArtifacts(saved as unknown as tf.io.ModelArtifacts);
    expect(loaded.getLayer(0).getConfig()).toMatchObject({ height: 2, width: 6, cropToAspectRatio: true });
    expect(
      await maxAbsDiff(
        loaded.predict(x) as tf.Tensor,
        resizing({ height: 2, width: 6, cropToAspectRatio: true }).apply(x),
      ),
    ).toBe(0);
  });
});

describe('centerCrop', () => {
  it('has the contract', () => {
    const layer = centerCrop({ height: 2, width: 3 });
    expect(layer.computeOutputShape([null, 6, 6, 4])).toEqual([null, 2, 3, 4]);
    expect(layer.getConfig()).toMatchObject({ height: 2, width: 3 });
    expect(new CenterCrop(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
    expect(() => centerCrop({ height: 2, width: -1 })).toThrow(ConfigError);
  });

  it('cuts the central window, rounding the start down (by hand); resizes images smaller than the window', async () => {
    const x = ramp([1, 4, 5, 1]); // rows 0..3, columns 0..4
    expect(Array.from(await centerCrop({ height: 2, width: 2 }).apply(x).data())).toEqual([6, 7, 11, 12]);
    expect(Array.from(await centerCrop({ height: 3, width: 4 }).apply(x).data())).toEqual([
      0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13,
    ]);
    // Too small: crop to the aspect ratio (4 x 4 window, columns 0..3), then bilinear resize up.
    const up = centerCrop({ height: 6, width: 6 }).apply(x);
    const window = tf.slice(x, [0, 0, 0, 0], [1, 4, 4, 1]) as tf.Tensor4D;
    expect(await maxAbsDiff(up, tf.image.resizeBilinear(window, [6, 6], false, true))).toBeLessThan(1e-5);
  });

  it('has identity gradients on the window and matches tfjs-layers where tfjs crops like Keras', async () => {
    await checkGradients(centerCrop({ height: 2, width: 3 }), seededUniform([2, 4, 5, 2], 1));
    await checkGradients(centerCrop({ height: 5, width: 3 }), seededUniform([1, 3, 3, 1], 2));
    await compareWithTfjs(
      centerCrop({ height: 4, width: 4 }),
      tfl.layers.centerCrop({ height: 4, width: 4 }),
      seededUniform([2, 6, 8, 3], 3),
      {
        gradients: false,
      },
    );
    // Widths differing by 1: tfjs-layers starts at column 1, Keras (and tensorfold) at column 0.
    const x = ramp([1, 2, 3, 1]);
    expect(Array.from(await centerCrop({ height: 2, width: 2 }).apply(x).data())).toEqual([0, 1, 3, 4]);
    const theirs = tfl.layers.centerCrop({ height: 2, width: 2 }).apply(x) as tf.Tensor;
    expect(Array.from(await theirs.data())).toEqual([1, 2, 4, 5]);
  });

  it('does not leak; saves and loads both ways with tfjs-layers', async () => {
    // A reshape first on both sides: tfjs-layers 4.22's CenterCrop writes its output shape into its
    // input's shape array, which breaks a tfjs model whose first layer it is.
    const layer = centerCrop({ height: 2, width: 2 });
    const x = seededUniform([2, 6, 8, 3], 4);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
    const ours = sequential({
      layers: [
        reshape({ targetShape: [6, 8, 3], inputShape: [6, 8, 3] }),
        centerCrop({ height: 4, width: 4 }),
        flatten(),
        dense({ units: 2 }),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.reshape({ targetShape: [6, 8, 3], inputShape: [6, 8, 3] }),
        tfl.layers.centerCrop({ height: 2, width: 4 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    await expectLoadsFromTfjs(theirs, x);
  });
});

for (const backend of testBackends()) {
  it(`rescaling, resizing and centerCrop train on ${backend}`, async () => {
    await expectTrains(
      backend,
      () =>
        sequential({
          layers: [
            rescaling({ scale: 0.5, inputShape: [6, 6, 1] }),
            resizing({ height: 4, width: 4 }),
            centerCrop({ height: 2, width: 2 }),
            flatten(),
            dense({ units: 1 }),
          ],
        }),
      () => {
        const x = seededUniform([16, 6, 6, 1], 5);
        // The target is a sum of the pixels the model sees.
        const seen = centerCrop({ height: 2, width: 2 }).apply(resizing({ height: 4, width: 4 }).apply(x));
        return { x, y: tf.reshape(tf.sum(seen, [1, 2, 3]), [16, 1]) };
      },
    );
  });
}
