import { create, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  referenceAdadelta,
  referenceAdagrad,
  referenceAdam,
  referenceAdamax,
  referenceNadam,
  referenceRmsprop,
  runReference,
} from '../test-utils/reference-optimizers.js';
import { expectClose, useCpu, values } from '../test-utils/setup.js';
import { adadelta } from './adadelta.js';
import { adagrad } from './adagrad.js';
import { type AdamW, adamw } from './adam.js';
import { adamax } from './adamax.js';
import { nadam } from './nadam.js';
import type { OptimizerBase } from './optimizer.js';
import { RMSprop, rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';

beforeAll(useCpu);

const initial = [1, -2, 0.5, 3, 0.01, -0.7];
const gradients = [
  [0.5, -1, 0.25, 2, 1e-3, 0.3],
  [0.2, 0.4, -0.6, 1.5, -2e-3, 0.3],
  [-0.3, 0.1, 0.05, -1, 5e-3, -0.9],
];

async function threeSteps(optimizer: OptimizerBase): Promise<number[]> {
  const v = tf.variable(tf.tensor2d(initial, [2, 3]));
  for (const g of gradients)
    tf.tidy(() => optimizer.applyGradients([{ variable: v, gradient: tf.tensor2d(g, [2, 3]) }]));
  const out = await values(v);
  v.dispose();
  optimizer.dispose();
  return out;
}

async function threeStepsTfjs(optimizer: tf.Optimizer): Promise<number[]> {
  const v = tf.variable(tf.tensor2d(initial, [2, 3]));
  for (const g of gradients)
    tf.tidy(() => optimizer.applyGradients([{ name: v.name, tensor: tf.tensor2d(g, [2, 3]) }]));
  const out = await values(v);
  v.dispose();
  optimizer.dispose();
  return out;
}

describe('adaptive optimizers match their published rules over three steps', () => {
  it('adagrad', async () => {
    expectClose(
      await threeSteps(adagrad({ learningRate: 0.1 })),
      runReference(referenceAdagrad(0.1), initial, gradients),
    );
    expectClose(
      await threeSteps(adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.5 })),
      await threeStepsTfjs(tf.train.adagrad(0.1, 0.5)),
    );
  });

  it('adadelta (Zeiler, Algorithm 1; tfjs-core divides by the previous average of g^2 instead)', async () => {
    expectClose(
      await threeSteps(adadelta({ learningRate: 1 })),
      runReference(referenceAdadelta(1), initial, gradients),
    );
    expectClose(
      await threeSteps(adadelta({ learningRate: 0.5, rho: 0.8 })),
      runReference(referenceAdadelta(0.5, 0.8), initial, gradients),
    );
  });

  it('rmsprop, plain, with momentum, and centered', async () => {
    for (const [momentum, centered] of [
      [0, false],
      [0.9, false],
      [0.5, true],
      [0, true],
    ] as const) {
      const ours = await threeSteps(rmsprop({ learningRate: 0.01, momentum, centered }));
      expectClose(
        ours,
        runReference(referenceRmsprop(0.01, 0.9, momentum, 1e-7, centered), initial, gradients),
      );
      // tfjs-core's centered form computes sqrt(ms - mg^2 - epsilon) (NaN for tiny gradients), so it is
      // compared only uncentered.
      if (!centered)
        expectClose(ours, await threeStepsTfjs(tf.train.rmsprop(0.01, 0.9, momentum, 1e-7, false)));
    }
  });

  it('adamax', async () => {
    const ours = await threeSteps(adamax({ learningRate: 0.02 }));
    expectClose(ours, runReference(referenceAdamax(0.02), initial, gradients));
    expectClose(ours, await threeStepsTfjs(tf.train.adamax(0.02, 0.9, 0.999, 1e-7)));
  });

  it('nadam', async () => {
    expectClose(
      await threeSteps(nadam({ learningRate: 0.02, beta1: 0.8 })),
      runReference(referenceNadam(0.02, 0.8), initial, gradients),
    );
  });

  it('adamw: Adam after shrinking the weights by lr * weightDecay', async () => {
    expectClose(
      await threeSteps(adamw({ learningRate: 0.05, weightDecay: 0.1 })),
      runReference(referenceAdam(0.05, 0.9, 0.999, 1e-7, false, 0.1), initial, gradients),
    );
  });
});

