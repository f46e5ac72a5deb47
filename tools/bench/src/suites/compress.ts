/**
 * Inference time of decomposed models against the original float model in the same run: the MLP
 * 784-512-256-10 with its two hidden Dense layers replaced by SVD pairs, and LeNet-5 with its second
 * convolution replaced by a Tucker-2 and by a CP sequence (ranks fixed, so the shapes do not depend
 * on trained weights). The original and the decomposed model run in alternating rounds; each figure
 * is the median.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type DecomposeOptions, decompose } from '@tensorfold/compress';
import { type Model, sequential, setSeed } from '@tensorfold/core';
import { conv2d, dense, flatten, maxPooling2d } from '@tensorfold/layers';
import type { BenchContext, Suite } from '../harness.js';

function mlp(): Model {
  return sequential({
    layers: [
      dense({ units: 512, activation: 'relu', inputShape: [784], name: 'h1' }),
      dense({ units: 256, activation: 'relu', name: 'h2' }),
      dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

function lenet(): Model {
  return sequential({
    layers: [
      conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
      maxPooling2d({ poolSize: 2 }),
      conv2d({ filters: 16, kernelSize: 5, activation: 'relu', name: 'c2' }),
      maxPooling2d({ poolSize: 2 }),
      flatten(),
      dense({ units: 120, activation: 'relu' }),
      dense({ units: 84, activation: 'relu' }),
      dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

const cases: Array<{ name: string; build: () => Model; input: number[]; options: DecomposeOptions }> = [
  {
    name: 'MLP, SVD rank 32 on h1, h2',
    build: mlp,
    input: [784],
    options: { method: 'svd', layers: ['h1', 'h2'], ranks: 32 },
  },
  {
    name: 'LeNet-5, Tucker-2 [4, 8] on c2',
    build: lenet,
    input: [28, 28, 1],
    options: { method: 'tucker2', layers: ['c2'], ranks: [4, 8] },
  },
  {
    name: 'LeNet-5, CP rank 8 on c2',
    build: lenet,
    input: [28, 28, 1],
    options: { method: 'cp', layers: ['c2'], ranks: 8 },
  },
];

async function msPer1000(model: Model, x: tf.Tensor): Promise<number> {
  const start = performance.now();
  const y = model.predict(x) as tf.Tensor;
  await y.data();
  y.dispose();
  return ((performance.now() - start) / x.shape[0]) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const suite: Suite = {
  name: 'compress',
  description: 'predict time of SVD / Tucker-2 / CP decomposed models against the original',
  async run(ctx: BenchContext) {
    const rounds = ctx.quick ? 3 : 9;
    for (const c of cases) {
      setSeed(1);
      const original = c.build();
      const { model, layers } = await decompose(original, c.options);
      const x = tf.randomUniform([1000, ...c.input]);
      await msPer1000(original, x); // warm-up
      await msPer1000(model, x);
      const ours: number[] = [];
      const peer: number[] = [];
      for (let r = 0; r < rounds; r++) {
        ours.push(await msPer1000(model, x));
        peer.push(await msPer1000(original, x));
      }
      const before = layers.reduce((n, l) => n + l.paramsBefore, 0);
      const after = layers.reduce((n, l) => n + l.paramsAfter, 0);
      ctx.report({
        suite: 'compress',
        case: c.name,
        unit: 'ms/1000 images',
        value: median(ours),
        peer: median(peer),
        peerName: 'the original model',
        higherIsBetter: false,
        note: `decomposed layers ${before} -> ${after} params (${(before / after).toFixed(1)}x fewer)`,
      });
      x.dispose();
      original.dispose();
      model.dispose();
    }
  },
};

export default suite;
