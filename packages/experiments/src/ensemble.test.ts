import { initBackend } from '@tensorfold/backend';
import { input, loadModel, Model, memoryIO, type SymbolicTensor, sequential, tf } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensemble } from './ensemble.js';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

/** A member whose output is softmax(x W) for a fixed W, so its probabilities are known. */
function fixed(weights: number[][], name: string): Model {
  const m = sequential({
    name,
    layers: [dense({ units: 3, inputShape: [2], useBias: false, activation: 'softmax' })],
  });
  m.getLayer(0).setWeights([tf.tensor2d(weights)]);
  return m;
}

const members = () => [
  fixed(
    [
      [5, 0, 0],
      [0, 0, 0],
    ],
    'a',
  ), // class 0 for x = [1, 0]
  fixed(
    [
      [0, 5, 0],
      [0, 0, 0],
    ],
    'b',
  ), // class 1
  fixed(
    [
      [0, 0.1, 0],
      [0, 0, 0],
    ],
    'c',
  ), // nearly uniform, class 1 by a hair
];

describe('ensemble', () => {
  const x = () => tf.tensor2d([[1, 0]]);

  it('averages, weights and votes as defined', async () => {
    const [a, b, c] = members();
    const p = [a, b, c].map((m) => (m.predict(x()) as tf.Tensor).dataSync());
    const mean = ensemble([a, b, c]);
    const got = (mean.predict(x()) as tf.Tensor).dataSync();
    for (let k = 0; k < 3; k++) expect(got[k]).toBeCloseTo((p[0][k] + p[1][k] + p[2][k]) / 3, 6);
    const weighted = ensemble([a, b, c], { method: 'weighted', weights: [3, 1, 0] });
    const w = (weighted.predict(x()) as tf.Tensor).dataSync();
    for (let k = 0; k < 3; k++) expect(w[k]).toBeCloseTo((3 * p[0][k] + p[1][k]) / 4, 6);
    const vote = ensemble([a, b, c], { method: 'vote' });
    expect(Array.from((vote.predict(x()) as tf.Tensor).dataSync()).map((v) => Math.round(v * 3))).toEqual([
      1, 2, 0,
    ]);
  });

  it('is a model: it evaluates, and saves and loads with its members inside', async () => {
    const pooled = ensemble(members(), { method: 'weighted', weights: [1, 2, 3] });
    pooled.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const logs = await pooled.evaluate(
      tf.tensor2d([
        [1, 0],
        [1, 0],
      ]),
      tf.tensor1d([1, 1]),
    );
    expect(logs.accuracy).toBe(1);
    const io = memoryIO();
    await pooled.save(io);
    const loaded = await loadModel(io);
    const before = (pooled.predict(x()) as tf.Tensor).dataSync();
    expect(Array.from((loaded.predict(x()) as tf.Tensor).dataSync())).toEqual(Array.from(before));
  });

  it('refuses members of different output shapes, naming them', () => {
    const i = input({ shape: [2] });
    const other = new Model({
      name: 'four',
      inputs: i,
      outputs: dense({ units: 4 }).apply(i) as SymbolicTensor,
    });
    expect(() => ensemble([members()[0], other])).toThrow(
      /"a" maps \[2\] to \[3\], "four" maps \[2\] to \[4\]/,
    );
    expect(() => ensemble([members()[0]])).toThrow(/at least 2 members/);
    expect(() => ensemble(members(), { method: 'weighted' })).toThrow(/needs weights/);
  });
});