describe('clipping', () => {
  const two = async (optimizer: OptimizerBase, ga: number[], gb: number[]) => {
    const a = tf.variable(tf.zeros([ga.length]));
    const b = tf.variable(tf.zeros([gb.length]));
    tf.tidy(() =>
      optimizer.applyGradients([
        { variable: a, gradient: tf.tensor1d(ga) },
        { variable: b, gradient: tf.tensor1d(gb) },
      ]),
    );
    const out = [await values(a), await values(b)];
    tf.dispose([a, b]);
    return out;
  };

  it('clips each element by value', async () => {
    const [a, b] = await two(sgd({ learningRate: 1, clipValue: 0.5 }), [3, -0.2], [-4]);
    expectClose(a, [-0.5, 0.2]);
    expectClose(b, [0.5]);
  });

  it('rescales each gradient to clipNorm', async () => {
    // [3, 4] has norm 5 -> [0.6, 0.8]; [0.1] is within the norm and unchanged
    const [a, b] = await two(sgd({ learningRate: 1, clipNorm: 1 }), [3, 4], [0.1]);
    expectClose(a, [-0.6, -0.8]);
    expectClose(b, [-0.1]);
  });

  it('rescales all gradients together to globalClipNorm', async () => {
    // global norm of [3, 4] and [12] is 13 -> everything times 2 / 13
    const [a, b] = await two(sgd({ learningRate: 1, globalClipNorm: 2 }), [3, 4], [12]);
    expectClose(a, [-6 / 13, -8 / 13]);
    expectClose(b, [-24 / 13]);
  });
});

describe('nadam momentum schedule', () => {
  it('gives the same update after its state is set back to an earlier step', async () => {
    // the product of the schedule is kept from step to step; restoring an earlier step must reset it
    const optimizer = nadam({ learningRate: 0.02 });
    const v = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const step = (g: number[]) =>
      tf.tidy(() => optimizer.applyGradients([{ variable: v, gradient: tf.tensor1d(g) }]));
    step([0.5, -1, 0.25]);
    const saved = await optimizer.getWeights(); // after step 1
    const afterOne = await values(v);
    step([0.2, 0.4, -0.6]);
    const afterTwo = await values(v);
    step([-0.3, 0.1, 0.05]);
    await optimizer.setWeights(saved);
    v.assign(tf.tensor1d(afterOne));
    step([0.2, 0.4, -0.6]);
    expect(await values(v)).toEqual(afterTwo);
    // and a fresh optimizer restored to step 1 continues exactly as well
    const fresh = nadam({ learningRate: 0.02 });
    await fresh.setWeights(saved);
    v.assign(tf.tensor1d(afterOne));
    tf.tidy(() => fresh.applyGradients([{ variable: v, gradient: tf.tensor1d([0.2, 0.4, -0.6]) }]));
    expect(await values(v)).toEqual(afterTwo);
    tf.dispose(saved.map((s) => s.tensor));
    for (const o of [optimizer, fresh]) o.dispose();
    v.dispose();
  });
});

describe('names and configs', () => {
  it('round-trips every optimizer through the registry with Keras and TensorFlow.js names', () => {
    for (const name of [
      'adagrad',
      'adadelta',
      'rmsprop',
      'RMSprop',
      'adamax',
      'nadam',
      'adamw',
      'adam',
      'sgd',
    ]) {
      const optimizer = create<OptimizerBase>('optimizer', name);
      const again = create<OptimizerBase>('optimizer', {
        className: optimizer.className,
        config: optimizer.getConfig(),
      });
      expect(again.getConfig()).toEqual(optimizer.getConfig());
    }
    const tfjs = create<RMSprop>('optimizer', {
      className: 'RMSProp',
      config: { learningRate: 0.1, decay: 0.8, centered: true },
    });
    expect([tfjs.rho, tfjs.centered]).toEqual([0.8, true]);
    expect(create<AdamW>('optimizer', 'AdamW').weightDecay).toBe(0.004);
    expect(new RMSprop({ momentum: 0.5, centered: true }).getConfig()).toMatchObject({
      momentum: 0.5,
      centered: true,
    });
  });
});
