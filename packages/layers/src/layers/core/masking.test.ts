import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, input, model, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { globalAveragePooling1d } from '../pooling/global-pooling.js';
import { lstm } from '../recurrent/lstm.js';
import { simpleRNN } from '../recurrent/simple-rnn.js';
import { dense } from './dense.js';
import { Masking, masking } from './masking.js';

beforeAll(useCpu);

/** Nested values with -0 (a padded step times 0) written as 0. */
function plusZero(v: unknown): unknown {
  return Array.isArray(v) ? v.map(plusZero) : (v as number) + 0;
}

/** [2, 4, 2]: sample 0 padded (with `pad`) after 2 steps, sample 1 has a padded step in the middle. */
function padded(pad = 0): tf.Tensor {
  return tf.tensor3d([
    [
      [1, 2],
      [3, -1],
      [pad, pad],
      [pad, pad],
    ],
    [
      [0.5, pad],
      [pad, pad],
      [2, 1],
      [-1, 1],
    ],
  ]);
}

describe('masking', () => {
  it('has the contract', () => {
    const layer = masking({ maskValue: -1 });
    expect(layer.computeOutputShape([null, 5, 3])).toEqual([null, 5, 3]);
    expect(layer.weights).toEqual([]);
    expect(layer.getConfig()).toMatchObject({ maskValue: -1 });
    expect(new Masking(layer.getConfig() as never).getConfig()).toEqual(layer.getConfig());
    expect(masking().maskValue).toBe(0);
    expect(() => masking({ maskValue: Number.NaN })).toThrow(ConfigError);
  });

  it('zeroes the padded steps and masks them (by hand)', async () => {
    for (const pad of [0, -7]) {
      const layer = masking({ maskValue: pad });
      const x = padded(pad);
      expect(plusZero(await layer.apply(x).array())).toEqual([
        [
          [1, 2],
          [3, -1],
          [0, 0],
          [0, 0],
        ],
        [
          [0.5, pad],
          [0, 0],
          [2, 1],
          [-1, 1],
        ],
      ]);
      const mask = layer.computeMask(x, null) as tf.Tensor;
      expect(mask.dtype).toBe('bool');
      expect(await mask.array()).toEqual([
        [1, 1, 0, 0],
        [1, 0, 1, 1],
      ]);
    }
  });

  it('makes a recurrent layer skip padded steps: the padded sequence gives the unpadded result', async () => {
    const inp = input({ shape: [4, 2] });
    const rnn = lstm({ units: 3 });
    const m = model({ inputs: inp, outputs: rnn.apply(masking().apply(inp)) });
    const x = padded();
    const out = m.predict(x) as tf.Tensor;
    // Sample 0 with its two real steps only, through the same LSTM.
    const short = rnn.apply(tf.slice(x, [0, 0, 0], [1, 2, 2]));
    expect(await maxAbsDiff(tf.slice(out, [0, 0], [1, 3]), short)).toBeLessThan(1e-6);
    // Sample 1: steps 0, 2, 3 (the masked step 1 carries the state over).
    const skipped = rnn.apply(tf.gather(tf.slice(x, [1, 0, 0], [1, 4, 2]), [0, 2, 3], 1));
    expect(await maxAbsDiff(tf.slice(out, [1, 0], [1, 3]), skipped)).toBeLessThan(1e-6);
    // Global average pooling averages the real steps only.
    const pooled = sequential({ layers: [masking({ inputShape: [4, 2] }), globalAveragePooling1d()] });
    expect(
      await maxAbsDiff(
        pooled.predict(x) as tf.Tensor,
        tf.tensor2d([
          [2, 0.5],
          [0.5, 2 / 3],
        ]),
      ),
    ).toBeLessThan(1e-6);
  });

  it('has identity gradients on real steps and zero on padded ones', async () => {
    await checkGradients(masking(), seededUniform([2, 3, 2], 1, 0.5, 1));
    const g = tf.grad((v: tf.Tensor) => tf.sum(masking().apply(v)))(padded());
    expect(await g.array()).toEqual([
      [
        [1, 1],
        [1, 1],
        [0, 0],
        [0, 0],
      ],
      [
        [1, 1],
        [0, 0],
        [1, 1],
        [1, 1],
      ],
    ]);
  });

  it('matches tfjs-layers, alone and feeding an LSTM', async () => {
    await compareWithTfjs(masking({ maskValue: 0 }), tfl.layers.masking({ maskValue: 0 }), padded(), {
      gradients: false,
    });
    const ours = sequential({
      layers: [
        masking({ inputShape: [4, 2] }),
        lstm({ units: 3, returnSequences: true }),
        dense({ units: 1 }),
      ],
    });
    (await expectLoadsInTfjs(ours, padded())).dispose();
  });

  it('does not leak', async () => {
    const layer = masking();
    const x = padded();
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
    expect(await leakedTensors(() => layer.computeMask(x, null))).toBe(0);
  });

  it('saves and loads both ways with tfjs-layers, the mask still reaching the LSTM', async () => {
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.masking({ inputShape: [4, 2], maskValue: 0 }),
        tfl.layers.lstm({ units: 3, recurrentInitializer: 'glorotUniform' }),
      ],
    });
    const ours = await expectLoadsFromTfjs(theirs, padded());
    expect(ours.getLayer(0)).toBeInstanceOf(Masking);
    // Had the mask been lost, the padded steps would change the result.
    const unmasked = sequential({ layers: [lstm({ units: 3, inputShape: [4, 2] })] });
    unmasked.setWeights(ours.getWeights());
    expect(
      await maxAbsDiff(unmasked.predict(padded()) as tf.Tensor, ours.predict(padded()) as tf.Tensor),
    ).toBeGreaterThan(1e-3);
  });

  for (const backend of testBackends()) {
    it(`trains on ${backend}`, async () => {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [masking({ inputShape: [4, 2] }), simpleRNN({ units: 4 }), dense({ units: 1 })],
          }),
        () => {
          const x = tf.concat([seededUniform([16, 3, 2], 5), tf.zeros([16, 1, 2])], 1);
          return { x, y: tf.reshape(tf.sum(x, [1, 2]), [16, 1]) };
        },
      );
    });
  }
});
