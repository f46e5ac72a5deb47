import '@tensorflow/tfjs-backend-cpu';
import { model as functional, input, type SymbolicTensor, sequential, setSeed, tf } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { decompose } from '../decompose/decompose.js';
import { TTDense } from '../decompose/tt-dense.js';
import { exportOnnx } from './export.js';
import { expectSamePredictions, randomizeWeights } from './test-utils/ort.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exportOnnx of TTDense, run in onnxruntime-node', () => {
  it('a decomposed MLP: the cores contracted one by one give the layer prediction', async () => {
    setSeed(31);
    const mlp = sequential({
      layers: [
        dense({ units: 24, activation: 'relu', inputShape: [36], name: 'h' }),
        dense({ units: 3, activation: 'softmax', name: 'o' }),
      ],
    });
    const { model } = await decompose(mlp, { method: 'tt', layers: ['h'], ranks: 2 });
    expect(model.layers[0]).toBeInstanceOf(TTDense);
    const x = tf.randomUniform([5, 36], -1, 1, 'float32', 3);
    await expectSamePredictions(model, x);
    // the file holds the cores, not the rebuilt 36 x 24 kernel
    const bytes = await exportOnnx(model);
    const full = await exportOnnx(mlp);
    expect(bytes.length).toBeLessThan(full.length - 36 * 24 * 4 * 0.5);
    x.dispose();
    model.dispose();
    mlp.dispose();
  });

  it('three cores with uneven ranks, a bias, an activation, and a rank-3 input', async () => {
    setSeed(32);
    const inp = input({ shape: [4, 12] });
    const layer = new TTDense({
      inputFactors: [2, 3, 2],
      outputFactors: [3, 1, 2],
      ranks: [1, 3, 2, 1],
      activation: 'tanh',
    });
    const model = functional({ inputs: inp, outputs: layer.apply(inp) as SymbolicTensor });
    randomizeWeights(model, 40);
    const x = tf.randomUniform([2, 4, 12], -1, 1, 'float32', 4);
    await expectSamePredictions(model, x);
    x.dispose();
    model.dispose();
  });
});
