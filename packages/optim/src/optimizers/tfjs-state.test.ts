/**
 * Optimizer state in TensorFlow.js's form: SGD with momentum keeps tfjs-core's accumulation (and
 * still follows Keras's update when the learning rate changes), RMSprop saves tfjs-core's slot
 * layout in every configuration.
 */
import { create, type NamedTensor, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosineDecay, exponentialDecay, piecewiseConstantDecay } from '../schedules/decay.js';
import { expectClose, leakedBy, useCpu, values } from '../test-utils/setup.js';
import { setFusedUpdates } from './fused.js';
import type { OptimizerBase } from './optimizer.js';
import { type RMSprop, rmsprop } from './rmsprop.js';
import { type SGD, type SGDArgs, sgd } from './sgd.js';

beforeAll(useCpu);

const initial = [1, -2, 0.5, 3];
const gradients = [
  [0.5, -1, 0.25, 2],
  [0.2, 0.4, -0.6, 1.5],
  [-0.3, 0.1, 0.05, -1],
  [0.7, -0.2, 0.3, 0.1],
];
/** The gradient of step `t` (0-based): the four above, again and again. */
const gradientAt = (t: number) => gradients[t % gradients.length];

/** Renames the variable part of state entries (`old/slot` to `new/slot`). */
function renamed(state: NamedTensor[], from: string, to: string): NamedTensor[] {
  return state.map((s) => ({ name: s.name.replace(`${from}/`, `${to}/`), tensor: s.tensor }));
}

/** `steps` updates of `optimizer` on `variable`; `beforeStep(t)` runs before update `t`. */
function train(
  optimizer: OptimizerBase,
  variable: tf.Variable,
  from: number,
  to: number,
  beforeStep?: (t: number) => void,
) {
  for (let t = from; t < to; t++) {
    beforeStep?.(t);
    tf.tidy(() => optimizer.applyGradients([{ variable, gradient: tf.tensor(gradientAt(t)) }]));
  }
}

/** Keras's SGD in float64 with the learning rate of each step: `v = m v - lr g`, `w = w + v`. */
function kerasSgd(rates: number[], momentum: number, nesterov: boolean): number[] {
  const w = [...initial];
  const v = w.map(() => 0);
  rates.forEach((lr, t) => {
    const g = gradientAt(t);
    for (let i = 0; i < w.length; i++) {
      v[i] = momentum * v[i] - lr * g[i];
      w[i] += nesterov ? momentum * v[i] - lr * g[i] : v[i];
    }
  });
  return w;
}

