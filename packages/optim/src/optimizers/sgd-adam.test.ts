import { ConfigError, create, ShapeError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { exponentialDecay } from '../schedules/decay.js';
import { referenceAdam, referenceSgd, runReference } from '../test-utils/reference-optimizers.js';
import { expectClose, useCpu, values } from '../test-utils/setup.js';
import { Adam, adam } from './adam.js';
import type { OptimizerBase } from './optimizer.js';
import { SGD, sgd } from './sgd.js';

beforeAll(useCpu);

const initial = [1, -2, 0.5, 3];
const gradients = [
  [0.5, -1, 0.25, 2],
  [0.2, 0.4, -0.6, 1.5],
  [-0.3, 0.1, 0.05, -1],
];

/** Three steps of `optimizer` on one variable; returns the final values. */
async function threeSteps(optimizer: OptimizerBase, shape = [2, 2]): Promise<number[]> {
  const v = tf.variable(tf.tensor(initial, shape));
  for (const g of gradients) {
    const grad = tf.tensor(g, shape);
    optimizer.applyGradients([{ variable: v, gradient: grad }]);
    grad.dispose();
  }
  const out = await values(v);
  v.dispose();
  optimizer.dispose();
  return out;
}

/** The same three steps through a tfjs-core optimizer. */
async function threeStepsTfjs(optimizer: tf.Optimizer): Promise<number[]> {
  const v = tf.variable(tf.tensor(initial, [2, 2]));
  for (const g of gradients) {
    const grad = tf.tensor(g, [2, 2]);
    optimizer.applyGradients([{ name: v.name, tensor: grad }]);
    grad.dispose();
  }
  const out = await values(v);
  v.dispose();
  optimizer.dispose();
  return out;
}

describe('sgd', () => {
  it('matches hand-computed plain, momentum and Nesterov updates over three steps', async () => {
    // Worked by hand for the first two elements (lr 0.1, momentum 0.9).
    expectClose((await threeSteps(sgd({ learningRate: 0.1 }))).slice(0, 2), [0.96, -1.95]);
    expectClose((await threeSteps(sgd({ learningRate: 0.1, momentum: 0.9 }))).slice(0, 2), [0.8565, -1.815]);
    expectClose(
      (await threeSteps(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }))).slice(0, 2),
      [0.83085, -1.7835],
    );
    expectClose(
      await threeSteps(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })),
      runReference(referenceSgd(0.1, 0.9, true), initial, gradients),
    );
  });

  it("matches tfjs-core's sgd and momentum optimizers", async () => {
    expectClose(await threeSteps(sgd({ learningRate: 0.05 })), await threeStepsTfjs(tf.train.sgd(0.05)));
    expectClose(
      await threeSteps(sgd({ learningRate: 0.05, momentum: 0.8 })),
      await threeStepsTfjs(tf.train.momentum(0.05, 0.8)),
    );
    expectClose(
      await threeSteps(sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true })),
      await threeStepsTfjs(tf.train.momentum(0.05, 0.8, true)),
    );
  });
});

describe('adam', () => {
  it('matches the published update rule over three steps', async () => {
    expectClose(
      await threeSteps(adam({ learningRate: 0.1 })),
      runReference(referenceAdam(0.1), initial, gradients),
    );
    expectClose(
      await threeSteps(adam({ learningRate: 0.1, beta1: 0.5, beta2: 0.9, amsgrad: true })),
      runReference(referenceAdam(0.1, 0.5, 0.9, 1e-7, true), initial, gradients),
    );
  });

  it("matches tfjs-core's adam within 1e-6 over three steps, on several variables", async () => {
    const shapes = [[3, 4], [4], [2, 2, 3]];
    const make = () => shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 10 + i)));
    const grads = [0, 1, 2].map((step) =>
      shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 100 * step + i)),
    );
    const ours = make();
    const theirs = make();
    const optimizer = adam({ learningRate: 0.01 });
    const reference = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    for (const g of grads) {
      optimizer.applyGradients(ours.map((variable, i) => ({ variable, gradient: g[i] })));
      reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: g[i] })));
    }
    for (let i = 0; i < shapes.length; i++) expectClose(await values(ours[i]), await values(theirs[i]));
    expect(optimizer.iterations).toBe(3);
    tf.dispose([...ours, ...theirs, ...grads.flat()]);
    optimizer.dispose();
    reference.dispose();
  });

  it('leaves no tensors behind across steps', async () => {
    const v = tf.variable(tf.ones([5]));
    const g = tf.ones([5]);
    const optimizer = adam();
    optimizer.applyGradients([{ variable: v, gradient: g }]);
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) optimizer.applyGradients([{ variable: v, gradient: g }]);
    expect(tf.memory().numTensors).toBe(after1);
    optimizer.dispose();
    tf.dispose([v, g]);
  });
});

