/**
 * Optimizer state interchange with `@tensorflow/tfjs-layers`: a model that tensorfold saves with its
 * optimizer loads in tfjs-layers with that optimizer and its state and trains on as tensorfold does,
 * and the other way round, for SGD (plain, momentum, Nesterov) and RMSprop (plain, momentum,
 * centered).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { type Model, modelFromArtifacts, modelToArtifacts, Random, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, useCpu, values } from '../test-utils/setup.js';
import { TfjsTestDense } from '../test-utils/tfjs-test-dense.js';
import { TestDense } from '../test-utils/toys.js';
import type { OptimizerBase } from './optimizer.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';

beforeAll(useCpu);

interface Case {
  /** tensorfold's optimizer. */
  ours: () => OptimizerBase;
  /** The same optimizer in tfjs-core. */
  theirs: () => tf.Optimizer;
  /** The class name both save it under. */
  className: string;
}

// tfjs-core's centered RMSprop divides by sqrt(ms - mg^2 - epsilon), tensorfold (as Keras) by
// sqrt(ms - mg^2 + epsilon): the centered cases use an epsilon too small for that to show.
const cases: Record<string, Case> = {
  sgd: { ours: () => sgd({ learningRate: 0.1 }), theirs: () => tf.train.sgd(0.1), className: 'SGD' },
  'sgd momentum': {
    ours: () => sgd({ learningRate: 0.1, momentum: 0.9 }),
    theirs: () => tf.train.momentum(0.1, 0.9),
    className: 'Momentum',
  },
  'sgd nesterov': {
    ours: () => sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true }),
    theirs: () => tf.train.momentum(0.05, 0.8, true),
    className: 'Momentum',
  },
  rmsprop: {
    ours: () => rmsprop({ learningRate: 0.01, rho: 0.8 }),
    theirs: () => tf.train.rmsprop(0.01, 0.8, 0, 1e-7),
    className: 'RMSProp',
  },
  'rmsprop momentum': {
    ours: () => rmsprop({ learningRate: 0.01, momentum: 0.5 }),
    theirs: () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7),
    className: 'RMSProp',
  },
  'rmsprop centered': {
    ours: () => rmsprop({ learningRate: 0.01, centered: true, epsilon: 1e-12 }),
    theirs: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-12, true),
    className: 'RMSProp',
  },
  'rmsprop centered momentum': {
    ours: () => rmsprop({ learningRate: 0.01, momentum: 0.7, centered: true, epsilon: 1e-12 }),
    theirs: () => tf.train.rmsprop(0.01, 0.9, 0.7, 1e-12, true),
    className: 'RMSProp',
  },
};

function normal(shape: [number, number], seed: number): tf.Tensor2D {
  const rng = new Random(seed);
  return tf.tensor2d(
    Float32Array.from({ length: shape[0] * shape[1] }, () => rng.normal()),
    shape,
  );
}

/** Two TestDense layers (four variables), whose names start with `prefix` (tfjs names must be new). */
function oursModel(prefix: string, optimizer: OptimizerBase): Model {
  const m = sequential({
    layers: [
      new TestDense({ name: `${prefix}_hidden`, units: 5, activation: 'sigmoid', inputShape: [4], seed: 1 }),
      new TestDense({ name: `${prefix}_out`, units: 3, seed: 2 }),
    ],
  });
  m.compile({ optimizer, loss: 'meanSquaredError' });
  return m;
}

function theirsModel(prefix: string, optimizer: tf.Optimizer): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      new TfjsTestDense({
        name: `${prefix}_hidden`,
        units: 5,
        activation: 'sigmoid',
        inputShape: [4],
        seed: 1,
      }),
      new TfjsTestDense({ name: `${prefix}_out`, units: 3, seed: 2 }),
    ],
  });
  m.compile({ optimizer, loss: 'meanSquaredError' });
  return m;
}

async function savedByTfjs(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  return saved as unknown as tf.io.ModelArtifacts;
}

/**
 * Trains both models on the same batch for `steps` (>= 2) steps; checks that neither leaks tensors
 * from the second step on and that their weights agree within 1e-6.
 */
async function expectSameTraining(ours: Model, theirs: tfl.LayersModel, steps: number): Promise<void> {
  const x = normal([6, 4], 11);
  const y = normal([6, 3], 12);
  let afterFirstStep = 0;
  for (let step = 0; step < steps; step++) {
    await ours.trainOnBatch(x, y);
    await theirs.trainOnBatch(x, y);
    if (step === 0) afterFirstStep = tf.memory().numTensors;
  }
  expect(tf.memory().numTensors).toBe(afterFirstStep);
  const theirWeights = theirs.getWeights();
  expect(ours.weights.length).toBe(theirWeights.length);
  for (const [i, w] of ours.weights.entries()) {
    expectClose(await values(w.read()), await values(theirWeights[i]), 1e-6);
  }
  tf.dispose([x, y]);
}

/** Frees both models and their optimizers (neither library's model owns an optimizer it was given). */
function disposeAll(ours: Model, theirs: tfl.LayersModel): void {
  ours.optimizer.dispose();
  ours.dispose();
  theirs.optimizer.dispose();
  theirs.dispose();
}

let models = 0;

// tfjs-layers itself leaves a tensor behind when it saves or loads an optimizer (its iteration
// count), so these tests check leaks while training, not across saving and loading.
describe('optimizer state in files that tfjs-layers reads and writes', () => {
  it.each(Object.entries(cases))(
    '%s: tensorfold saves, tfjs-layers loads it and trains on alike',
    async (_, c) => {
      const ours = oursModel(`to_tfjs_${models++}`, c.ours());
      const x = normal([6, 4], 1);
      const y = normal([6, 3], 2);
      for (let step = 0; step < 2; step++) await ours.trainOnBatch(x, y);
      const artifacts = await modelToArtifacts(ours, { includeOptimizer: true });
      const theirs = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
      expect(theirs.optimizer.getClassName()).toBe(c.className);
      expect(theirs.optimizer.iterations).toBe(2);
      await expectSameTraining(ours, theirs, 2);
      disposeAll(ours, theirs);
      tf.dispose([x, y]);
    },
  );

  it.each(Object.entries(cases))(
    '%s: tfjs-layers saves, tensorfold loads it and trains on alike',
    async (_, c) => {
      const theirs = theirsModel(`from_tfjs_${models++}`, c.theirs());
      const x = normal([6, 4], 3);
      const y = normal([6, 3], 4);
      for (let step = 0; step < 2; step++) await theirs.trainOnBatch(x, y);
      const ours = await modelFromArtifacts(await savedByTfjs(theirs));
      expect(ours.optimizer.className).toBe(c.className);
      expect(ours.optimizer.iterations).toBe(2);
      await expectSameTraining(ours, theirs, 2);
      disposeAll(ours, theirs);
      tf.dispose([x, y]);
    },
  );
});