describe('sgd with momentum keeps TensorFlow.js state', () => {
  it.each([false, true])(
    'saves as tfjs-core Momentum, with its accumulation (nesterov %s)',
    async (nesterov) => {
      const optimizer = sgd({ learningRate: 0.05, momentum: 0.8, nesterov });
      expect(optimizer.className).toBe('Momentum');
      expect(optimizer.getConfig()).toEqual({ learningRate: 0.05, momentum: 0.8, useNesterov: nesterov });
      const reference = tf.train.momentum(0.05, 0.8, nesterov);
      const ours = tf.variable(tf.tensor(initial), true, 'ours_weight');
      const theirs = tf.variable(tf.tensor(initial), true, 'tfjs_weight');
      for (let t = 0; t < 3; t++) {
        tf.tidy(() => reference.applyGradients([{ name: theirs.name, tensor: tf.tensor(gradientAt(t)) }]));
      }
      train(optimizer, ours, 0, 3);
      const [ourState, theirState] = [await optimizer.getWeights(), await reference.getWeights()];
      expect(ourState.map((s) => s.name)).toEqual(['iter', 'ours_weight/momentum']);
      expect(theirState.map((s) => s.name)).toEqual(['iter', 'tfjs_weight/momentum']);
      expectClose(await values(ourState[1].tensor), await values(theirState[1].tensor));
      expect(await values(ourState[0].tensor)).toEqual([3]);
      tf.dispose([ours, theirs, ...ourState.map((s) => s.tensor)]);
      optimizer.dispose();
      reference.dispose();
    },
  );

  it('plain sgd keeps its class name, config and empty state', async () => {
    const plain = sgd({ learningRate: 0.1 });
    expect(plain.className).toBe('SGD');
    expect(plain.getConfig()).toEqual({ learningRate: 0.1, momentum: 0, nesterov: false });
    const momentum = create<SGD>('optimizer', {
      className: 'Momentum',
      config: sgd({ momentum: 0.5 }).getConfig(),
    });
    expect([momentum.momentum, momentum.nesterov, momentum.learningRate]).toEqual([0.5, false, 0.01]);
  });

  const varying: Array<[string, () => SGDArgs['learningRate'], (t: number, o: SGD) => void]> = [
    [
      'an exponential decay',
      () => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }),
      () => {},
    ],
    // 0.1 for two steps, 0 for two (the velocity coasts), then 0.05.
    [
      'a step schedule through 0',
      () => piecewiseConstantDecay({ boundaries: [1, 3], values: [0.1, 0, 0.05] }),
      () => {},
    ],
    // Warm-up from 0, then a cosine decay to 0 that stays there.
    [
      'a warm-up from 0 and a decay to 0',
      () => cosineDecay({ initialLearningRate: 0, warmupTarget: 0.1, warmupSteps: 2, decaySteps: 3 }),
      () => {},
    ],
    // reduceLROnPlateau-style changes of a constant rate, 0 included.
    [
      'a constant rate set between steps',
      () => 0.1,
      (t, o) => {
        const rates: Record<number, number> = { 2: 0.02, 4: 0.03, 5: 0, 6: 0.05 };
        if (rates[t] !== undefined) o.learningRate = rates[t];
      },
    ],
  ];

  it.each(varying)("follows Keras's update under %s, fused or not", async (_, learningRate, beforeStep) => {
    for (const [nesterov, fused] of [
      [false, true],
      [true, true],
      [false, false],
      [true, false],
    ]) {
      setFusedUpdates(fused);
      const optimizer = sgd({ learningRate: learningRate(), momentum: 0.9, nesterov });
      const variable = tf.variable(tf.tensor(initial));
      const rates: number[] = [];
      train(optimizer, variable, 0, 8, (t) => {
        beforeStep(t, optimizer);
        rates.push(optimizer.learningRate);
      });
      setFusedUpdates(true);
      expect(rates.some((r) => r !== rates[0])).toBe(true);
      expectClose(await values(variable), kerasSgd(rates, 0.9, nesterov));
      variable.dispose();
      optimizer.dispose();
    }
  });

  it.each(varying)('resumes exactly from state saved under %s', async (_, learningRate, beforeStep) => {
    // Not saved where a constant rate is exactly 0: the momentum is lost there (see SGD's comment).
    for (const stop of [1, 3, 4, 7]) {
      const straight = sgd({ learningRate: learningRate(), momentum: 0.9 });
      const w1 = tf.variable(tf.tensor(initial));
      train(straight, w1, 0, 8, (t) => beforeStep(t, straight));

      const first = sgd({ learningRate: learningRate(), momentum: 0.9 });
      const w2 = tf.variable(tf.tensor(initial));
      train(first, w2, 0, stop, (t) => beforeStep(t, first));
      if (stop === 4) beforeStep(stop, first); // a new rate set just before saving
      const saved = await first.getWeights();
      const resumed = create<SGD>('optimizer', { className: first.className, config: first.getConfig() });
      await resumed.setWeights(saved);
      tf.dispose(saved.map((s) => s.tensor));
      train(resumed, w2, stop, 8, (t) => {
        if (t !== 4 || stop !== 4) beforeStep(t, resumed);
      });
      expect(await values(w2)).toEqual(await values(w1));
      tf.dispose([w1, w2]);
      for (const o of [straight, first, resumed]) o.dispose();
    }
  });

  it('rescales its state without leaking when the rate changes', async () => {
    const optimizer = sgd({ learningRate: 0.1, momentum: 0.9 });
    const variable = tf.variable(tf.tensor(initial));
    train(optimizer, variable, 0, 2);
    const leaked = await leakedBy(() => {
      optimizer.learningRate = 0.05;
      train(optimizer, variable, 2, 3);
    });
    expect(leaked).toBe(0);
    variable.dispose();
    optimizer.dispose();
  });
});

