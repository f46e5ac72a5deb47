/**
 * Every layer on WASM and WebGPU (SwiftShader where there is no GPU): four small models that
 * together use the whole catalog give the same predictions and gradients as on the CPU backend,
 * and train there (loss falls, no leaks, finite weights). Each layer's own file trains it on CPU.
 * WebGPU is skipped with a printed notice where it cannot start, unless TENSORFOLD_REQUIRE_WEBGPU=1.
 */
import { type BackendName, useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { input, type Model, model, type SymbolicTensor, setSeed, tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activation,
  add,
  alphaDropout,
  average,
  averagePooling1d,
  averagePooling2d,
  averagePooling3d,
  batchNormalization,
  bidirectional,
  centerCrop,
  concatenate,
  conv1d,
  conv2d,
  conv2dTranspose,
  conv3d,
  conv3dTranspose,
  cropping2D,
  dense,
  depthwiseConv2d,
  dot,
  dropout,
  elu,
  embedding,
  flatten,
  gaussianDropout,
  gaussianNoise,
  globalAveragePooling1d,
  globalAveragePooling2d,
  globalMaxPooling1d,
  globalMaxPooling2d,
  gru,
  gruCell,
  layerNormalization,
  leakyReLU,
  lstm,
  lstmCell,
  masking,
  maximum,
  maxPooling1d,
  maxPooling2d,
  maxPooling3d,
  minimum,
  multiply,
  permute,
  prelu,
  reLU,
  repeatVector,
  rescaling,
  reshape,
  resizing,
  rnn,
  separableConv2d,
  simpleRNN,
  simpleRNNCell,
  softmax,
  spatialDropout1d,
  subtract,
  thresholdedReLU,
  timeDistributed,
  upSampling2d,
  zeroPadding2d,
} from '../index.js';
import { seededUniform, useCpu } from '../test-utils/setup.js';
import { meanSquaredError } from '../test-utils/toys.js';
import { expectTrains } from '../test-utils/training.js';

const apply = (
  layer: { apply(x: SymbolicTensor | SymbolicTensor[]): unknown },
  x: SymbolicTensor | SymbolicTensor[],
) => layer.apply(x) as SymbolicTensor;

interface Case {
  name: string;
  build: () => Model;
  data: () => { x: tf.Tensor; y: tf.Tensor };
}

const cases: Case[] = [
  {
    name: 'dense, noise, normalization, reshaping, wrappers, merges and activation layers',
    build: () => {
      const x = input({ shape: [6] });
      const h = apply(dense({ units: 8, activation: 'relu' }), x);
      const n = apply(
        layerNormalization(),
        apply(batchNormalization(), apply(gaussianNoise({ stddev: 0.05 }), apply(dropout({ rate: 0.2 }), h))),
      );
      const seq = apply(
        timeDistributed({ layer: dense({ units: 3 }) }),
        apply(permute({ dims: [2, 1] }), apply(reshape({ targetShape: [2, 4] }), n)),
      );
      const flat = apply(flatten(), apply(repeatVector({ n: 2 }), apply(flatten(), seq)));
      const acts = apply(
        softmax(),
        apply(
          thresholdedReLU({ theta: 0.05 }),
          apply(elu(), apply(prelu(), apply(leakyReLU(), apply(reLU({ maxValue: 6 }), flat)))),
        ),
      );
      const a = apply(dense({ units: 4, activation: 'tanh' }), x);
      const b = apply(dense({ units: 4, activation: 'sigmoid' }), x);
      const merged = apply(concatenate(), [
        apply(add(), [a, b]),
        apply(subtract(), [a, b]),
        apply(multiply(), [a, b]),
        apply(average(), [a, b]),
        apply(maximum(), [a, b]),
        apply(minimum(), [a, b]),
        apply(activation({ activation: 'swish' }), acts),
      ]);
      return model({ inputs: x, outputs: apply(dense({ units: 1 }), merged) });
    },
    data: () => {
      const x = seededUniform([16, 6], 1);
      return { x, y: tf.sum(x, 1, true) };
    },
  },
  {
    name: 'convolutions, padding, cropping, upsampling and pooling',
    build: () => {
      const x = input({ shape: [6, 6, 2] });
      let h = apply(conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }), x);
      h = apply(
        separableConv2d({ filters: 4, kernelSize: 2, padding: 'same' }),
        apply(depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }), h),
      );
      h = apply(
        conv2d({ filters: 3, kernelSize: 2, dilationRate: 2 }),
        apply(zeroPadding2d({ padding: 1 }), h),
      ); // [6, 6, 3]
      h = apply(upSampling2d(), apply(maxPooling2d(), h)); // [6, 6, 3]
      h = apply(
        averagePooling2d({ poolSize: 2, padding: 'same' }),
        apply(conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same' }), h),
      ); // [6, 6, 2]
      h = apply(
        conv2d({ filters: 3, kernelSize: 3, strides: 2 }),
        apply(cropping2D({ cropping: 1 }), apply(upSampling2d({ interpolation: 'bilinear' }), h)),
      );
      const pooled = apply(concatenate(), [
        apply(globalAveragePooling2d(), h),
        apply(globalMaxPooling2d(), h),
      ]);
      return model({ inputs: x, outputs: apply(dense({ units: 1 }), pooled) });
    },
    data: () => {
      const x = seededUniform([16, 6, 6, 2], 2);
      return { x, y: tf.reshape(tf.mean(x, [1, 2, 3]), [16, 1]) };
    },
  },
  {
    name: '1D convolutions and pooling, simpleRNN, lstm, gru (both forms), bidirectional',
    build: () => {
      const x = input({ shape: [8, 3] });
      let h = apply(
        averagePooling1d({ poolSize: 1 }),
        apply(
          maxPooling1d(),
          apply(
            spatialDropout1d({ rate: 0.1 }),
            apply(conv1d({ filters: 4, kernelSize: 2, padding: 'causal' }), x),
          ),
        ),
      );
      h = apply(
        lstm({ units: 4, returnSequences: true, recurrentDropout: 0.1 }),
        apply(simpleRNN({ units: 4, returnSequences: true }), h),
      );
      h = apply(
        bidirectional({ layer: gru({ units: 3, returnSequences: true }) }),
        apply(gru({ units: 4, returnSequences: true, resetAfter: true }), h),
      );
      const pooled = apply(concatenate(), [
        apply(globalAveragePooling1d(), h),
        apply(globalMaxPooling1d(), h),
      ]);
      return model({ inputs: x, outputs: apply(dense({ units: 1 }), pooled) });
    },
    data: () => {
      const x = seededUniform([16, 8, 3], 3);
      return { x, y: tf.reshape(tf.mean(x, [1, 2]), [16, 1]) };
    },
  },
  {
    name: 'embedding with maskZero feeding recurrent layers',
    build: () => {
      const x = input({ shape: [5], dtype: 'int32' });
      const h = apply(
        lstm({ units: 4, returnSequences: true }),
        apply(embedding({ inputDim: 6, outputDim: 4, maskZero: true }), x),
      );
      return model({ inputs: x, outputs: apply(dense({ units: 1 }), apply(gru({ units: 3 }), h)) });
    },
    data: () => {
      // Ids 1..5, padded with zeros at the end of each sequence.
      const values = Array.from({ length: 80 }, (_, i) =>
        i % 5 < 5 - (Math.floor(i / 5) % 3) ? 1 + ((i * 7) % 5) : 0,
      );
      const x = tf.tensor2d(values, [16, 5], 'int32');
      return { x, y: tf.reshape(tf.div(tf.cast(tf.sum(x, 1), 'float32'), 10), [16, 1]) };
    },
  },
  {
    name: 'masking, rescaling, resizing, centerCrop, gaussian and alpha dropout, dot, rnn with cells',
    build: () => {
      // Small: the step-by-step rnn is slow on WebGPU (SwiftShader).
      const x = input({ shape: [4, 3] });
      const last = apply(
        rnn({ cell: [lstmCell({ units: 3 }), gruCell({ units: 2, resetAfter: true })], goBackwards: true }),
        apply(alphaDropout({ rate: 0.1 }), apply(gaussianDropout({ rate: 0.1 }), apply(masking(), x))),
      );
      const image = apply(
        reshape({ targetShape: [4, 3, 1] }),
        apply(rescaling({ scale: 0.5, offset: 0.1 }), x),
      );
      const cropped = apply(
        flatten(),
        apply(centerCrop({ height: 2, width: 2 }), apply(resizing({ height: 4, width: 4 }), image)),
      );
      const scores = apply(dot({ axes: 1, normalize: true }), [last, apply(dense({ units: 2 }), cropped)]);
      const tail = apply(
        rnn({ cell: simpleRNNCell({ units: 2 }) }),
        apply(reshape({ targetShape: [2, 2] }), apply(dense({ units: 4 }), scores)),
      );
      return model({
        inputs: x,
        outputs: apply(dense({ units: 1 }), apply(concatenate(), [last, scores, tail])),
      });
    },
    data: () => {
      // The last step is padding (masked).
      const x = tf.concat([seededUniform([16, 3, 3], 5), tf.zeros([16, 1, 3])], 1);
      return { x, y: tf.reshape(tf.mean(x, [1, 2]), [16, 1]) };
    },
  },
  {
    name: 'conv3d, conv3dTranspose, maxPooling3d, averagePooling3d',
    build: () => {
      const x = input({ shape: [4, 5, 4, 2] });
      const h = apply(conv3d({ filters: 3, kernelSize: [2, 3, 2], padding: 'same', activation: 'tanh' }), x);
      const strided = apply(conv3d({ filters: 2, kernelSize: 2, strides: 2 }), h); // [2, 2, 2, 2]
      const up = apply(conv3dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }), strided);
      const maxed = apply(maxPooling3d({ poolSize: 2, strides: 1, padding: 'same' }), up);
      const averaged = apply(
        averagePooling3d({ poolSize: [3, 2, 3], strides: 2, padding: 'same', dataFormat: 'channelsFirst' }),
        apply(maxPooling3d({ poolSize: [2, 3, 2], strides: [1, 2, 1] }), h),
      );
      const pooled = apply(concatenate(), [apply(flatten(), maxed), apply(flatten(), averaged)]);
      return model({ inputs: x, outputs: apply(dense({ units: 1 }), pooled) });
    },
    data: () => {
      const x = seededUniform([8, 4, 5, 4, 2], 6);
      return { x, y: tf.reshape(tf.mean(x, [1, 2, 3, 4]), [8, 1]) };
    },
  },
];

