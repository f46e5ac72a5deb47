import '@tensorflow/tfjs-backend-cpu';
import {
  model as functional,
  input,
  type Model,
  type SymbolicTensor,
  sequential,
  setSeed,
  tf,
} from '@tensorfold/core';
import {
  average,
  averagePooling1d,
  conv1d,
  conv2d,
  dense,
  embedding,
  globalAveragePooling1d,
  maximum,
  maxPooling1d,
  minimum,
  multiply,
  subtract,
  zeroPadding2d,
} from '@tensorfold/layers';
import { textClassifier } from '@tensorfold/models-rnn';
import { beforeAll, describe, it } from 'vitest';
import { expectSamePredictions, randomizeWeights } from './test-utils/ort.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function check(model: Model, x: tf.Tensor, seed: number): Promise<void> {
  randomizeWeights(model, seed);
  await expectSamePredictions(model, x);
  x.dispose();
  model.dispose();
}

const ids = () =>
  tf.tensor2d([
    [0, 0, 3, 7, 1, 9, 2, 4, 4, 1, 5, 6],
    [4, 2, 8, 5, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  ]);

describe('exportOnnx of 1D convolutions, 1D pooling, padding and merges, run in onnxruntime-node', () => {
  it('models-rnn: the conv1d text classifier (conv1d same, max pooling same, global max pooling)', async () => {
    setSeed(41);
    await check(
      textClassifier({ vocabulary: 10, embedding: 4, units: 3, body: 'conv1d', sequenceLength: 12 }),
      ids(),
      900,
    );
  });

  it('Conv1D causal with dilation and valid with strides, average pooling, masked global average pooling', async () => {
    setSeed(42);
    const model = sequential({
      layers: [
        embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [12] }),
        dense({ units: 4, activation: 'relu' }), // carries the mask to the pooling
        globalAveragePooling1d(),
        dense({ units: 2 }),
      ],
    });
    await check(model, ids(), 1000);
    const convs = sequential({
      layers: [
        conv1d({ filters: 3, kernelSize: 3, padding: 'causal', dilationRate: 2, inputShape: [11, 2] }),
        conv1d({ filters: 4, kernelSize: 2, strides: 2, activation: 'tanh' }),
        averagePooling1d({ poolSize: 2, padding: 'same' }),
        maxPooling1d({ poolSize: 2, strides: 1 }),
        globalAveragePooling1d(),
      ],
    });
    await check(convs, tf.randomUniform([2, 11, 2], -1, 1, 'float32', 7), 1100);
  });

  it('ZeroPadding2D (as in the ResNet and MobileNet stems) and the merge layers', async () => {
    setSeed(43);
    const inp = input({ shape: [5, 5, 2] });
    const padded = zeroPadding2d({
      padding: [
        [1, 2],
        [0, 1],
      ],
    }).apply(inp) as SymbolicTensor; // [8, 6, 2]
    const a = conv2d({ filters: 2, kernelSize: 3 }).apply(padded) as SymbolicTensor;
    const c = conv2d({ filters: 2, kernelSize: 3, activation: 'sigmoid' }).apply(padded) as SymbolicTensor;
    const merged = [multiply(), subtract(), average(), maximum(), minimum()].map(
      (layer) => layer.apply([a, c]) as SymbolicTensor,
    );
    const out = average().apply([
      multiply().apply([merged[0], merged[1]]) as SymbolicTensor,
      ...merged.slice(2),
    ]);
    const model = functional({ inputs: inp, outputs: out as SymbolicTensor });
    await check(model, tf.randomUniform([2, 5, 5, 2], -1, 1, 'float32', 8), 1200);
  });
});
