/**
 * Training throughput (samples/s) of the models-cnn builders, tensorfold against `@tensorflow/tfjs-layers`
 * training the very same network: each tensorfold model is saved in the TensorFlow.js layers format and loaded by
 * tfjs-layers (`loadLayersModel`), so both sides have the same layers, shapes and initial weights. Both use Adam
 * (1e-3) and categorical cross-entropy on a fixed random batch of 32, on the same backend in the same process;
 * the sides alternate in rounds and each reports its median round. On WASM tfjs-layers runs on the kernels
 * `@tensorfold/backend` registers (stock tfjs-wasm cannot train convnets: no Conv2DBackpropFilter).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { type Model, memoryIO, tf } from '@tensorfold/core';
import '@tensorfold/layers';
import { cifarCnn, mobileNetSmall, resnetSmall, stackedConvNet, vggSmall } from '@tensorfold/models-cnn';
import { adam } from '@tensorfold/optim';
import type { BenchContext, Suite } from '../harness.js';
import { median } from '../kernel-ab.js';

interface Network {
  label: string;
  build(): Model;
}

const NETWORKS: Network[] = [
  {
    label: 'stackedConvNet 3 blocks, 28x28x1',
    build: () => stackedConvNet({ blocks: 3, inputShape: [28, 28, 1], numClasses: 10, padding: 'same' }),
  },
  { label: 'cifarCnn, 32x32x3', build: () => cifarCnn({ dropout: 0 }) },
  { label: 'vggSmall (BN), 28x28x1', build: () => vggSmall({ dropout: 0 }) },
  { label: 'resnetSmall, 28x28x1', build: () => resnetSmall() },
  { label: 'mobileNetSmall, 28x28x1', build: () => mobileNetSmall({ dropout: 0 }) },
];

const BATCH = 32;

const suite: Suite = {
  name: 'cnn-training',
  description: 'models-cnn builders: training samples/s, tensorfold vs tfjs-layers on the same saved network',
  backends: ['wasm', 'cpu'],
  async run(ctx: BenchContext) {
    const [rounds, steps] = ctx.quick ? [2, 2] : [5, 4];
    for (const network of NETWORKS) {
      const ours = network.build();
      const io = memoryIO();
      await ours.save(io);
      const theirs = await tfl.loadLayersModel(tf.io.fromMemory(io.artifacts as tf.io.ModelArtifacts));
      const ourOptimizer = adam({ learningRate: 1e-3 });
      ours.compile({ optimizer: ourOptimizer, loss: 'categoricalCrossentropy' });
      const theirOptimizer = tf.train.adam(1e-3);
      theirs.compile({ optimizer: theirOptimizer, loss: 'categoricalCrossentropy' });
      const shape = ours.inputs[0].shape.slice(1) as number[];
      const x = tf.randomUniform([BATCH, ...shape], 0, 1, 'float32', 1);
      const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
      const sides = [
        { name: 'tensorfold', step: () => ours.trainOnBatch(x, y), rates: [] as number[] },
        { name: 'tfjs-layers', step: () => theirs.trainOnBatch(x, y), rates: [] as number[] },
      ];
      try {
        for (const side of sides) for (let i = 0; i < 2; i++) await side.step();
        for (let r = 0; r < rounds; r++)
          for (const side of sides) {
            const start = performance.now();
            for (let i = 0; i < steps; i++) await side.step();
            side.rates.push((steps * BATCH) / ((performance.now() - start) / 1000));
          }
      } finally {
        ours.dispose();
        ourOptimizer.dispose();
        theirs.dispose();
        theirOptimizer.dispose();
        tf.dispose([x, y]);
      }
      ctx.report({
        suite: 'cnn-training',
        case: `${network.label}, Adam, batch ${BATCH}`,
        unit: 'samples/s',
        value: median(sides[0].rates),
        peer: median(sides[1].rates),
        peerName: `tfjs-layers on ${ctx.backend === 'wasm' ? "@tensorfold/backend's wasm kernels" : ctx.backend}`,
        higherIsBetter: true,
      });
    }
  },
};

export default suite;
