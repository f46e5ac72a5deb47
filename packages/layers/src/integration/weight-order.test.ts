/**
 * The order of `model.weights` / `getWeights()` / `setWeights()` against tfjs-layers 4.22: every
 * trainable weight first, then the non-trainable ones (batch-norm statistics, frozen layers), so a
 * weight list from one fits the other, and saved manifests list the weights in the same order.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { input, type Model, model, modelToArtifacts, ShapeError, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense } from '../layers/core/dense.js';
import { batchNormalization } from '../layers/normalization/batch-normalization.js';
import { lstm } from '../layers/recurrent/lstm.js';
import { bidirectional } from '../layers/wrappers/bidirectional.js';
import { timeDistributed } from '../layers/wrappers/time-distributed.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../test-utils/setup.js';

beforeAll(useCpu);

/** Our model and the same model in tfjs-layers (same layer names), built. */
interface Pair {
  ours: Model;
  theirs: tfl.LayersModel;
  x: tf.Tensor;
}

function ourNames(m: Model): string[] {
  return m.weights.map((w) => w.path);
}

function theirNames(m: tfl.LayersModel): string[] {
  return m.weights.map((w) => w.originalName);
}

/** dense → batch norm → dense → batch norm → dense: the case of the issue. */
function batchNormPair(tag: string): Pair {
  const n = (s: string) => `${tag}_${s}`;
  const ours = sequential({
    layers: [
      dense({ units: 4, inputShape: [3], name: n('d1') }),
      batchNormalization({ name: n('bn1') }),
      dense({ units: 4, name: n('d2') }),
      batchNormalization({ name: n('bn2') }),
      dense({ units: 2, name: n('d3') }),
    ],
  });
  const theirs = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 4, inputShape: [3], name: n('d1') }),
      tfl.layers.batchNormalization({ name: n('bn1') }),
      tfl.layers.dense({ units: 4, name: n('d2') }),
      tfl.layers.batchNormalization({ name: n('bn2') }),
      tfl.layers.dense({ units: 2, name: n('d3') }),
    ],
  });
  return { ours, theirs, x: seededUniform([5, 3], 1) };
}

/** Moves both models' batch-norm statistics away from 0/1, so they matter in inference. */
function trainStatistics(pair: Pair): void {
  const x = seededUniform([16, 3], 2, -3, 5);
  tf.tidy(() => {
    pair.ours.apply(x, { training: true });
    pair.theirs.apply(x, { training: true });
  });
  x.dispose();
}

async function expectSamePredictions(pair: Pair): Promise<void> {
  const a = pair.ours.predict(pair.x) as tf.Tensor;
  const b = pair.theirs.predict(pair.x) as tf.Tensor;
  expect(await maxAbsDiff(a, b)).toBeLessThan(1e-5);
  tf.dispose([a, b]);
}

