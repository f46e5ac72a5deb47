import { create, ShapeError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose as close, useCpu, values } from '../test-utils/setup.js';

const expectClose = (a: number[], e: number[], digits = 5) => close(a, e, 10 ** -digits);

import {
  BinaryCrossentropy,
  binaryCrossentropy,
  CategoricalCrossentropy,
  categoricalCrossentropy,
  SparseCategoricalCrossentropy,
  sparseCategoricalCrossentropy,
} from './crossentropy.js';

beforeAll(useCpu);

async function lossValues(loss: { call(a: tf.Tensor, b: tf.Tensor): tf.Tensor }, y: tf.Tensor, p: tf.Tensor) {
  const out = loss.call(y, p);
  const v = await values(out);
  tf.dispose([out, y, p]);
  return v;
}

describe('categoricalCrossentropy', () => {
  it('matches hand-computed values per sample', async () => {
    const y = tf.tensor2d([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const p = tf.tensor2d([
      [0.05, 0.95, 0],
      [0.1, 0.8, 0.1],
    ]);
    expectClose(await lossValues(categoricalCrossentropy(), y, p), [-Math.log(0.95), -Math.log(0.1)]);
  });

  it('renormalizes probabilities that do not sum to 1, as Keras does', async () => {
    const y = tf.tensor2d([[0, 1]]);
    const p = tf.tensor2d([[1, 3]]); // normalized: [0.25, 0.75]
    expectClose(await lossValues(categoricalCrossentropy(), y, p), [-Math.log(0.75)]);
  });

  it('smooths labels: y * (1 - s) + s / classes', async () => {
    const y = tf.tensor2d([[0, 1, 0]]);
    const p = tf.tensor2d([[0.2, 0.7, 0.1]]);
    const expected = -(0.1 * Math.log(0.2) + 0.8 * Math.log(0.7) + 0.1 * Math.log(0.1));
    expectClose(await lossValues(categoricalCrossentropy({ labelSmoothing: 0.3 }), y, p), [expected]);
  });

  it('takes logits: -log softmax, equal to tfjs-core softmaxCrossEntropy', async () => {
    const logits = tf.tensor2d([
      [1, 2, 3],
      [-1, 0.5, 4],
    ]);
    const y = tf.tensor2d([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const reference = tf.losses.softmaxCrossEntropy(y, logits, undefined, 0, tf.Reduction.NONE);
    const expected = await values(reference);
    reference.dispose();
    expectClose(expected.slice(0, 1), [Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 2]);
    expectClose(await lossValues(categoricalCrossentropy({ fromLogits: true }), y, logits), expected);
  });

  it('is finite, with finite gradients, at probabilities of exactly 0 and 1 and at extreme logits', async () => {
    const y = tf.tensor2d([[1, 0, 0]]);
    const p = tf.tensor2d([[0, 1, 0]]);
    const [loss] = await lossValues(categoricalCrossentropy(), tf.clone(y), tf.clone(p));
    expect(loss).toBeCloseTo(-Math.log(1e-7), 3);
    const grad = tf.grad((q: tf.Tensor) => tf.sum(categoricalCrossentropy().call(y, q)))(p);
    expect((await values(grad)).every(Number.isFinite)).toBe(true);
    const logits = tf.tensor2d([[-1000, 1000, 0]]);
    const [fromLogits] = await lossValues(
      categoricalCrossentropy({ fromLogits: true }),
      tf.clone(y),
      tf.clone(logits),
    );
    expect(fromLogits).toBeCloseTo(2000, 2);
    const logitGrad = tf.grad((q: tf.Tensor) =>
      tf.sum(categoricalCrossentropy({ fromLogits: true }).call(y, q)),
    )(logits);
    expect(await values(logitGrad)).toEqual([-1, 1, 0]);
    tf.dispose([y, p, grad, logits, logitGrad]);
  });

  it('rejects class-id targets with a hint to use the sparse loss', () => {
    const y = tf.tensor1d([1, 2]);
    const p = tf.ones([2, 3]);
    expect(() => categoricalCrossentropy().call(y, p)).toThrow(/sparseCategoricalCrossentropy/);
    expect(() => categoricalCrossentropy().call(y, p)).toThrow(ShapeError);
    tf.dispose([y, p]);
  });
});

describe('sparseCategoricalCrossentropy', () => {
  const probs = () =>
    tf.tensor2d([
      [0.05, 0.95, 0],
      [0.1, 0.8, 0.1],
    ]);

  it('equals categorical cross-entropy of the one-hot labels, for [batch] and [batch, 1] labels', async () => {
    const expected = [-Math.log(0.95), -Math.log(0.1)];
    expectClose(
      await lossValues(sparseCategoricalCrossentropy(), tf.tensor1d([1, 2], 'int32'), probs()),
      expected,
    );
    expectClose(
      await lossValues(sparseCategoricalCrossentropy(), tf.tensor2d([[1], [2]]), probs()),
      expected,
    );
  });

  it('takes logits and sequences of labels', async () => {
    const logits = tf.tensor3d([
      [
        [1, 2, 3],
        [0, 0, 0],
      ],
    ]); // [1, 2, 3]
    const labels = tf.tensor2d([[2, 0]], [1, 2], 'int32');
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const out = await lossValues(sparseCategoricalCrossentropy({ fromLogits: true }), labels, logits);
    expectClose(out, [lse - 3, Math.log(3)]);
  });

  it('gives NaN for a label outside the classes, so training stops instead of ignoring it', async () => {
    const out = await lossValues(sparseCategoricalCrossentropy(), tf.tensor1d([1, 3], 'int32'), probs());
    expect(out[0]).toBeCloseTo(-Math.log(0.95), 5);
    expect(out[1]).toBeNaN();
  });

  it('gives NaN for a NaN or infinite float label instead of reading it as class 0', async () => {
    const labels = tf.tensor1d([Number.NaN, Number.POSITIVE_INFINITY]);
    const out = await lossValues(sparseCategoricalCrossentropy(), labels, probs());
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeNaN();
  });

  it('checks that labels fit the predictions', () => {
    const p = probs();
    const y = tf.tensor2d([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(() => sparseCategoricalCrossentropy().call(y, p)).toThrow(/one id per sample/);
    tf.dispose([p, y]);
  });
});

describe('binaryCrossentropy', () => {
  it('matches hand-computed values, averaged over the last axis', async () => {
    const y = tf.tensor2d([
      [0, 1],
      [0, 0],
    ]);
    const p = tf.tensor2d([
      [0.6, 0.4],
      [0.4, 0.6],
    ]);
    expectClose(await lossValues(binaryCrossentropy(), y, p), [
      -(Math.log(0.4) + Math.log(0.4)) / 2,
      -(Math.log(0.6) + Math.log(0.4)) / 2,
    ]);
  });

  it('accepts [batch] targets for [batch, 1] predictions and smooths labels towards 0.5', async () => {
    const y = tf.tensor1d([1, 0]);
    const p = tf.tensor2d([[0.9], [0.2]]);
    const s = 0.2;
    const expected = [0.9, 0.2].map((q, i) => {
      const t = [1, 0][i] * (1 - s) + s / 2;
      return -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
    });
    expectClose(await lossValues(binaryCrossentropy({ labelSmoothing: s }), y, p), expected);
  });

  it('gives the same loss from logits as from their sigmoid, equal to tfjs-core sigmoidCrossEntropy', async () => {
    const logits = tf.tensor2d([
      [-3, 0.5],
      [2, 7],
    ]);
    const y = tf.tensor2d([
      [1, 0],
      [1, 1],
    ]);
    const reference = tf.losses.sigmoidCrossEntropy(y, logits, undefined, 0, tf.Reduction.NONE);
    const expected = tf.mean(reference, -1);
    const fromLogits = await lossValues(
      binaryCrossentropy({ fromLogits: true }),
      tf.clone(y),
      tf.clone(logits),
    );
    expectClose(fromLogits, await values(expected));
    expectClose(await lossValues(binaryCrossentropy(), y, tf.sigmoid(logits)), fromLogits, 4);
    tf.dispose([reference, expected, logits]);
  });

  it('is finite at probabilities of exactly 0 and 1 and at logits of +-1000', async () => {
    const y = tf.tensor2d([[1, 0]]);
    const [p] = await lossValues(binaryCrossentropy(), tf.clone(y), tf.tensor2d([[0, 1]]));
    // -log(1e-7) = 16.1 for the first element; 1 - 1e-7 rounds to 1 - 1.2e-7 in float32 for the second.
    expect(p).toBeGreaterThan(15.9);
    expect(p).toBeLessThan(16.2);
    const [l] = await lossValues(binaryCrossentropy({ fromLogits: true }), y, tf.tensor2d([[-1000, 1000]]));
    expect(l).toBeCloseTo(1000, 3);
  });
});

describe('registration', () => {
  it('resolves Keras and TensorFlow.js names and rebuilds from config', () => {
    expect(create('loss', 'categorical_crossentropy')).toBeInstanceOf(CategoricalCrossentropy);
    expect(create('loss', 'sparseCategoricalCrossentropy')).toBeInstanceOf(SparseCategoricalCrossentropy);
    expect(create('loss', 'binary_crossentropy')).toBeInstanceOf(BinaryCrossentropy);
    const saved = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
    const loaded = create<CategoricalCrossentropy>('loss', {
      className: saved.className,
      config: saved.getConfig(),
    });
    expect(loaded.getConfig()).toEqual(saved.getConfig());
    expect(() => create('loss', { className: 'BinaryCrossentropy', config: { reduction: 'sum' } })).toThrow(
      /reduction "sum" is not supported/,
    );
  });

  it('saves fromLogits, labelSmoothing and axis of categorical and binary cross-entropy', () => {
    const args = { fromLogits: true, labelSmoothing: 0.2, axis: 1 };
    for (const [loss, name] of [
      [categoricalCrossentropy(args), 'categorical_crossentropy'],
      [binaryCrossentropy(args), 'binary_crossentropy'],
    ] as const) {
      expect(loss.getConfig()).toEqual({ name, ...args });
      const loaded = create<CategoricalCrossentropy | BinaryCrossentropy>('loss', {
        className: loss.className,
        config: loss.getConfig(),
      });
      expect(loaded).toBeInstanceOf(loss.constructor);
      expect([loaded.fromLogits, loaded.labelSmoothing, loaded.axis]).toEqual([true, 0.2, 1]);
    }
    expect(() => binaryCrossentropy({ labelSmoothing: 1.5 })).toThrow(/labelSmoothing/);
  });
});
