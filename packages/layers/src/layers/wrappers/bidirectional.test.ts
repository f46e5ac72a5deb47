import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, register, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import { gru } from '../recurrent/gru.js';
import { LSTM, type LSTMArgs, lstm } from '../recurrent/lstm.js';
import { simpleRNN } from '../recurrent/simple-rnn.js';
import { Bidirectional, bidirectional } from './bidirectional.js';

beforeAll(useCpu);

describe('bidirectional', () => {
  it('has the contract: shapes per merge mode, weights named as tfjs-layers, config round trip', () => {
    const bi = bidirectional({ layer: lstm({ units: 3, name: 'enc' }), name: 'bi' });
    expect(bi.computeOutputShape([null, 5, 2])).toEqual([null, 6]);
    expect(
      bidirectional({
        layer: lstm({ units: 3, returnSequences: true }),
        mergeMode: 'sum',
      }).computeOutputShape([null, 5, 2]),
    ).toEqual([null, 5, 3]);
    expect(
      bidirectional({ layer: gru({ units: 3 }), mergeMode: null }).computeOutputShape([null, 5, 2]),
    ).toEqual([
      [null, 3],
      [null, 3],
    ]);
    expect(
      bidirectional({ layer: lstm({ units: 3, returnState: true }) }).computeOutputShape([null, 5, 2]),
    ).toEqual([
      [null, 6],
      [null, 3],
      [null, 3],
      [null, 3],
      [null, 3],
    ]);
    bi.apply(tf.zeros([1, 5, 2])).dispose();
    expect(bi.weights.map((w) => w.path)).toEqual([
      'bi/forward_enc/kernel',
      'bi/forward_enc/recurrent_kernel',
      'bi/forward_enc/bias',
      'bi/backward_enc/kernel',
      'bi/backward_enc/recurrent_kernel',
      'bi/backward_enc/bias',
    ]);
    expect(bi.countParams()).toBe(2 * 4 * (3 * 5 + 3));
    expect((bi.getConfig().layer as { config: { name: string } }).config.name).toBe('enc');
    const copy = new Bidirectional({ ...(bi.getConfig() as object), name: 'bi_copy' } as never);
    expect(copy.forwardLayer.name).toBe('forward_enc');
    expect(copy.backwardLayer.goBackwards).toBe(true);
    expect(() => bidirectional({ layer: dense({ units: 2 }) as never })).toThrow(ConfigError);
    expect(() => bidirectional({ layer: lstm({ units: 2 }), mergeMode: 'max' as never })).toThrow(
      ConfigError,
    );
  });

  it("takes the wrapped layer's state count from the layer, not its class name", () => {
    // A recurrent layer of two states registered under its own name (a user's LSTM variant).
    class RenamedLSTM extends LSTM {
      static override readonly className = 'RenamedLSTM';
    }
    register('layer', 'RenamedLSTM', (c) => new RenamedLSTM(c as unknown as LSTMArgs));
    const bi = bidirectional({ layer: new RenamedLSTM({ units: 2, returnState: true }) });
    const x = seededUniform([2, 3, 2], 6);
    const states = Array.from({ length: 4 }, () => tf.zeros([2, 2]));
    const outputs = bi.apply(x, { initialState: states }) as unknown as tf.Tensor[];
    expect(outputs.map((t) => t.shape)).toEqual([
      [2, 4],
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    expect(bi.computeMask(x, null)).toEqual([null, null, null, null, null]);
    tf.dispose([x, ...states, ...outputs]);
  });

  it('computes the forward layer on the sequence and the backward layer on it reversed (by hand)', async () => {
    const bi = bidirectional({ layer: simpleRNN({ units: 2, returnSequences: true }), mergeMode: null });
    const x = seededUniform([2, 4, 3], 1);
    const [f, b] = bi.apply(x) as unknown as tf.Tensor[];
    const forwardOnly = simpleRNN({ units: 2, returnSequences: true });
    forwardOnly.apply(x).dispose();
    forwardOnly.setWeights(bi.forwardLayer.getWeights());
    expect(await maxAbsDiff(f, forwardOnly.apply(x))).toBeLessThan(1e-6);
    const backwardOnly = simpleRNN({ units: 2, returnSequences: true });
    backwardOnly.apply(x).dispose();
    backwardOnly.setWeights(bi.backwardLayer.getWeights());
    // The backward outputs, back in time order, are the forward recurrence over the reversed sequence, reversed.
    expect(await maxAbsDiff(b, tf.reverse(backwardOnly.apply(tf.reverse(x, 1)), 1))).toBeLessThan(1e-6);
  });

  it('has correct gradients, with masks and states', async () => {
    const x = seededUniform([2, 4, 2], 2);
    await checkGradients(
      bidirectional({ layer: gru({ units: 2, returnSequences: true }), mergeMode: 'mul' }),
      x,
    );
    const mask = tf.tensor2d(
      [
        [1, 1, 1, 0],
        [1, 1, 1, 1],
      ],
      [2, 4],
      'bool',
    );
    await checkGradients(
      bidirectional({ layer: lstm({ units: 2, returnState: true }), mergeMode: 'ave' }),
      x,
      { callOptions: { mask } },
    );
  });

  it('matches tfjs-layers over merge modes and options', async () => {
    const x = seededUniform([3, 5, 2], 3);
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      for (const returnSequences of [false, true]) {
        await compareWithTfjs(
          new Bidirectional({ layer: lstm({ units: 3, returnSequences }), mergeMode }),
          tfl.layers.bidirectional({
            layer: tfl.layers.lstm({
              units: 3,
              returnSequences,
              recurrentActivation: 'sigmoid',
              recurrentInitializer: 'glorotUniform',
            }) as never,
            mergeMode,
          }),
          x,
          { atol: 2e-5 },
        );
      }
    }
  });

  it('does not leak, saves and loads both ways, and trains', async () => {
    const bi = bidirectional({ layer: gru({ units: 2 }) });
    const x = seededUniform([2, 3, 2], 4);
    expect(await leakedTensors(() => bi.apply(x))).toBe(0);
    const ours = sequential({
      layers: [
        bidirectional({ layer: lstm({ units: 3, returnSequences: true }), inputShape: [3, 2] }),
        bidirectional({ layer: gru({ units: 2 }), mergeMode: 'sum' }),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.bidirectional({
          layer: tfl.layers.simpleRNN({ units: 3, recurrentInitializer: 'glorotUniform' }) as never,
          inputShape: [3, 2],
        }),
      ],
    });
    await expectLoadsFromTfjs(theirs, x);
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [bidirectional({ layer: lstm({ units: 4 }), inputShape: [5, 1] }), dense({ units: 1 })],
          }),
        () => {
          const input = seededUniform([32, 5, 1], 5);
          return { x: input, y: tf.reshape(tf.sum(input, [1, 2]), [32, 1]) };
        },
        { learningRate: 0.1 },
      );
    }
  });
});
