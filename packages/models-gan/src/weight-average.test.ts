import { initBackend } from '@tensorfold/backend';
import { sequential, setSeed, tf } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcgan, dcganGenerator } from './dcgan.js';
import { WeightAverage } from './weight-average.js';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

function oneWeight(value: number) {
  const model = sequential({ layers: [dense({ units: 1, useBias: false, inputShape: [1] })] });
  model.setWeights([tf.tensor2d([[value]])]);
  return model;
}

describe('WeightAverage', () => {
  it('averages by hand-checkable decays, the early ones warmed up', async () => {
    const source = oneWeight(0);
    const target = oneWeight(-5);
    const average = new WeightAverage(source, { decay: 0.5 });
    average.onTrainBegin(); // the average starts at the source's weight, 0
    source.setWeights([tf.tensor2d([[10]])]);
    average.onBatchEnd(); // decay min(0.5, 1/10) = 0.1: 0.1 * 0 + 0.9 * 10 = 9
    average.copyInto(target);
    expect((await target.getWeights()[0].data())[0]).toBeCloseTo(9, 5);
    source.setWeights([tf.tensor2d([[1]])]);
    average.onBatchEnd(); // min(0.5, 2/11): 2/11 * 9 + 9/11 * 1 = 27/11
    average.onBatchEnd(); // min(0.5, 3/12) = 0.25: 0.25 * 27/11 + 0.75 * 1
    average.copyInto(target);
    expect((await target.getWeights()[0].data())[0]).toBeCloseTo(0.25 * (27 / 11) + 0.75, 5);
    expect(average.count).toBe(3);
    average.dispose();
    source.dispose();
    target.dispose();
  });

  it('averages a DCGAN generator during fit, into a twin that samples, leaking nothing per step', async () => {
    setSeed(4);
    const args = { latentDim: 8, filters: 16 };
    const model = dcgan(args);
    model.compile({ labelSmoothing: 0.1 });
    const images = tf.randomUniform([16, 28, 28, 1], -1, 1, 'float32', 5);
    const average = new WeightAverage(model.generator, { decay: 0.99 });
    await model.fit(images, { epochs: 1, batchSize: 8, callbacks: [average] });
    const before = tf.memory().numTensors;
    await model.fit(images, { epochs: 1, batchSize: 8, callbacks: [average] });
    expect(tf.memory().numTensors).toBe(before);
    expect(average.count).toBe(4);
    const twin = dcganGenerator(args);
    average.copyInto(twin);
    const [a, b] = [twin.getWeights(), model.generator.getWeights()];
    // The averaged kernel lies between the start and now, so it differs from the last step's.
    expect(a.map((t) => t.shape)).toEqual(b.map((t) => t.shape));
    expect(tf.max(tf.abs(tf.sub(a[0], b[0]))).dataSync()[0]).toBeGreaterThan(0);
    const samples = twin.predict(tf.randomNormal([2, 8], 0, 1, 'float32', 6)) as tf.Tensor;
    expect(samples.shape).toEqual([2, 28, 28, 1]);
    tf.dispose([...a, ...b, samples, images]);
    twin.dispose();
    average.dispose();
    model.dispose();
  });

  it('rejects a decay outside [0, 1)', () => {
    const source = oneWeight(0);
    expect(() => new WeightAverage(source, { decay: 1 })).toThrow(/decay must be in \[0, 1\)/);
    source.dispose();
  });
});
