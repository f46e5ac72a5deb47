/**
 * Training throughput (samples/s) of the MLP 784-512-256-10 (Adam, batch 128) and LeNet-5 (batch 64)
 * on MNIST-shaped data (random pixels and labels: the time of a step does not depend on the values).
 *
 * Until tensorfold's own layers and optimizers land, both sides run the same @tensorflow/tfjs-layers
 * model, so the ratio isolates the backend work: tfjs-layers on WASM completed by @tensorfold/backend
 * against tfjs-layers on stock WASM in the same run. Stock WASM cannot train LeNet-5 (no
 * Conv2DBackpropFilter), which is reported as n/a.
 */

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerWasmKernels, unregisterWasmKernels } from '@tensorfold/backend';
import type { BenchContext, Suite } from '../harness.js';

function mlp(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }));
  model.add(tfl.layers.dense({ units: 256, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

function lenet(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(
    tfl.layers.conv2d({
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      inputShape: [28, 28, 1],
    }),
  );
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 120, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 84, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** Samples/s of `trainOnBatch` over random MNIST-shaped batches; null when the backend cannot train it. */
async function samplesPerSecond(
  build: () => tfl.Sequential,
  inputShape: number[],
  batch: number,
  steps: number,
): Promise<number | null> {
  const model = build();
  const x = tf.randomUniform([batch, ...inputShape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  try {
    for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
    const start = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
    return (steps * batch) / ((performance.now() - start) / 1000);
  } catch {
    return null;
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
}

const suite: Suite = {
  name: 'backend-training',
  description: 'MLP and LeNet-5 training samples/s: tfjs-layers on @tensorfold/backend WASM vs stock WASM',
  async run(ctx: BenchContext) {
    const steps = ctx.quick ? 5 : 30;
    const cases = [
      { name: 'MLP 784-512-256-10, Adam, batch 128', build: mlp, shape: [784], batch: 128 },
      { name: 'LeNet-5, Adam, batch 64', build: lenet, shape: [28, 28, 1], batch: 64 },
    ];
    for (const c of cases) {
      let stock: number | null = null;
      if (ctx.backend === 'wasm') {
        unregisterWasmKernels();
        stock = await samplesPerSecond(c.build, c.shape, c.batch, steps);
        registerWasmKernels();
      }
      const ours = await samplesPerSecond(c.build, c.shape, c.batch, steps);
      if (ctx.backend !== 'wasm') stock = ours;
      ctx.report({
        suite: 'backend-training',
        case: c.name,
        unit: 'samples/s',
        value: ours ?? 0,
        peer: stock,
        peerName: `tfjs-layers on stock ${ctx.backend}`,
        higherIsBetter: true,
        note:
          stock === null
            ? 'stock WASM cannot train it: no Conv2DBackpropFilter kernel'
            : 'both sides: the tfjs-layers model (tensorfold layers pending)',
      });
    }
  },
};

export default suite;
