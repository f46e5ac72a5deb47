import * as tfl from '@tensorflow/tfjs-layers';
import {
  ConfigError,
  input,
  model,
  ShapeError,
  type SymbolicTensor,
  sequential,
  setSeed,
  tf,
} from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import { GRU, gru } from './gru.js';
import { LSTM, lstm } from './lstm.js';
import { SimpleRNN, simpleRNN } from './simple-rnn.js';

beforeAll(useCpu);

type Factory = (args: Record<string, unknown>) => SimpleRNN | LSTM | GRU;
type TheirFactory = (args: Record<string, unknown>) => tfl.layers.Layer;

const kinds: Array<{ name: string; ours: Factory; theirs: TheirFactory; gates: number; states: number }> = [
  {
    name: 'simpleRNN',
    ours: (a) => new SimpleRNN(a as never),
    theirs: (a) => tfl.layers.simpleRNN(a as never),
    gates: 1,
    states: 1,
  },
  {
    name: 'lstm',
    ours: (a) => new LSTM(a as never),
    theirs: (a) => tfl.layers.lstm(a as never),
    gates: 4,
    states: 2,
  },
  {
    name: 'gru',
    ours: (a) => new GRU(a as never),
    theirs: (a) => tfl.layers.gru(a as never),
    gates: 3,
    states: 1,
  },
];

/** A [batch, steps] mask: sample 0 fully real, sample 1 padded after 2 steps, others real except step 1. */
function sampleMask(batch: number, steps: number): tf.Tensor {
  const values: boolean[] = [];
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < steps; t++) values.push(b === 0 ? true : b === 1 ? t < 2 : t !== 1);
  return tf.tensor2d(values, [batch, steps], 'bool');
}