describe('optimizer state', () => {
  it('saves and restores state so that training resumes exactly', async () => {
    for (const make of [
      () => adam({ learningRate: 0.05 }),
      () => sgd({ learningRate: 0.05, momentum: 0.9 }),
    ]) {
      const straight = make();
      const w1 = tf.variable(tf.tensor(initial));
      for (const g of gradients)
        tf.tidy(() => straight.applyGradients([{ variable: w1, gradient: tf.tensor(g) }]));

      const first = make();
      const w2 = tf.variable(tf.tensor(initial));
      tf.tidy(() => first.applyGradients([{ variable: w2, gradient: tf.tensor(gradients[0]) }]));
      const saved = await first.getWeights();
      first.dispose();
      const resumed = make();
      await resumed.setWeights(saved);
      tf.dispose(saved.map((s) => s.tensor)); // the optimizer must have copied what it keeps
      expect(resumed.iterations).toBe(1);
      for (const g of gradients.slice(1))
        tf.tidy(() => resumed.applyGradients([{ variable: w2, gradient: tf.tensor(g) }]));
      expect(await values(w2)).toEqual(await values(w1));
      tf.dispose([w1, w2]);
      straight.dispose();
      resumed.dispose();
    }
  });

  it('names its state like TensorFlow.js: iter, then each slot of every variable', async () => {
    const a = tf.variable(tf.ones([2]), true, 'a_var');
    const b = tf.variable(tf.ones([3]), true, 'b_var');
    const optimizer = adam();
    tf.tidy(() =>
      optimizer.applyGradients([
        { variable: a, gradient: tf.ones([2]) },
        { variable: b, gradient: tf.ones([3]) },
      ]),
    );
    const state = await optimizer.getWeights();
    expect(state.map((s) => s.name)).toEqual(['iter', 'a_var/m', 'b_var/m', 'a_var/v', 'b_var/v']);
    expect(await values(state[0].tensor)).toEqual([1]);
    tf.dispose(state.map((s) => s.tensor));
    await expect(optimizer.setWeights([{ name: 'a_var/momentum', tensor: tf.ones([2]) }])).rejects.toThrow(
      /not a slot of this Adam/,
    );
    optimizer.dispose();
    tf.dispose([a, b]);
  });
});

describe('bad input changes nothing', () => {
  it('rejects a gradient of the wrong shape before updating any variable', async () => {
    const a = tf.variable(tf.ones([2]));
    const b = tf.variable(tf.ones([3]));
    const optimizer = sgd({ learningRate: 1 });
    const ga = tf.ones([2]);
    const gb = tf.ones([4]);
    expect(() =>
      optimizer.applyGradients([
        { variable: a, gradient: ga },
        { variable: b, gradient: gb },
      ]),
    ).toThrow(ShapeError);
    expect(await values(a)).toEqual([1, 1]);
    expect(optimizer.iterations).toBe(0);
    tf.dispose([a, b, ga, gb]);
  });

  it('rejects bad options with a ConfigError naming the option', () => {
    expect(() => adam({ beta1: 1 })).toThrow(/beta1 must be in \[0, 1\)/);
    expect(() => sgd({ learningRate: -1 })).toThrow(ConfigError);
    expect(() => sgd({ clipNorm: 1, clipValue: 1 })).toThrow(/only one of clipNorm, clipValue/);
    // the message shows what was given (JSON would print NaN and Infinity as null)
    expect(() => sgd({ learningRate: Number.NaN })).toThrow(/learningRate must be a number >= 0, got NaN\./);
    expect(() => adam({ epsilon: Number.POSITIVE_INFINITY })).toThrow(/got Infinity\./);
    expect(() => adam({ beta2: '0.9' as unknown as number })).toThrow(/got "0\.9"\./);
  });
});

