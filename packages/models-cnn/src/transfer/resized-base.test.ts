import { useBackend } from '@tensorfold/backend';
import { loadModel, memoryIO, ShapeError, sequential, setSeed, tf } from '@tensorfold/core';
import { conv2d, dense, flatten, maxPooling2d, resizing } from '@tensorfold/layers';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { activations } from '../inspect/activations.js';
import { bars } from '../test-utils/bars.js';
import { digitsBase } from './digits-base.js';
import { featureExtractor } from './feature-extractor.js';
import { fineTune } from './fine-tune.js';

beforeAll(() => useBackend('wasm'));

const values = (ws: tf.Tensor[]) => ws.map((w) => Array.from(w.dataSync()));

describe('featureExtractor with inputShape (resizing in front of the base)', () => {
  it('resizes 40x40 RGB images to the 28x28 gray digits base inside the model, on copies of its layers', async () => {
    setSeed(4);
    const base = digitsBase(); // [batch, 28, 28, 1]
    const model = featureExtractor(base, {
      head: { numClasses: 3, units: [8], dropout: 0 },
      inputShape: [40, 40, 3],
    });
    expect(model.inputs[0].shape).toEqual([null, 40, 40, 3]);
    expect(model.layers.map((l) => l.name).slice(0, 5)).toEqual([
      'input_images',
      'input_resizing',
      'input_channels',
      'c1',
      'p1',
    ]);
    // The copies carry the base's weights, and are not the base's layers.
    expect(model.getLayer('c1')).not.toBe(base.getLayer('c1'));
    expect(values(model.getLayer('c3').getWeights())).toEqual(values(base.getLayer('c3').getWeights()));

    // The copied c2 sees what the base's c2 sees on the image resized (Keras's half-pixel) and averaged to gray.
    const { x, y } = bars(12, 40, 3, 3);
    const image = tf.slice(x, [0, 0, 0, 0], [1, 40, 40, 3]);
    const expected = tf.tidy(() => {
      const gray = tf.mean(resizing({ height: 28, width: 28 }).apply(image) as tf.Tensor, 3, true);
      return activations(base, gray, ['c2']).c2;
    });
    const got = activations(model, image, ['c2']).c2;
    expect(got.shape).toEqual([1, 14, 14, 32]);
    const gap = tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0];
    expect(gap).toBeLessThan(1e-4);
    tf.dispose([got, expected, image]);

    // Frozen copies and frozen channel conversion: only the head trains; the base is left as it was.
    const baseBefore = values(base.getWeights());
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    expect(model.trainableWeights.length).toBe(4); // head_dense_1 and head_predictions
    await model.fit(x, y, { epochs: 2, batchSize: 4, seed: 4 });
    fineTune(model, { unfreezeFrom: 'c3', learningRate: 1e-4 });
    expect(model.getLayer('input_channels').trainable).toBe(false);
    const c3 = values(model.getLayer('c3').getWeights());
    await model.fit(x, y, { epochs: 1, batchSize: 4, seed: 4 });
    const before = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 1, batchSize: 4, seed: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(values(model.getLayer('c3').getWeights())).not.toEqual(c3);
    expect(values(base.getWeights())).toEqual(baseBefore);
    expect(base.getLayer('c3').trainable).toBe(true);

    // Saved and loaded, the resizing model predicts the same.
    const io = memoryIO();
    await model.save(io);
    const loaded = await loadModel(io);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([a, b, x, y]);
    loaded.dispose();
    model.dispose();
    base.dispose();
  });

  it('repeats gray images into an RGB base, shares the base when the shape already fits, and refuses 3 to 4 channels', () => {
    const base = digitsBase();
    const same = featureExtractor(base, { head: { numClasses: 2 }, inputShape: [28, 28, 1] });
    expect(same.getLayer('c1')).toBe(base.getLayer('c1')); // no copy, no resizing
    expect(same.layers.some((l) => l.name === 'input_resizing')).toBe(false);
    same.dispose();
    expect(() => featureExtractor(digitsBase(), { head: { numClasses: 2 }, inputShape: [28, 28] })).toThrow(
      ShapeError,
    );

    const rgb = sequential({
      name: 'rgb_base',
      layers: [
        conv2d({ inputShape: [16, 16, 3], filters: 4, kernelSize: 3, padding: 'same', name: 'c1' }),
        maxPooling2d({ poolSize: 2, name: 'p1' }),
        flatten({ name: 'f' }),
        dense({ units: 2, name: 'out' }),
      ],
    });
    const gray = featureExtractor(rgb, { head: { numClasses: 2 }, inputShape: [16, 16, 1] });
    expect(gray.layers.map((l) => l.name).slice(0, 3)).toEqual(['input_images', 'input_channels', 'c1']);
    const repeated = tf.tidy(() => {
      const image = tf.randomUniform([1, 16, 16, 1], 0, 1, 'float32', 3);
      const ours = activations(gray, image, ['c1']).c1;
      const theirs = activations(rgb, tf.tile(image, [1, 1, 1, 3]), ['c1']).c1;
      return tf.max(tf.abs(tf.sub(ours, theirs)));
    });
    expect(repeated.dataSync()[0]).toBeLessThan(1e-5);
    repeated.dispose();
    gray.dispose();
    expect(() => featureExtractor(rgb, { head: { numClasses: 2 }, inputShape: [16, 16, 4] })).toThrow(
      /takes 3-channel images and yours have 4/,
    );
    rgb.dispose();
  });
});