describe('recurrent layers: contract', () => {
  for (const kind of kinds) {
    it(`${kind.name}: shapes, weights, parameter count, config round trip`, () => {
      const layer = kind.ours({ units: 3, returnSequences: true, returnState: true, inputShape: [5, 2] });
      const m = sequential({ layers: [kind.ours({ units: 3, inputShape: [5, 2] })] });
      expect(layer.computeOutputShape([null, 5, 2])).toEqual([
        [null, 5, 3],
        ...Array(kind.states).fill([null, 3]),
      ]);
      expect(kind.ours({ units: 3 }).computeOutputShape([null, 5, 2])).toEqual([null, 3]);
      const built = m.layers[0];
      expect(built.weights.map((w) => [w.name, w.shape])).toEqual([
        ['kernel', [2, kind.gates * 3]],
        ['recurrent_kernel', [3, kind.gates * 3]],
        ['bias', [kind.gates * 3]],
      ]);
      expect(built.countParams()).toBe(kind.gates * (3 * (2 + 3) + 3));
      const config = layer.getConfig();
      expect(kind.ours({ ...config, name: `${kind.name}_copy` }).getConfig()).toEqual({
        ...config,
        name: `${kind.name}_copy`,
      });
      expect(() => kind.ours({ units: 0 })).toThrow(ConfigError);
      expect(() => kind.ours({ units: 2, dropout: 1 })).toThrow(ConfigError);
      expect(() => kind.ours({ units: 2, stateful: true })).toThrow(/not supported/);
      expect(() => kind.ours({ units: 2 }).apply(tf.zeros([2, 3]))).toThrow(ShapeError);
    });
  }

  it('lstm starts its forget-gate bias at 1 (unitForgetBias); gru resetAfter has a [2, 3 units] bias', async () => {
    const l = lstm({ units: 2 });
    l.apply(tf.zeros([1, 1, 1])).dispose();
    expect(Array.from(await l.bias!.read().data())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    const g = gru({ units: 2, resetAfter: true });
    g.apply(tf.zeros([1, 1, 3])).dispose();
    expect(g.bias!.shape).toEqual([2, 6]);
    expect(g.countParams()).toBe(3 * 2 * (3 + 2) + 12);
  });
});

describe('recurrent layers: values by hand', () => {
  it('simpleRNN: h_t = tanh(x_t w + h_{t-1} u + b)', async () => {
    const layer = simpleRNN({ units: 1, returnSequences: true });
    layer.apply(tf.zeros([1, 3, 1])).dispose();
    layer.setWeights([tf.tensor2d([[0.5]]), tf.tensor2d([[0.8]]), tf.tensor1d([0.1])]);
    const y = Array.from(await layer.apply(tf.tensor3d([[[1], [2], [-1]]])).data());
    let h = 0;
    const expected = [1, 2, -1].map((x) => (h = Math.tanh(0.5 * x + 0.8 * h + 0.1)));
    for (const [i, v] of y.entries()) expect(v).toBeCloseTo(expected[i], 6);
  });

  it('lstm: the gate equations with one unit', async () => {
    const layer = lstm({ units: 1, returnState: true });
    tf.dispose(layer.apply(tf.zeros([1, 2, 1])));
    // Gates i, f, c, o.
    const w = [0.3, -0.2, 0.5, 0.7];
    const u = [0.1, 0.4, -0.3, 0.2];
    const b = [0.05, 1, 0, -0.1];
    layer.setWeights([tf.tensor2d([w]), tf.tensor2d([u]), tf.tensor1d(b)]);
    const [out, hT, cT] = layer.apply(tf.tensor3d([[[1], [-2]]])) as unknown as tf.Tensor[];
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    let h = 0;
    let c = 0;
    for (const x of [1, -2]) {
      const z = w.map((wk, k) => wk * x + u[k] * h + b[k]);
      c = s(z[1]) * c + s(z[0]) * Math.tanh(z[2]);
      h = s(z[3]) * Math.tanh(c);
    }
    expect((await out.data())[0]).toBeCloseTo(h, 6);
    expect((await hT.data())[0]).toBeCloseTo(h, 6);
    expect((await cT.data())[0]).toBeCloseTo(c, 6);
  });

  it('gru: both forms of the reset gate with one unit', async () => {
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    const w = [0.3, -0.2, 0.5];
    const u = [0.1, 0.4, -0.3];
    const b = [0.05, 0.2, -0.1];
    const rb = [0.3, -0.4, 0.25];
    for (const resetAfter of [false, true]) {
      const layer = gru({ units: 1, resetAfter });
      layer.apply(tf.zeros([1, 2, 1])).dispose();
      layer.setWeights([
        tf.tensor2d([w]),
        tf.tensor2d([u]),
        resetAfter ? tf.tensor2d([b, rb]) : tf.tensor1d(b),
      ]);
      const y = (await layer.apply(tf.tensor3d([[[1], [-2]]])).data())[0];
      let h = 0;
      for (const x of [1, -2]) {
        const recurrent = (k: number) => u[k] * h + (resetAfter ? rb[k] : 0);
        const z = s(w[0] * x + b[0] + recurrent(0));
        const r = s(w[1] * x + b[1] + recurrent(1));
        const candidate = resetAfter
          ? Math.tanh(w[2] * x + b[2] + r * recurrent(2))
          : Math.tanh(w[2] * x + b[2] + u[2] * (r * h));
        h = z * h + (1 - z) * candidate;
      }
      expect(y, `resetAfter ${resetAfter}`).toBeCloseTo(h, 6);
    }
  });
});

describe('recurrent layers: gradients (finite differences)', () => {
  for (const kind of kinds) {
    it(`${kind.name}: inputs, kernels, biases, initial states; with masks, goBackwards, returnSequences and returnState`, async () => {
      setSeed(11);
      const x = seededUniform([3, 4, 2], 1);
      await checkGradients(kind.ours({ units: 3 }), x);
      await checkGradients(kind.ours({ units: 2, returnSequences: true, goBackwards: true }), x);
      await checkGradients(kind.ours({ units: 2, returnSequences: true, returnState: true }), x, {
        callOptions: { mask: sampleMask(3, 4) },
      });
      const states = Array.from({ length: kind.states }, (_, i) => seededUniform([3, 2], 5 + i));
      await checkGradients(kind.ours({ units: 2, returnState: true }), [x, ...states]);
      // An activation without an output-form derivative takes tfjs's automatic differentiation.
      await checkGradients(kind.ours({ units: 2, activation: 'swish', returnSequences: true }), x);
    });
  }

  it('gru resetAfter: gradients, with masks', async () => {
    const x = seededUniform([3, 4, 2], 2);
    await checkGradients(gru({ units: 3, resetAfter: true, returnSequences: true }), x, {
      callOptions: { mask: sampleMask(3, 4) },
    });
    await checkGradients(gru({ units: 2, resetAfter: true, recurrentActivation: 'hardSigmoid' }), x);
  });
});

describe('recurrent layers: oracle (tfjs-layers)', () => {
  const options: Array<Record<string, unknown>> = [
    { units: 3 },
    { units: 3, returnSequences: true },
    { units: 2, returnSequences: true, goBackwards: true, activation: 'relu' },
    { units: 2, returnState: true, useBias: false, recurrentActivation: 'hardSigmoid' },
    { units: 2, returnSequences: true, activation: 'elu' },
  ];
  for (const kind of kinds) {
    it(`${kind.name} matches in inference and training over options, with and without masks`, async () => {
      for (const args of options) {
        const theirArgs: Record<string, unknown> = { recurrentInitializer: 'glorotUniform', ...args };
        if (kind.name !== 'simpleRNN' && !('recurrentActivation' in args))
          theirArgs.recurrentActivation = 'sigmoid';
        if (kind.name === 'simpleRNN') delete theirArgs.recurrentActivation;
        const ours = { ...args };
        if (kind.name === 'simpleRNN') delete ours.recurrentActivation;
        for (const training of [false, true]) {
          const x = seededUniform([3, 5, 2], 3);
          await compareWithTfjs(kind.ours(ours), kind.theirs(theirArgs), x, { training, atol: 2e-5 });
          const mask = sampleMask(3, 5);
          await compareWithTfjs(kind.ours(ours), kind.theirs(theirArgs), x, {
            training,
            atol: 2e-5,
            ourCallOptions: { mask },
            theirCallOptions: { mask },
          });
        }
      }
    });
  }
});

describe('recurrent layers: gru resetAfter against a plain reference', () => {
  it('matches step-by-step Keras equations, outputs and gradients', async () => {
    const layer = gru({ units: 3, resetAfter: true, returnSequences: true });
    const x = seededUniform([2, 4, 2], 4);
    const out = layer.apply(x);
    const [kernel, recurrentKernel, bias] = layer.weights.map((w) => w.read());
    const reference = (xs: tf.Tensor) =>
      tf.tidy(() => {
        const u = 3;
        const bi = tf.reshape(tf.slice(bias, [0, 0], [1, 9]), [9]);
        const br = tf.reshape(tf.slice(bias, [1, 0], [1, 9]), [9]);
        let h: tf.Tensor = tf.zeros([2, u]);
        const outs: tf.Tensor[] = [];
        for (let t = 0; t < 4; t++) {
          const xt = tf.reshape(tf.slice(xs, [0, t, 0], [2, 1, 2]), [2, 2]);
          const xp = tf.add(tf.matMul(xt, kernel), bi);
          const rec = tf.add(tf.matMul(h, recurrentKernel), br);
          const [xz, xr, xh] = tf.split(xp, 3, 1);
          const [rz, rr, rh] = tf.split(rec, 3, 1);
          const z = tf.sigmoid(tf.add(xz, rz));
          const r = tf.sigmoid(tf.add(xr, rr));
          const hh = tf.tanh(tf.add(xh, tf.mul(r, rh)));
          h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
          outs.push(h);
        }
        return tf.stack(outs, 1);
      });
    expect(await maxAbsDiff(out, reference(x))).toBeLessThan(1e-6);
    const r = seededUniform([2, 4, 3], 5);
    const ours = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v), r)))(x);
    const theirs = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(reference(v), r)))(x);
    expect(await maxAbsDiff(ours, theirs)).toBeLessThan(1e-5);
  });
});