describe('learning rate', () => {
  it('follows a schedule per update and refuses to be overwritten', async () => {
    const schedule = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    const optimizer = sgd({ learningRate: schedule });
    const v = tf.variable(tf.zeros([1]));
    const g = tf.ones([1]);
    expect(optimizer.learningRate).toBeCloseTo(0.1);
    for (let i = 0; i < 3; i++) optimizer.applyGradients([{ variable: v, gradient: g }]);
    expect(await values(v)).toEqual([expect.closeTo(-(0.1 + 0.05 + 0.025), 6)]);
    expect(optimizer.learningRate).toBeCloseTo(0.0125);
    expect(() => {
      optimizer.learningRate = 0.5;
    }).toThrow(/follows a ExponentialDecay learning-rate schedule/);
    tf.dispose([v, g]);
  });

  it('can be changed between steps when constant', async () => {
    const optimizer = sgd({ learningRate: 1 });
    const v = tf.variable(tf.zeros([1]));
    const g = tf.ones([1]);
    optimizer.applyGradients([{ variable: v, gradient: g }]);
    optimizer.learningRate = 0.25;
    optimizer.applyGradients([{ variable: v, gradient: g }]);
    expect(await values(v)).toEqual([-1.25]);
    tf.dispose([v, g]);
  });
});

describe('registry and config', () => {
  it('builds optimizers by name and from saved configs, Keras and TensorFlow.js spellings included', () => {
    expect(create('optimizer', 'adam')).toBeInstanceOf(Adam);
    expect(create('optimizer', 'sgd')).toBeInstanceOf(SGD);
    const fromKeras = create<SGD>('optimizer', {
      className: 'SGD',
      config: { learningRate: 0.2, momentum: 0.5, nesterov: true, clipnorm: 1, name: 'SGD' },
    });
    expect([fromKeras.learningRate, fromKeras.momentum, fromKeras.nesterov, fromKeras.clipNorm]).toEqual([
      0.2,
      0.5,
      true,
      1,
    ]);
    const fromTfjs = create<SGD>('optimizer', {
      className: 'Momentum',
      config: { learningRate: 0.1, momentum: 0.9, useNesterov: true },
    });
    expect([fromTfjs.momentum, fromTfjs.nesterov]).toEqual([0.9, true]);
    const a = adam({
      learningRate: exponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0.1 }),
    });
    const b = create<Adam>('optimizer', { className: a.className, config: a.getConfig() });
    expect(b.getConfig()).toEqual(a.getConfig());
  });
});

describe('state interchange with tfjs-core', () => {
  it("restores tf.train.adam's state and continues as it does, and the other way round", async () => {
    const rename = (state: Array<{ name: string; tensor: tf.Tensor }>, from: string, to: string) =>
      state.map((s) => ({ name: s.name.replace(from, to), tensor: s.tensor }));
    const theirs = tf.variable(tf.tensor(initial), true, 'tfjs_weight');
    const ours = tf.variable(tf.tensor(initial), true, 'tensorfold_weight');
    const reference = tf.train.adam(0.05);
    const optimizer = adam({ learningRate: 0.05 });
    const step = (g: number[]) =>
      tf.tidy(() => {
        reference.applyGradients([{ name: theirs.name, tensor: tf.tensor(g) }]);
        optimizer.applyGradients([{ variable: ours, gradient: tf.tensor(g) }]);
      });
    // tfjs-core trains first; its state moves into tensorfold's optimizer
    tf.tidy(() => reference.applyGradients([{ name: theirs.name, tensor: tf.tensor(gradients[0]) }]));
    ours.assign(theirs);
    const saved = await reference.getWeights();
    expect(saved.map((s) => s.name)).toEqual(['iter', 'tfjs_weight/m', 'tfjs_weight/v']);
    await optimizer.setWeights(rename(saved, 'tfjs_weight', 'tensorfold_weight'));
    step(gradients[1]);
    expectClose(await values(ours), await values(theirs));
    // and back: tensorfold's state into a fresh tfjs-core optimizer
    const back = tf.train.adam(0.05);
    const ourState = await optimizer.getWeights();
    await back.setWeights(rename(ourState, 'tensorfold_weight', 'tfjs_weight'));
    tf.tidy(() => back.applyGradients([{ name: theirs.name, tensor: tf.tensor(gradients[2]) }]));
    tf.tidy(() => optimizer.applyGradients([{ variable: ours, gradient: tf.tensor(gradients[2]) }]));
    expectClose(await values(ours), await values(theirs));
    tf.dispose([theirs, ours, ...ourState.map((s) => s.tensor)]);
    for (const o of [reference, back, optimizer]) o.dispose();
  });
});
