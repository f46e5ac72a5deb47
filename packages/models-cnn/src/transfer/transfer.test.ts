import { useBackend } from '@tensorfold/backend';
import { ConfigError, setSeed, tf } from '@tensorfold/core';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { bars } from '../test-utils/bars.js';
import { digitsBase } from './digits-base.js';
import { featureExtractor } from './feature-extractor.js';
import { fineTune } from './fine-tune.js';

beforeAll(() => useBackend('wasm'));

const snapshot = (ws: tf.Tensor[]) => ws.map((w) => Array.from(w.dataSync()));

describe('featureExtractor and fineTune', () => {
  it('trains a new head on a frozen base, then fine-tunes the top of the base', async () => {
    setSeed(6);
    const base = digitsBase();
    expect(base.countParams()).toBe(32_869);
    const { x, y } = bars(24, 28, 1, 3);
    const model = featureExtractor(base, { head: { numClasses: 3, units: [16], dropout: 0 } });
    // Cut at the last image layer (p3): the base's own dense layers are not part of the new model.
    expect(model.layers.slice(1).map((l) => l.name)).toEqual([
      'c1',
      'p1',
      'c2',
      'p2',
      'c3',
      'p3',
      'head_flatten',
      'head_dense_1',
      'head_predictions',
    ]);
    const frozen = snapshot(base.getLayer('c1').getWeights().concat(base.getLayer('c3').getWeights()));
    const head = snapshot(model.getLayer('head_dense_1').getWeights());
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    expect(model.trainableWeights.length).toBe(4); // the head's kernels and biases only
    await model.fit(x, y, { epochs: 3, batchSize: 8, seed: 6 });
    expect(snapshot(base.getLayer('c1').getWeights().concat(base.getLayer('c3').getWeights()))).toEqual(
      frozen,
    );
    expect(snapshot(model.getLayer('head_dense_1').getWeights())).not.toEqual(head);

    fineTune(model, { unfreezeFrom: 'c3', learningRate: 1e-4 });
    expect(model.getLayer('c2').trainable).toBe(false);
    expect(model.getLayer('c3').trainable).toBe(true);
    expect(model.trainableWeights.length).toBe(6);
    const c2 = snapshot(model.getLayer('c2').getWeights());
    const c3 = snapshot(model.getLayer('c3').getWeights());
    await model.fit(x, y, { epochs: 2, batchSize: 8, seed: 6 });
    const before = tf.memory().numTensors; // with the new Adam's moments, made on its first step
    await model.fit(x, y, { epochs: 1, batchSize: 8, seed: 6 });
    expect(tf.memory().numTensors).toBe(before);
    expect(snapshot(model.getLayer('c2').getWeights())).toEqual(c2);
    expect(snapshot(model.getLayer('c3').getWeights())).not.toEqual(c3);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('pools on average, cuts where asked, and rejects bad options listing the layers', () => {
    const base = digitsBase();
    const m = featureExtractor(base, {
      from: 'c2',
      freeze: false,
      head: { numClasses: 4, pooling: 'avg', units: [] },
    });
    expect(m.getLayer('head_pool').outputShape).toEqual([null, 32]);
    expect(m.countParams()).toBe(160 + 4640 + 32 * 4 + 4);
    expect(base.getLayer('c1').trainable).toBe(true);
    expect(() => featureExtractor(base, { from: 'conv9', head: { numClasses: 2 } })).toThrow(
      /Its layers: .*c1/,
    );
    expect(() => featureExtractor(base, { head: { numClasses: 1 } })).toThrow(ConfigError);
    expect(() => fineTune(m, { unfreezeFrom: 'nope' })).toThrow(/no layer "nope"/);
    expect(() => fineTune(m, { unfreezeFrom: 'c2', learningRate: 0 })).toThrow(/learningRate/);
    base.dispose();
  });
});
