import '@tensorflow/tfjs-backend-cpu';
import {
  ConfigError,
  model as functional,
  input,
  type SymbolicTensor,
  sequential,
  setSeed,
  tf,
} from '@tensorfold/core';
import {
  activation,
  add,
  averagePooling2d,
  batchNormalization,
  concatenate,
  conv2d,
  conv2dTranspose,
  dense,
  depthwiseConv2d,
  dropout,
  embedding,
  flatten,
  globalAveragePooling2d,
  layerNormalization,
  maxPooling2d,
  reLU,
  reshape,
  separableConv2d,
} from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { expectSamePredictions } from './test-utils/ort.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exportOnnx, run in onnxruntime-node', () => {
  it('a convnet: conv (valid, same, strided), depthwise, separable, pools, batch norm, dropout, flatten, dense', async () => {
    setSeed(11);
    const model = sequential({
      layers: [
        conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [9, 9, 2] }),
        batchNormalization({}),
        depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, activation: 'relu6' }),
        separableConv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' }),
        maxPooling2d({ poolSize: 2, padding: 'same' }),
        averagePooling2d({ poolSize: 1 }),
        dropout({ rate: 0.5 }),
        flatten(),
        dense({ units: 7, activation: 'tanh' }),
        reshape({ targetShape: [7, 1] }),
        flatten(),
        dense({ units: 3, activation: 'softmax' }),
      ],
    });
    // moving statistics that are not the defaults, so batch norm is really exported
    const bn = model.layers[1];
    bn.setWeights([tf.fill([4], 1.5), tf.fill([4], 0.2), tf.fill([4], 0.3), tf.fill([4], 2)]);
    const x = tf.randomUniform([3, 9, 9, 2], -1, 1, 'float32', 5);
    await expectSamePredictions(model, x);
    x.dispose();
    model.dispose();
  });

  it('a functional net with add, concatenate, global pooling and a strided conv', async () => {
    setSeed(12);
    const inp = input({ shape: [8, 8, 3] });
    const a = conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(inp) as SymbolicTensor;
    const bb = conv2d({ filters: 4, kernelSize: 1, activation: 'sigmoid' }).apply(inp) as SymbolicTensor;
    const sum = add().apply([a, bb]) as SymbolicTensor;
    const cat = concatenate().apply([sum, inp]) as SymbolicTensor;
    const strided = conv2d({ filters: 5, kernelSize: 3, strides: 2 }).apply(cat) as SymbolicTensor;
    const pooled = globalAveragePooling2d({}).apply(strided) as SymbolicTensor;
    const out = activation({ activation: 'softmax' }).apply(
      dense({ units: 2 }).apply(pooled),
    ) as SymbolicTensor;
    const model = functional({ inputs: inp, outputs: out });
    const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 6);
    await expectSamePredictions(model, x);
    x.dispose();
    model.dispose();
  });

  it('transposed convolutions (same and valid, kernel larger and smaller than the stride) and ReLU(maxValue)', async () => {
    setSeed(14);
    const model = sequential({
      layers: [
        conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', inputShape: [3, 4, 2] }),
        reLU({ maxValue: 0.5 }),
        conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, activation: 'tanh' }),
        conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }), // crops 1: which side matters
        conv2dTranspose({ filters: 2, kernelSize: [1, 2], strides: [2, 3], padding: 'same' }),
        conv2dTranspose({ filters: 1, kernelSize: 2, strides: 3, useBias: false }),
      ],
    });
    const bias = model.layers[0].getWeights()[1];
    const shifted = tf.fill(bias.shape, 0.3);
    model.layers[0].setWeights([model.layers[0].getWeights()[0], shifted]); // a bias, so output_padding is checked
    shifted.dispose();
    const x = tf.randomUniform([2, 3, 4, 2], -1, 1, 'float32', 7);
    await expectSamePredictions(model, x);
    x.dispose();
    model.dispose();
  });

  it('models used as layers (an autoencoder of two sequential parts; a functional model inside a functional one)', async () => {
    setSeed(15);
    const encoder = sequential({
      name: 'encoder',
      layers: [
        conv2d({
          filters: 3,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'relu',
          inputShape: [6, 6, 1],
        }),
        flatten(),
        dense({ units: 4 }),
      ],
    });
    const decoder = sequential({
      name: 'decoder',
      layers: [
        dense({ units: 36, activation: 'sigmoid', inputShape: [4] }),
        reshape({ targetShape: [6, 6, 1] }),
      ],
    });
    const autoencoder = sequential({ layers: [encoder, decoder] });
    await expect(exportOnnx(autoencoder)).rejects.toThrow(/no inputs yet.*model.build/);
    autoencoder.build([null, 6, 6, 1]);
    const x = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 8);
    await expectSamePredictions(autoencoder, x);
    const outer = input({ shape: [6, 6, 1] });
    const code = encoder.apply(outer) as SymbolicTensor;
    const both = concatenate().apply([
      code,
      dense({ units: 2 }).apply(code) as SymbolicTensor,
    ]) as SymbolicTensor;
    await expectSamePredictions(functional({ inputs: outer, outputs: both }), x);
    x.dispose();
    autoencoder.dispose();
  });

  it('an embedding followed by dense layers', async () => {
    setSeed(13);
    const model = sequential({
      layers: [
        embedding({ inputDim: 20, outputDim: 4, inputLength: 5, inputShape: [5] }),
        flatten(),
        dense({ units: 2 }),
      ],
    });
    const x = tf.tensor2d([
      [1, 2, 3, 19, 0],
      [5, 5, 6, 7, 8],
    ]);
    await expectSamePredictions(model, x);
    x.dispose();
    model.dispose();
  });

  it('names a layer it cannot export and the supported ones', async () => {
    const model = sequential({ layers: [layerNormalization({ inputShape: [3, 2] })] });
    await expect(exportOnnx(model)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(model)).rejects.toThrow(
      /is a LayerNormalization, which exportOnnx cannot convert yet; supported layers: InputLayer, Dense.*LSTM, GRU, Bidirectional, TTDense/,
    );
    model.dispose();
  });
});
