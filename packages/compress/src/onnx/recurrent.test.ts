import '@tensorflow/tfjs-backend-cpu';
import {
  ConfigError,
  model as functional,
  input,
  type Model,
  type SymbolicTensor,
  sequential,
  setSeed,
  tf,
} from '@tensorfold/core';
import { add, bidirectional, dense, embedding, gru, lstm, masking, simpleRNN } from '@tensorfold/layers';
import { sequenceRegressor, textClassifier } from '@tensorfold/models-rnn';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { expectSamePredictions, randomizeWeights } from './test-utils/ort.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Random weights (all gates and biases matter), then ONNX Runtime against predict. */
async function check(model: Model, x: tf.Tensor, seed: number): Promise<void> {
  randomizeWeights(model, seed);
  await expectSamePredictions(model, x);
  x.dispose();
  model.dispose();
}

const sequences = (seed: number) => tf.randomUniform([3, 5, 2], -1, 1, 'float32', seed); // [batch, steps, features]

/** Token ids [4, 6] padded at the front, at the back, in the middle, and one all padding. */
const paddedIds = () =>
  tf.tensor2d([
    [0, 0, 3, 7, 1, 9],
    [4, 2, 8, 5, 0, 0],
    [6, 0, 0, 2, 0, 3],
    [0, 0, 0, 0, 0, 0],
  ]);

describe('exportOnnx of recurrent layers, run in onnxruntime-node', () => {
  it('LSTM: stacked, returnSequences, goBackwards, last step (gates iofc, biases reordered)', async () => {
    setSeed(21);
    const model = sequential({
      layers: [
        lstm({ units: 3, returnSequences: true, inputShape: [5, 2] }),
        lstm({ units: 4, returnSequences: true, goBackwards: true }),
        lstm({ units: 2, goBackwards: true }),
        dense({ units: 1 }),
      ],
    });
    await check(model, sequences(1), 100);
  });

  it('GRU in both reset forms (linear_before_reset), SimpleRNN, and non-default activations', async () => {
    setSeed(22);
    const model = sequential({
      layers: [
        gru({ units: 3, returnSequences: true, resetAfter: true, inputShape: [5, 2] }),
        gru({ units: 3, returnSequences: true, goBackwards: true, recurrentActivation: 'hardSigmoid' }),
        simpleRNN({ units: 4, returnSequences: true, activation: 'relu' }),
        lstm({ units: 3, returnSequences: true, activation: 'linear', recurrentActivation: 'sigmoid' }),
        simpleRNN({ units: 2, goBackwards: true }),
      ],
    });
    await check(model, sequences(2), 200);
  });

  it('Bidirectional wrappers with each merge mode, sequences and last steps', async () => {
    setSeed(23);
    const model = sequential({
      layers: [
        bidirectional({ layer: lstm({ units: 3, returnSequences: true }), inputShape: [5, 2] }),
        bidirectional({
          layer: gru({ units: 2, returnSequences: true, resetAfter: true }),
          mergeMode: 'sum',
        }),
        bidirectional({ layer: simpleRNN({ units: 2, returnSequences: true }), mergeMode: 'mul' }),
        bidirectional({ layer: lstm({ units: 2 }), mergeMode: 'ave' }),
      ],
    });
    await check(model, sequences(3), 300);
  });

  it('masks from Embedding(maskZero): padding anywhere (even a whole row) is skipped as tensorfold skips it', async () => {
    setSeed(24);
    const model = sequential({
      layers: [
        embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [6] }),
        lstm({ units: 3, returnSequences: true }),
        gru({ units: 3, returnSequences: true, goBackwards: true, resetAfter: true }),
        dense({ units: 3, activation: 'tanh' }), // passes the mask on
        bidirectional({ layer: simpleRNN({ units: 2, returnSequences: true }) }),
        bidirectional({ layer: lstm({ units: 2 }), mergeMode: 'sum' }),
      ],
    });
    await check(model, paddedIds(), 400);
  });

  it('a Masking layer on float sequences', async () => {
    setSeed(25);
    const model = sequential({
      layers: [masking({ maskValue: 0, inputShape: [4, 2] }), gru({ units: 3, goBackwards: true })],
    });
    const x = tf.tensor3d([
      [
        [0, 0],
        [1, 2],
        [0, 0],
        [-1, 0.5],
      ],
      [
        [0.3, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    ]);
    await check(model, x, 500);
  });

  it('models-rnn: a bidirectional text classifier and GRU / bidirectional sequence regressors', async () => {
    setSeed(26);
    await check(
      textClassifier({ vocabulary: 10, embedding: 4, units: 3, body: 'bidirectional', sequenceLength: 6 }),
      paddedIds(),
      600,
    );
    await check(
      textClassifier({
        vocabulary: 10,
        embedding: 4,
        units: 3,
        body: 'gru',
        numClasses: 3,
        sequenceLength: 6,
      }),
      paddedIds(),
      650,
    );
    await check(
      sequenceRegressor({ steps: 5, features: 2, cell: 'gru', units: 3, layers: 2 }),
      sequences(4),
      700,
    );
    await check(
      sequenceRegressor({ steps: 5, features: 2, cell: 'lstm', units: 3, layers: 2, bidirectional: true }),
      sequences(5),
      800,
    );
  });

  it('refuses what it cannot express, saying what to do', async () => {
    const seq = input({ shape: [3, 2] });
    const [output] = lstm({ units: 2, returnState: true }).apply(seq) as unknown as SymbolicTensor[];
    const states = functional({ inputs: seq, outputs: output });
    await expect(exportOnnx(states)).rejects.toThrow(/returnState: true.*set returnState false/);
    states.dispose();
    const selu = sequential({ layers: [gru({ units: 2, activation: 'selu', inputShape: [3, 2] })] });
    await expect(exportOnnx(selu)).rejects.toThrow(ConfigError);
    await expect(exportOnnx(selu)).rejects.toThrow(/"selu".*supported: tanh, sigmoid/);
    selu.dispose();
    const both = bidirectional({ layer: lstm({ units: 2 }), mergeMode: null }).apply(
      seq,
    ) as unknown as SymbolicTensor[];
    const pair = functional({ inputs: seq, outputs: both[0] });
    await expect(exportOnnx(pair)).rejects.toThrow(/mergeMode null.*'concat'/);
    pair.dispose();
    const inp = input({ shape: [4] });
    const emb = embedding({ inputDim: 5, outputDim: 2, maskZero: true });
    const a = emb.apply(inp) as SymbolicTensor;
    const sum = add().apply([a, a]) as SymbolicTensor; // two masked sequences: their masks would have to merge too
    const merged = functional({ inputs: inp, outputs: lstm({ units: 2 }).apply(sum) as SymbolicTensor });
    await expect(exportOnnx(merged)).rejects.toThrow(/merges masked sequences/);
    merged.dispose();
  });
});