/** Predictions and weight gradients (of the mean squared error, in inference mode) on the current backend. */
async function outputsAndGradients(
  c: Case,
): Promise<{ predictions: Float32Array; gradients: Float32Array[]; scale: number }> {
  setSeed(7);
  const m = c.build();
  const { x, y } = c.data();
  const predictions = m.predict(x) as tf.Tensor;
  const variables = m.trainableWeights.map((w) => w.variable);
  const { value, grads } = tf.variableGrads(
    () => tf.mean(meanSquaredError(y, m.forward([x], { training: false })[0])) as tf.Scalar,
    variables,
  );
  const result = {
    predictions: (await predictions.data()) as Float32Array,
    gradients: await Promise.all(variables.map(async (v) => (await grads[v.name].data()) as Float32Array)),
    scale: Math.max(1, ...Array.from(await predictions.data()).map(Math.abs)),
  };
  tf.dispose([predictions, value, x, y, ...Object.values(grads)]);
  m.dispose();
  return result;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const others = (await backendsForTests()).filter((b): b is BackendName => b !== 'cpu');
const tolerance: Record<string, number> = { wasm: 2e-4, webgpu: 2e-3 };

beforeAll(useCpu);
afterAll(() => useBackend('cpu'));

describe.each(others)('every layer on %s', (backend) => {
  for (const c of cases) {
    it(`${c.name}: same predictions and gradients as on CPU, and trains`, async () => {
      await useBackend('cpu');
      const reference = await outputsAndGradients(c);
      await useBackend(backend);
      const here = await outputsAndGradients(c);
      const atol = tolerance[backend] * reference.scale;
      expect(maxDifference(here.predictions, reference.predictions), 'predictions').toBeLessThan(atol);
      here.gradients.forEach((g, i) => {
        const scale = Math.max(1e-3, ...Array.from(reference.gradients[i]).map(Math.abs));
        expect(maxDifference(g, reference.gradients[i]) / scale, `gradient ${i} (relative)`).toBeLessThan(
          tolerance[backend] * 10,
        );
      });
      // One batch of all 16 examples (3 steps, not 6): on WebGPU (SwiftShader) the time goes with the
      // steps, and the full batch lowers the loss more (the convolutions' case to 0.975 of the first
      // loss on CPU and WASM, against 0.989 in 6 steps of 8).
      await expectTrains(backend, c.build, c.data, { epochs: 3, batchSize: 16, improvement: 0.99 });
    }, 240_000);
  }
});

it('runs on at least WASM besides the CPU', () => {
  expect(others).toContain('wasm');
});