describe('weight order (Keras / tfjs-layers)', () => {
  it('lists trainable weights first, then the batch-norm statistics, as tfjs-layers does', () => {
    const { ours, theirs } = batchNormPair('order');
    expect(ourNames(ours)).toEqual([
      'order_d1/kernel',
      'order_d1/bias',
      'order_bn1/gamma',
      'order_bn1/beta',
      'order_d2/kernel',
      'order_d2/bias',
      'order_bn2/gamma',
      'order_bn2/beta',
      'order_d3/kernel',
      'order_d3/bias',
      'order_bn1/moving_mean',
      'order_bn1/moving_variance',
      'order_bn2/moving_mean',
      'order_bn2/moving_variance',
    ]);
    expect(ourNames(ours)).toEqual(theirNames(theirs));
    expect(ours.trainableWeights.map((w) => w.path)).toEqual(
      theirs.trainableWeights.map((w) => w.originalName),
    );
    expect(ours.nonTrainableWeights.map((w) => w.path)).toEqual(
      theirs.nonTrainableWeights.map((w) => w.originalName),
    );
    // A layer's own list follows the same rule.
    expect(ours.getLayer(1).weights.map((w) => w.name)).toEqual([
      'gamma',
      'beta',
      'moving_mean',
      'moving_variance',
    ]);
  });

  it('takes a tfjs-layers getWeights() list in setWeights, and gives one that tfjs-layers takes', async () => {
    const pair = batchNormPair('round');
    trainStatistics(pair);
    // tfjs-layers -> tensorfold
    const theirs = pair.theirs.getWeights();
    pair.ours.setWeights(theirs);
    await expectSamePredictions(pair);
    // tensorfold -> tfjs-layers, after changing ours so that the copy is seen
    const fresh = batchNormPair('round2');
    trainStatistics(fresh);
    const ours = fresh.ours.getWeights();
    pair.theirs.setWeights(ours);
    pair.ours.setWeights(ours);
    await expectSamePredictions(pair);
    // and back again: values survive both trips exactly
    const back = pair.theirs.getWeights();
    for (const [i, t] of back.entries()) expect(await maxAbsDiff(t, ours[i])).toBe(0);
    tf.dispose([...theirs, ...ours, ...back]);
  });

  it('moves a frozen layer into the non-trainable part, as tfjs-layers does', () => {
    const { ours, theirs } = batchNormPair('frozen');
    ours.getLayer(2).trainable = false;
    theirs.getLayer('frozen_d2').trainable = false;
    expect(ourNames(ours)).toEqual(theirNames(theirs));
    expect(ourNames(ours).slice(-6)).toEqual([
      'frozen_bn1/moving_mean',
      'frozen_bn1/moving_variance',
      'frozen_d2/kernel',
      'frozen_d2/bias',
      'frozen_bn2/moving_mean',
      'frozen_bn2/moving_variance',
    ]);
    expect(ours.trainableWeights.map((w) => w.path)).toEqual(
      theirs.trainableWeights.map((w) => w.originalName),
    );
    // A frozen batch norm lists gamma, beta, then its statistics (its own creation order).
    const bn = ours.getLayer(1);
    bn.trainable = false;
    theirs.getLayer('frozen_bn1').trainable = false;
    expect(bn.weights.map((w) => w.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(ourNames(ours)).toEqual(theirNames(theirs));
    // A whole frozen model: every weight non-trainable, layer by layer.
    ours.trainable = false;
    theirs.trainable = false;
    expect(ours.trainableWeights).toEqual([]);
    expect(ourNames(ours)).toEqual(theirNames(theirs));
  });

  it('orders a nested, frozen base model (transfer learning) as tfjs-layers does', async () => {
    const baseIn = input({ shape: [3], name: 'nest_in' });
    let h = dense({ units: 4, name: 'nest_b1' }).apply(baseIn);
    h = batchNormalization({ name: 'nest_bn' }).apply(h);
    const base = model({ inputs: baseIn, outputs: h, name: 'nest_base' });
    const ours = sequential({ layers: [dense({ units: 3, inputShape: [3], name: 'nest_pre' }), base] });
    ours.add(dense({ units: 2, name: 'nest_head' }));

    const tIn = tfl.input({ shape: [3], name: 'nest_in' });
    let th = tfl.layers.dense({ units: 4, name: 'nest_b1' }).apply(tIn) as tfl.SymbolicTensor;
    th = tfl.layers.batchNormalization({ name: 'nest_bn' }).apply(th) as tfl.SymbolicTensor;
    const tBase = tfl.model({ inputs: tIn, outputs: th, name: 'nest_base' });
    const theirs = tfl.sequential({
      layers: [tfl.layers.dense({ units: 3, inputShape: [3], name: 'nest_pre' }), tBase],
    });
    theirs.add(tfl.layers.dense({ units: 2, name: 'nest_head' }));

    expect(ourNames(ours)).toEqual(theirNames(theirs));
    base.trainable = false;
    tBase.trainable = false;
    expect(ourNames(ours)).toEqual(theirNames(theirs));
    expect(ourNames(ours).slice(0, 4)).toEqual([
      'nest_pre/kernel',
      'nest_pre/bias',
      'nest_head/kernel',
      'nest_head/bias',
    ]);
    const pair = { ours, theirs, x: seededUniform([4, 3], 3) };
    const values = theirs.getWeights();
    ours.setWeights(values);
    await expectSamePredictions(pair);
    tf.dispose([...values, pair.x]);
  });

  it('orders wrapped layers (bidirectional, timeDistributed) as tfjs-layers does', () => {
    const ours = sequential({
      layers: [
        timeDistributed({ layer: dense({ units: 3 }), inputShape: [4, 2], name: 'wrap_td' }),
        timeDistributed({ layer: batchNormalization(), name: 'wrap_tbn' }),
        bidirectional({ layer: lstm({ units: 2, name: 'wrap_l' }), name: 'wrap_bi' }),
        batchNormalization({ name: 'wrap_bn' }),
      ],
    });
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.timeDistributed({
          layer: tfl.layers.dense({ units: 3 }),
          inputShape: [4, 2],
          name: 'wrap_td',
        }),
        tfl.layers.timeDistributed({ layer: tfl.layers.batchNormalization(), name: 'wrap_tbn' }),
        tfl.layers.bidirectional({
          layer: tfl.layers.lstm({
            units: 2,
            recurrentInitializer: 'glorotUniform',
            name: 'wrap_l',
          }) as tfl.RNN,
          name: 'wrap_bi',
        }),
        tfl.layers.batchNormalization({ name: 'wrap_bn' }),
      ],
    });
    expect(ourNames(ours)).toEqual(theirNames(theirs));
  });

  it('saves the weights manifest in the order of model.weights, as tfjs-layers does', async () => {
    const { ours, theirs } = batchNormPair('manifest');
    const artifacts = await modelToArtifacts(ours);
    expect(artifacts.weightSpecs?.map((s) => s.name)).toEqual(ourNames(ours));
    let saved: tf.io.ModelArtifacts | null = null;
    await theirs.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect((saved as unknown as tf.io.ModelArtifacts).weightSpecs?.map((s) => s.name)).toEqual(
      ourNames(ours),
    );
  });

  it('still refuses a list in the old layer-by-layer order when shapes differ, changing nothing', async () => {
    const { ours } = batchNormPair('refuse');
    const before = ours.getWeights();
    // Layer-by-layer order: d1 kernel, bias, bn1 gamma, beta, moving mean, variance, d2 kernel...
    const layerByLayer = ours.layers.flatMap((l) => l.getWeights());
    expect(() => ours.setWeights(layerByLayer)).toThrow(ShapeError);
    const after = ours.getWeights();
    for (const [i, t] of after.entries()) expect(await maxAbsDiff(t, before[i])).toBe(0);
    tf.dispose([...before, ...after, ...layerByLayer]);
  });

  it('does not leak in getWeights/setWeights', async () => {
    const { ours, x } = batchNormPair('leak');
    expect(
      await leakedTensors(() => {
        const w = ours.getWeights();
        ours.setWeights(w);
        tf.dispose(w);
      }),
    ).toBe(0);
    x.dispose();
  });
});
