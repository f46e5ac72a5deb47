import { create, type Metric, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { adam } from '../optimizers/adam.js';
import { useCpu, values } from '../test-utils/setup.js';
import { blobs, TestDense } from '../test-utils/toys.js';
import {
  BinaryAccuracy,
  binaryAccuracy,
  CategoricalAccuracy,
  categoricalAccuracy,
  SparseCategoricalAccuracy,
  sparseCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  topKCategoricalAccuracy,
} from './accuracy.js';

beforeAll(useCpu);

async function resultOf(metric: Metric): Promise<number> {
  const r = metric.result();
  const [v] = await values(r);
  r.dispose();
  return v;
}

function update(metric: Metric, y: tf.Tensor, p: tf.Tensor, w?: tf.Tensor) {
  metric.update(y, p, w);
  tf.dispose([y, p, ...(w ? [w] : [])]);
}

describe('accuracy metrics', () => {
  it('categorical accuracy compares argmax of targets and predictions', async () => {
    const m = categoricalAccuracy();
    update(
      m,
      tf.tensor2d([
        [0, 0, 1],
        [0, 1, 0],
        [1, 0, 0],
      ]),
      tf.tensor2d([
        [0.1, 0.2, 0.7],
        [0.5, 0.4, 0.1],
        [0.4, 0.4, 0.2], // a tie goes to the first class: correct
      ]),
    );
    expect(await resultOf(m)).toBeCloseTo(2 / 3, 6);
    m.dispose();
  });

  it('sparse categorical accuracy takes [batch] or [batch, 1] class ids', async () => {
    const m = sparseCategoricalAccuracy();
    const p = () =>
      tf.tensor2d([
        [0.1, 0.9],
        [0.8, 0.2],
      ]);
    update(m, tf.tensor1d([1, 1], 'int32'), p());
    expect(await resultOf(m)).toBe(0.5);
    update(m, tf.tensor2d([[1], [0]]), p());
    expect(await resultOf(m)).toBe(0.75);
    m.dispose();
  });

  it('sparse top-k accuracy counts a class id outside the classes as wrong', async () => {
    const m = sparseTopKCategoricalAccuracy({ k: 5 }); // k above the class count: every valid id is in
    update(
      m,
      tf.tensor1d([3, -1, Number.NaN, 2]),
      tf.tensor2d([
        [0.2, 0.3, 0.5],
        [0.2, 0.3, 0.5],
        [0.2, 0.3, 0.5],
        [0.2, 0.3, 0.5],
      ]),
    );
    expect(await resultOf(m)).toBe(0.25);
    m.dispose();
  });

  it('sparse categorical accuracy counts a NaN label as wrong, not as class 0', async () => {
    const m = sparseCategoricalAccuracy();
    update(m, tf.tensor1d([Number.NaN]), tf.tensor2d([[0.9, 0.1]]));
    expect(await resultOf(m)).toBe(0);
    m.dispose();
  });

  it('binary accuracy thresholds predictions and averages over units', async () => {
    const m = binaryAccuracy({ threshold: 0.7 });
    update(
      m,
      tf.tensor2d([
        [1, 0],
        [1, 1],
      ]),
      tf.tensor2d([
        [0.8, 0.6],
        [0.6, 0.9],
      ]),
    );
    // sample 1: both right (0.6 <= 0.7 is class 0); sample 2: one of two right
    expect(await resultOf(m)).toBeCloseTo(0.75, 6);
    m.dispose();
  });

  it('top-k accuracies count the target among the k highest scores', async () => {
    const scores = () =>
      tf.tensor2d([
        [0.1, 0.5, 0.4],
        [0.7, 0.2, 0.1],
      ]);
    const k2 = topKCategoricalAccuracy({ k: 2 });
    update(
      k2,
      tf.tensor2d([
        [0, 0, 1],
        [0, 0, 1],
      ]),
      scores(),
    );
    expect(await resultOf(k2)).toBe(0.5);
    const sparse = sparseTopKCategoricalAccuracy({ k: 1 });
    update(sparse, tf.tensor1d([1, 0], 'int32'), scores());
    expect(await resultOf(sparse)).toBe(1);
    k2.dispose();
    sparse.dispose();
  });

  it('accumulates over batches with sample weights: the weighted mean of all samples, not of batch means', async () => {
    const m = categoricalAccuracy();
    const oneHot = (ids: number[]) => tf.oneHot(tf.tensor1d(ids, 'int32'), 2, 1, 0, 'float32');
    // batch 1: both right, weights 1 and 1; batch 2: the first right (weight 3), the second wrong (weight 1)
    update(m, oneHot([0, 1]), oneHot([0, 1]), tf.tensor1d([1, 1]));
    update(m, oneHot([0, 1]), oneHot([0, 0]), tf.tensor1d([3, 1]));
    expect(await resultOf(m)).toBeCloseTo(5 / 6, 6); // the mean of batch means would be 0.875
    m.reset();
    expect(await resultOf(m)).toBe(0);
    expect(() => m.update(oneHot([0]), oneHot([0]), tf.tensor1d([1, 2]))).toThrow(/one weight per sample/);
    m.dispose();
  });

  it('leaves no tensors behind', async () => {
    const m = binaryAccuracy();
    const y = tf.ones([4, 1]);
    m.update(y, y);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) m.update(y, y);
    (m.result() as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
    y.dispose();
  });
});

describe('accuracy by name', () => {
  it('registers factories taking {name}, under Keras names', () => {
    const m = create<Metric>('metric', 'categorical_accuracy', { name: 'acc' });
    expect(m).toBeInstanceOf(CategoricalAccuracy);
    expect(m.name).toBe('acc');
    expect(create('metric', 'sparseCategoricalAccuracy')).toBeInstanceOf(SparseCategoricalAccuracy);
    expect(create<Metric>('metric', 'binary_accuracy').name).toBe('binary_accuracy');
  });

  it("makes compile's 'accuracy' pick the accuracy that fits the loss", async () => {
    const { x, oneHot, labels } = blobs(60);
    for (const [loss, targets, expected] of [
      ['categoricalCrossentropy', oneHot, CategoricalAccuracy],
      ['sparseCategoricalCrossentropy', labels, SparseCategoricalAccuracy],
    ] as const) {
      const m = sequential({
        layers: [new TestDense({ units: 3, activation: 'softmax', inputShape: [2], seed: 3 })],
      });
      m.compile({ optimizer: adam({ learningRate: 0.1 }), loss, metrics: ['accuracy'] });
      const history = await m.fit(x, targets, { epochs: 8, batchSize: 20, seed: 1 });
      expect(history.history.accuracy.at(-1)).toBeGreaterThan(0.9);
      expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0]);
      expect(m.requireCompiled('fit').metrics[0].metric).toBeInstanceOf(expected);
      m.dispose();
    }
    const binary = sequential({
      layers: [new TestDense({ units: 1, activation: 'sigmoid', inputShape: [2] })],
    });
    binary.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['acc'] });
    expect(binary.requireCompiled('fit').metrics[0].metric).toBeInstanceOf(BinaryAccuracy);
    binary.dispose();
    tf.dispose([x, oneHot, labels]);
  });
});