describe('rmsprop saves TensorFlow.js state', () => {
  const configurations = [
    [0, false],
    [0.5, false],
    [0, true],
    [0.5, true],
  ] as const;

  it.each(configurations)(
    'momentum %s, centered %s: slots rms, momentum, then mg',
    async (momentum, centered) => {
      const optimizer = rmsprop({ learningRate: 0.01, momentum, centered });
      const a = tf.variable(tf.ones([2]), true, 'a_var');
      const b = tf.variable(tf.ones([3]), true, 'b_var');
      tf.tidy(() =>
        optimizer.applyGradients([
          { variable: a, gradient: tf.ones([2]) },
          { variable: b, gradient: tf.ones([3]) },
        ]),
      );
      const reference = tf.train.rmsprop(0.01, 0.9, momentum, 1e-7, centered);
      tf.tidy(() =>
        reference.applyGradients([
          { name: a.name, tensor: tf.ones([2]) },
          { name: b.name, tensor: tf.ones([3]) },
        ]),
      );
      const ours = await optimizer.getWeights();
      const theirs = await reference.getWeights();
      expect(ours.map((s) => s.name)).toEqual(theirs.map((s) => s.name));
      expect(ours.map((s) => s.name)).toEqual([
        'iter',
        'a_var/rms',
        'b_var/rms',
        'a_var/momentum',
        'b_var/momentum',
        ...(centered ? ['a_var/mg', 'b_var/mg'] : []),
      ]);
      // Without momentum, tensorfold keeps no momentum slot and saves zeros.
      if (momentum === 0) expect(await values(ours[3].tensor)).toEqual([0, 0]);
      tf.dispose([a, b, ...ours.map((s) => s.tensor)]);
      optimizer.dispose();
      reference.dispose();
    },
  );

  it("restores tfjs-core's state, momentum slot included, and continues as tfjs-core does", async () => {
    for (const momentum of [0, 0.5]) {
      const theirs = tf.variable(tf.tensor(initial), true, 'tfjs_rms_weight');
      const ours = tf.variable(tf.tensor(initial), true, 'ours_rms_weight');
      const reference = tf.train.rmsprop(0.01, 0.8, momentum, 1e-7);
      const step = (t: number) =>
        tf.tidy(() => reference.applyGradients([{ name: theirs.name, tensor: tf.tensor(gradientAt(t)) }]));
      step(0);
      step(1);
      ours.assign(theirs);
      const optimizer = create<RMSprop>('optimizer', { className: 'RMSProp', config: reference.getConfig() });
      const saved = await reference.getWeights();
      const leaked = await leakedBy(() => optimizer.setWeights(renamed(saved, theirs.name, ours.name)));
      expect(leaked).toBe(momentum === 0 ? 1 : 2); // the kept slots, one per kept slot of the variable
      step(2);
      train(optimizer, ours, 2, 3);
      expectClose(await values(ours), await values(theirs));
      tf.dispose([theirs, ours]);
      optimizer.dispose();
      reference.dispose();
    }
  });

  it('still refuses slots that are not its own, and reads state saved without the momentum slot', async () => {
    const optimizer = rmsprop();
    await expect(optimizer.setWeights([{ name: 'w/m', tensor: tf.ones([2]) }])).rejects.toThrow(
      /not a slot of this RMSProp \(its slots: rms, momentum\)/,
    );
    const rms = tf.ones([2]);
    await optimizer.setWeights([{ name: 'w/rms', tensor: rms }]);
    rms.dispose();
    expect((await optimizer.getWeights()).map((s) => s.name)).toEqual(['iter', 'w/rms', 'w/momentum']);
    optimizer.dispose();
  });
});