describe('recurrent layers: dropout', () => {
  it('uses one input mask for all steps (as Keras): constant inputs give a constant projection', async () => {
    // With no recurrence (zero recurrent kernel) and linear activation, output_t = (x ⊙ mask) W.
    const layer = simpleRNN({
      units: 4,
      activation: 'linear',
      dropout: 0.5,
      returnSequences: true,
      seed: 1,
      useBias: false,
    });
    layer.apply(tf.zeros([2, 5, 6])).dispose();
    layer.setWeights([tf.eye(6, 4), tf.zeros([4, 4])]);
    const y = (await layer.apply(tf.ones([2, 5, 6]), { training: true }).array()) as number[][][];
    for (const sample of y) for (const step of sample) expect(step).toEqual(sample[0]);
    expect(y[0][0].some((v) => v === 0)).toBe(true);
    expect(y[0][0].some((v) => v === 2)).toBe(true);
  });

  it('same seed, same masks; at inference no dropout', async () => {
    const x = seededUniform([2, 4, 3], 6);
    const a = lstm({ units: 3, dropout: 0.3, recurrentDropout: 0.3, seed: 5 });
    const b = lstm({ units: 3, dropout: 0.3, recurrentDropout: 0.3, seed: 5 });
    a.apply(x).dispose();
    b.apply(x).dispose();
    b.setWeights(a.getWeights());
    expect(await maxAbsDiff(a.apply(x, { training: true }), b.apply(x, { training: true }))).toBe(0);
    const c = lstm({ units: 3, dropout: 0.3, recurrentDropout: 0.3, seed: 6 });
    c.apply(x).dispose();
    c.setWeights(a.getWeights());
    expect(await maxAbsDiff(a.apply(x, { training: true }), c.apply(x, { training: true }))).toBeGreaterThan(
      0,
    );
    const plain = lstm({ units: 3 });
    plain.apply(x).dispose();
    plain.setWeights(a.getWeights());
    expect(await maxAbsDiff(a.apply(x), plain.apply(x))).toBe(0);
  });

  it('recurrent dropout gradients are exact for a given mask (the recurrences take it as input)', async () => {
    const { lstmRecurrence } = await import('./lstm-recurrence.js');
    const { gruRecurrence } = await import('./gru-recurrence.js');
    const { simpleRnnRecurrence } = await import('./simple-rnn-recurrence.js');
    const { getActivation } = await import('../../activations/registry.js');
    // Layout inside the recurrences: features × batch (3 units, 2 samples, 3 steps).
    const mask = tf.transpose(
      tf.tensor2d([
        [2, 0, 2],
        [0, 2, 2],
      ]),
    );
    // Sample 1 is padding at step 1.
    const stepMask = tf.transpose(
      tf.tensor3d([
        [
          [1, 1, 1],
          [1, 1, 1],
        ],
        [
          [1, 1, 1],
          [0, 0, 0],
        ],
        [
          [1, 1, 1],
          [1, 1, 1],
        ],
      ]),
      [0, 2, 1],
    );
    const tanh = getActivation('tanh');
    const sigmoid = getActivation('sigmoid');
    const cases: Array<[number, (p: tf.Tensor, k: tf.Tensor, s: tf.Tensor[]) => tf.Tensor]> = [
      [
        1,
        (p, k, s) =>
          simpleRnnRecurrence(
            {
              inputProjection: p as tf.Tensor3D,
              recurrentKernel: k as tf.Tensor2D,
              initialStates: s as tf.Tensor2D[],
              mask: stepMask as tf.Tensor3D,
              recurrentMask: mask as tf.Tensor2D,
            },
            tanh,
          ).sequence,
      ],
      [
        4,
        (p, k, s) =>
          lstmRecurrence(
            {
              inputProjection: p as tf.Tensor3D,
              recurrentKernel: k as tf.Tensor2D,
              initialStates: [s[0], s[0]] as tf.Tensor2D[],
              mask: stepMask as tf.Tensor3D,
              recurrentMask: mask as tf.Tensor2D,
            },
            tanh,
            sigmoid,
          ).sequence,
      ],
      [
        3,
        (p, k, s) =>
          gruRecurrence(
            {
              inputProjection: p as tf.Tensor3D,
              recurrentKernel: k as tf.Tensor2D,
              initialStates: s as tf.Tensor2D[],
              mask: stepMask as tf.Tensor3D,
              recurrentMask: mask as tf.Tensor2D,
              recurrentBias: null,
            },
            tanh,
            sigmoid,
          ).sequence,
      ],
    ];
    for (const [gates, run] of cases) {
      const p = seededUniform([3, gates * 3, 2], 7);
      const k = seededUniform([3, gates * 3], 8);
      const h0 = seededUniform([3, 2], 9);
      const r = seededUniform([3, 3, 2], 10);
      const loss = (pp: tf.Tensor, kk: tf.Tensor, hh: tf.Tensor) => tf.sum(tf.mul(run(pp, kk, [hh]), r));
      const grads = tf.grads(loss)([p, k, h0]);
      const eps = 1e-2;
      for (const [index, t] of [p, k, h0].entries()) {
        const base = await t.data();
        const analytic = await grads[index].data();
        for (let e = 0; e < base.length; e += 3) {
          const plus = Float32Array.from(base);
          plus[e] += eps;
          const minus = Float32Array.from(base);
          minus[e] -= eps;
          const args = (v: Float32Array) =>
            [p, k, h0].map((orig, j) => (j === index ? tf.tensor(v, orig.shape) : orig));
          const [a1, b1, c1] = args(plus);
          const [a2, b2, c2] = args(minus);
          const numeric =
            ((await loss(a1, b1, c1).data())[0] - (await loss(a2, b2, c2).data())[0]) / (2 * eps);
          expect(Math.abs(analytic[e] - numeric), `gates ${gates}, input ${index}[${e}]`).toBeLessThan(
            2e-3 + 2e-2 * Math.abs(numeric),
          );
        }
      }
    }
  });
});

