import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, input, model, type SymbolicTensor, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import { flatten } from '../core/flatten.js';
import { globalAveragePooling1d } from '../pooling/global-pooling.js';
import { gru } from '../recurrent/gru.js';
import { lstm } from '../recurrent/lstm.js';
import { simpleRNN } from '../recurrent/simple-rnn.js';
import { Embedding, embedding } from './embedding.js';

beforeAll(useCpu);

const ids = () =>
  tf.tensor2d(
    [
      [1, 2, 0, 0],
      [3, 1, 4, 0],
      [2, 2, 2, 2],
    ],
    [3, 4],
    'int32',
  );

describe('embedding', () => {
  it('has the contract', () => {
    const e = embedding({ inputDim: 10, outputDim: 3, inputLength: 4 });
    expect(e.batchInputShape).toEqual([null, 4]);
    expect(embedding({ inputDim: 10, outputDim: 3 }).batchInputShape).toEqual([null, null]);
    expect(e.computeOutputShape([null, 4])).toEqual([null, 4, 3]);
    const m = sequential({ layers: [e, flatten()] });
    expect(m.layers[0].weights.map((w) => [w.name, w.shape])).toEqual([['embeddings', [10, 3]]]);
    expect(e.countParams()).toBe(30);
    expect(new Embedding(e.getConfig() as never).getConfig()).toEqual(e.getConfig());
    expect(() => embedding({ inputDim: 0, outputDim: 2 })).toThrow(ConfigError);
  });

  it('looks up rows by id and masks id 0 when maskZero', async () => {
    const e = embedding({ inputDim: 5, outputDim: 2, maskZero: true });
    e.apply(ids()).dispose();
    e.setWeights([
      tf.tensor2d([
        [0, 0],
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
      ]),
    ]);
    const y = (await e.apply(tf.tensor2d([[1, 4, 0]], [1, 3], 'int32')).array()) as number[][][];
    expect(y).toEqual([
      [
        [1, 10],
        [4, 40],
        [0, 0],
      ],
    ]);
    const floats = await e.apply(tf.tensor2d([[2.0, 3.0]])).array();
    expect(floats).toEqual([
      [
        [2, 20],
        [3, 30],
      ],
    ]);
    expect(Array.from(await (e.computeMask(ids(), null) as tf.Tensor).data())).toEqual([
      1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1,
    ]);
    expect(embedding({ inputDim: 5, outputDim: 2 }).computeMask(ids(), null)).toBeNull();
  });

  it('has correct weight gradients (finite differences) and matches tfjs-layers', async () => {
    await checkGradients(embedding({ inputDim: 5, outputDim: 3 }), ids(), { checkInputs: false });
    await compareWithTfjs(
      new Embedding({ inputDim: 6, outputDim: 4 }),
      tfl.layers.embedding({ inputDim: 6, outputDim: 4 }),
      ids(),
    );
    await compareWithTfjs(
      new Embedding({ inputDim: 6, outputDim: 4, maskZero: true, inputLength: 4 }),
      tfl.layers.embedding({ inputDim: 6, outputDim: 4, maskZero: true, inputLength: 4 }),
      ids(),
      { training: true },
    );
  });

  it('masks flow to recurrent layers, which skip padded steps (as if the sequence were shorter)', async () => {
    for (const rnn of [lstm({ units: 3 }), gru({ units: 3 }), simpleRNN({ units: 3 })]) {
      const x = input({ shape: [4], dtype: 'int32' });
      const e = embedding({ inputDim: 5, outputDim: 2, maskZero: true });
      const m = model({ inputs: x, outputs: rnn.apply(e.apply(x)) as SymbolicTensor });
      // [1, 2, 0, 0] (padded) must give what [1, 2] gives.
      const padded = m.predict(tf.tensor2d([[1, 2, 0, 0]], [1, 4], 'int32')) as tf.Tensor;
      const short = rnn.apply(e.apply(tf.tensor2d([[1, 2]], [1, 2], 'int32')));
      expect(await maxAbsDiff(padded, short as tf.Tensor), rnn.className).toBeLessThan(1e-6);
    }
    // ... and to global average pooling, which averages only real steps.
    const x = input({ shape: [4], dtype: 'int32' });
    const e = embedding({ inputDim: 5, outputDim: 2, maskZero: true });
    const m = model({ inputs: x, outputs: globalAveragePooling1d().apply(e.apply(x)) as SymbolicTensor });
    const avg = m.predict(tf.tensor2d([[1, 2, 0, 0]], [1, 4], 'int32')) as tf.Tensor;
    const rows = e.apply(tf.tensor2d([[1, 2]], [1, 2], 'int32'));
    expect(await maxAbsDiff(avg, tf.mean(rows, 1))).toBeLessThan(1e-6);
  });

  it('does not leak, saves and loads both ways, and trains', async () => {
    const e = embedding({ inputDim: 5, outputDim: 2, maskZero: true });
    const x = ids();
    expect(await leakedTensors(() => e.apply(x))).toBe(0);
    expect(await leakedTensors(() => e.computeMask(x, null) as tf.Tensor)).toBe(0);
    const ours = sequential({
      layers: [embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputLength: 4 }), lstm({ units: 2 })],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 5, outputDim: 3, inputLength: 4 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    await expectLoadsFromTfjs(theirs, x);
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              embedding({ inputDim: 5, outputDim: 4, inputLength: 4 }),
              flatten(),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const xs = tf.tensor2d(
            Array.from({ length: 64 }, (_, i) => (i * 7) % 5),
            [16, 4],
            'int32',
          );
          return { x: xs, y: tf.reshape(tf.cast(tf.sum(xs, 1), 'float32'), [16, 1]) };
        },
      );
    }
  });
});