describe('recurrent layers: in models', () => {
  it('do not leak in forward and backward passes', async () => {
    for (const kind of kinds) {
      const layer = kind.ours({ units: 3, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2 });
      const x = seededUniform([2, 4, 2], 11);
      const mask = sampleMask(2, 4);
      expect(await leakedTensors(() => layer.apply(x, { mask }))).toBe(0);
      expect(
        await leakedTensors(() =>
          tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v, { training: true, mask }) as tf.Tensor))(x),
        ),
        kind.name,
      ).toBe(0);
    }
  });

  it('stack, and take initial states as extra inputs in functional models', async () => {
    const x = input({ shape: [5, 2] });
    const [seq, h, c] = lstm({ units: 4, returnSequences: true, returnState: true }).apply(
      x,
    ) as unknown as SymbolicTensor[];
    const y = lstm({ units: 4 }).apply([seq, h, c]) as SymbolicTensor;
    const m = model({ inputs: x, outputs: dense({ units: 1 }).apply(y) as SymbolicTensor });
    const out = m.predict(seededUniform([3, 5, 2], 12)) as tf.Tensor;
    expect(out.shape).toEqual([3, 1]);
    // 4 (4 (2 + 4) + 4) + 4 (4 (4 + 4) + 4) + 5
    expect(m.summary({ print: () => {} })).toContain('Total params: 261');
  });

  it('save and load both ways with tfjs-layers', async () => {
    const x = seededUniform([2, 6, 3], 13);
    const ours = sequential({
      layers: [
        lstm({ units: 4, returnSequences: true, inputShape: [6, 3] }),
        gru({ units: 3, returnSequences: true, goBackwards: true }),
        simpleRNN({ units: 2, activation: 'relu' }),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.gru({
          units: 3,
          returnSequences: true,
          inputShape: [6, 3],
          recurrentInitializer: 'glorotUniform',
        }),
        tfl.layers.lstm({ units: 2, recurrentInitializer: 'glorotUniform' }),
      ],
    });
    const loaded = await expectLoadsFromTfjs(theirs, x);
    // tfjs-layers' hardSigmoid default came along in the config.
    expect((loaded.layers[1] as LSTM).recurrentActivation.className).toBe('hardSigmoid');
  });

  it('gru resetAfter round-trips through tensorfold', async () => {
    const { modelFromArtifacts, modelToArtifacts } = await import('@tensorfold/core');
    const m = sequential({ layers: [gru({ units: 3, resetAfter: true, inputShape: [4, 2] })] });
    const x = seededUniform([2, 4, 2], 14);
    const loaded = await modelFromArtifacts(await modelToArtifacts(m));
    expect(await maxAbsDiff(m.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor)).toBe(0);
  });

  for (const backend of testBackends()) {
    it(`train on ${backend}`, async () => {
      for (const kind of kinds) {
        await expectTrains(
          backend,
          () =>
            sequential({
              layers: [
                kind.ours({ units: 8, returnSequences: true, inputShape: [5, 1], recurrentDropout: 0.1 }),
                kind.ours({ units: 4 }),
                dense({ units: 1 }),
              ],
            }),
          () => {
            const x = seededUniform([32, 5, 1], 15);
            return { x, y: tf.reshape(tf.sum(x, [1, 2]), [32, 1]) };
          },
          { learningRate: 0.1 },
        );
      }
    });
  }
});
