/**
 * In-place fused updates on WASM: the same bits as writing new buffers, for every rule; done only
 * where nothing else holds the buffers; no stale XNNPACK weights afterwards; no leaks.
 */
import { useBackend } from '@tensorfold/backend';
import {
  setDirectConvEnabled,
  setPaddedMatMulEnabled,
  setThreadedKernelsEnabled,
} from '@tensorfold/backend/testing';
import { type Model, Random, sequential, tf } from '@tensorfold/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import '../../index.js';
import { fusedConfigurations, seededNormal } from '../../test-utils/fused-configurations.js';
import { blobs, TestDense } from '../../test-utils/toys.js';
import { adam } from '../adam.js';
import type { OptimizerBase } from '../optimizer.js';
import { sgd } from '../sgd.js';
import { coefficientValues } from './fused-rule.js';
import { setInPlaceUpdates } from './in-place.js';
import { registeredRules } from './register.js';

const configurations = fusedConfigurations;

// 63 and 5 elements: SIMD for the first 60 and 4, the rule's loop for the rest.
const shapes = [[7, 9], [5], [2, 2, 2]];

const seeded = seededNormal;

/** Three steps on three variables: the final values and state, and whether each step kept the buffers. */
async function threeSteps(make: () => OptimizerBase): Promise<{ values: Float32Array[]; kept: boolean[] }> {
  const optimizer = make();
  const variables = shapes.map((s, i) => tf.tidy(() => tf.variable(seeded(s, 1 + i))));
  const kept: boolean[] = [];
  for (let step = 0; step < 3; step++) {
    const before = variables.map((v) => v.dataId);
    tf.tidy(() =>
      optimizer.applyGradients(
        variables.map((variable, i) => ({ variable, gradient: seeded(shapes[i], 100 * step + i) })),
      ),
    );
    kept.push(variables.every((v, i) => v.dataId === before[i]));
  }
  const state = await optimizer.getWeights();
  const values: Float32Array[] = [];
  for (const t of [...variables, ...state.map((s) => s.tensor)])
    values.push((await t.data()) as Float32Array);
  tf.dispose([...variables, ...state.map((s) => s.tensor)]);
  optimizer.dispose();
  return { values, kept };
}

beforeAll(() => useBackend('wasm'), 60_000);
afterEach(() => {
  setInPlaceUpdates(true);
  setThreadedKernelsEnabled(true);
  setPaddedMatMulEnabled(true);
  setDirectConvEnabled(true);
});
afterAll(() => useBackend('cpu'));

describe('every fused rule', () => {
  it.each(registeredRules().map((r) => [r.kernel, r] as const))(
    '%s: its loop computes the same bits when it writes over its inputs',
    (_, rule) => {
      const n = 11;
      const rng = new Random(5);
      const fresh = () =>
        Array.from({ length: 2 + rule.slots }, () =>
          Float32Array.from({ length: n }, () => rng.uniformIn(0.1, 2)),
        );
      const inputs = fresh();
      const named: Record<string, number> = { decay: 0.99 };
      for (const name of rule.coefficients) named[name] = rng.uniformIn(0.05, 0.9);
      const c = coefficientValues(rule, named);
      const expected = Array.from({ length: rule.slots + 1 }, () => new Float32Array(n));
      const [w, g, ...slots] = inputs;
      rule.run(n, w, g, slots, expected, c);
      const copies = inputs.map((a) => a.slice());
      const [w2, g2, ...slots2] = copies;
      rule.run(n, w2, g2, slots2, [w2, ...slots2], c);
      expect([w2, ...slots2]).toEqual(expected);
    },
  );
});

describe('in-place fused updates on WASM', () => {
  it.each(configurations)('%s: the same bits as new buffers, and the buffers are kept', async (_, make) => {
    setInPlaceUpdates(false);
    const copied = await threeSteps(make);
    setInPlaceUpdates(true);
    const inPlace = await threeSteps(make);
    expect(copied.kept).toEqual([false, false, false]);
    expect(inPlace.kept).toEqual([true, true, true]);
    expect(inPlace.values).toEqual(copied.values);
  });

  it('leave a buffer that another tensor shares alone (a clone, a reshape, saved state)', async () => {
    const optimizer = adam({ learningRate: 0.1 });
    const v = tf.variable(tf.ones([4, 2]));
    const g = tf.fill([4, 2], 0.5);
    optimizer.applyGradients([{ variable: v, gradient: g }]);
    const clone = v.clone();
    const reshaped = v.reshape([8]);
    const state = await optimizer.getWeights(); // clones of m and v
    const [cloneBefore, stateBefore] = [
      await clone.data(),
      await Promise.all(state.map((s) => s.tensor.data())),
    ];
    const id = v.dataId;
    optimizer.applyGradients([{ variable: v, gradient: g }]);
    expect(v.dataId).not.toBe(id);
    expect(await clone.data()).toEqual(cloneBefore);
    expect(await reshaped.data()).toEqual(cloneBefore);
    for (const [k, s] of state.entries()) expect(await s.tensor.data()).toEqual(stateBefore[k]);
    expect(Array.from(await v.data())).not.toEqual(Array.from(cloneBefore));
    tf.dispose([clone, reshaped, ...state.map((s) => s.tensor)]);
    // Nothing shares the buffers any more: the next step writes over them.
    const alone = v.dataId;
    optimizer.applyGradients([{ variable: v, gradient: g }]);
    expect(v.dataId).toBe(alone);
    tf.dispose([v, g]);
    optimizer.dispose();
  });

  it('leave the tensor a variable was made from as it was', async () => {
    const optimizer = adam({ learningRate: 0.1 });
    const initial = tf.ones([6]);
    const v = tf.variable(initial); // shares initial's buffer until initial is disposed
    const g = tf.fill([6], 0.5);
    optimizer.applyGradients([{ variable: v, gradient: g }]);
    expect(Array.from(await initial.data())).toEqual([1, 1, 1, 1, 1, 1]);
    expect((await v.data())[0]).toBeLessThan(1);
    tf.dispose([initial, v, g]);
    optimizer.dispose();
  });

  it('leave no stale XNNPACK weights: a product after the update sees the new values', async () => {
    // Small products with 3 rows take tfjs-backend-wasm's XNNPACK path, which caches packed weights.
    setThreadedKernelsEnabled(false);
    setPaddedMatMulEnabled(false);
    const optimizer = sgd({ learningRate: 0.5 });
    const v = tf.tidy(() => tf.variable(seeded([5, 6], 1)));
    const x = seeded([3, 5], 2);
    const g = seeded([5, 6], 3);
    for (let step = 0; step < 3; step++) {
      const id = v.dataId;
      tf.dispose(tf.matMul(x, v)); // packs v's values
      optimizer.applyGradients([{ variable: v, gradient: g }]);
      expect(v.dataId).toBe(id);
      const product = tf.matMul(x, v);
      const fresh = tf.tensor(await v.data(), v.shape); // a new buffer with the same values
      const expected = tf.matMul(x, fresh);
      expect(await product.data()).toEqual(await expected.data());
      tf.dispose([product, fresh, expected]);
    }
    tf.dispose([v, x, g]);
    optimizer.dispose();
  });

  // XNNPACK operators tfjs-backend-wasm caches by tensor id besides the fully-connected weights: a
  // convolution's filter and bias, a depthwise filter, a product's bias, PReLU's slopes (each packed
  // into its operator). The variable is overwritten in place; the other operands keep their ids (so
  // the operator cached for them would be found again) and must meet the variable's new values.
  type Case = [string, number[], number[], (v: tf.Tensor, k: tf.Tensor) => tf.Tensor];
  const x4 = (k: tf.Tensor) => k as tf.Tensor4D; // [batch, h, w, c] or [h, w, in, out]
  const cachedByXnnpack: Case[] = [
    // name, v's shape, k's shape, the op
    ['a convolution filter', [3, 3, 3, 4], [2, 6, 6, 3], (v, k) => tf.conv2d(x4(k), x4(v), 2, 'same')],
    ['a depthwise filter', [3, 3, 3, 1], [2, 6, 6, 3], (v, k) => tf.depthwiseConv2d(x4(k), x4(v), 2, 'same')],
    ["PReLU's slopes", [3], [2, 6, 6, 3], (v, k) => tf.prelu(k, v)],
    // [2, 6, 6, 3] ones, filter k, bias v
    [
      "a convolution's bias",
      [4],
      [3, 3, 3, 4],
      (v, k) =>
        tf.fused.conv2d({ x: x4(tf.ones([2, 6, 6, 3])), filter: x4(k), strides: 2, pad: 'same', bias: v }),
    ],
    // [3, 5] ones x k [5, 6] + bias v [6]
    [
      "a product's bias",
      [6],
      [5, 6],
      (v, k) => tf.fused.matMul({ a: tf.ones([3, 5]), b: k as tf.Tensor2D, bias: v }),
    ],
  ];
  it.each(cachedByXnnpack)('leave no stale XNNPACK operator for %s', async (_, shape, otherShape, op) => {
    // The stock kernels (XNNPACK) rather than tensorfold's direct, padded and threaded ones.
    setThreadedKernelsEnabled(false);
    setPaddedMatMulEnabled(false);
    setDirectConvEnabled(false);
    const before = tf.memory().numTensors;
    const optimizer = sgd({ learningRate: 0.5 });
    const v = tf.tidy(() => tf.variable(seeded(shape, 1)));
    const k = seeded(otherShape, 2);
    const g = seeded(shape, 3);
    for (let step = 0; step < 3; step++) {
      const id = v.dataId;
      tf.dispose(tf.tidy(() => op(v, k))); // builds and caches the operator for v's values
      optimizer.applyGradients([{ variable: v, gradient: g }]);
      expect(v.dataId).toBe(id);
      const [got, want] = tf.tidy(() => [op(v, k), op(tf.tensor(v.dataSync(), v.shape), k)]);
      expect(await got.data()).toEqual(await want.data());
      tf.dispose([got, want]);
    }
    tf.dispose([v, k, g]);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resume from saved state with the bits of an uninterrupted run with new buffers', async () => {
    const run = async (inPlace: boolean, resumeAt: number | null) => {
      setInPlaceUpdates(inPlace);
      let optimizer = adam({ learningRate: 0.01 });
      const variables = shapes.map((s, i) => tf.tidy(() => tf.variable(seeded(s, 1 + i))));
      for (let step = 0; step < 4; step++) {
        if (step === resumeAt) {
          const saved = await optimizer.getWeights();
          optimizer.dispose();
          optimizer = adam({ learningRate: 0.01 });
          await optimizer.setWeights(saved);
          tf.dispose(saved.map((w) => w.tensor));
        }
        tf.tidy(() =>
          optimizer.applyGradients(
            variables.map((variable, i) => ({ variable, gradient: seeded(shapes[i], 50 + 10 * step + i) })),
          ),
        );
      }
      const values = await Promise.all(variables.map((v) => v.data()));
      tf.dispose(variables);
      optimizer.dispose();
      return values;
    };
    const before = tf.memory().numTensors;
    expect(await run(true, 2)).toEqual(await run(false, null));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leave the tensors setWeights restored from as they were', async () => {
    const v = tf.tidy(() => tf.variable(seeded([3, 5], 4)));
    const g = seeded([3, 5], 5);
    const first = adam({ learningRate: 0.1 });
    first.applyGradients([{ variable: v, gradient: g }]);
    const saved = await first.getWeights();
    first.dispose();
    const second = adam({ learningRate: 0.1 });
    await second.setWeights(saved); // its slots may share the saved tensors' buffers
    const savedBefore = await Promise.all(saved.map((w) => w.tensor.data()));
    second.applyGradients([{ variable: v, gradient: g }]);
    for (const [k, w] of saved.entries()) expect(await w.tensor.data()).toEqual(savedBefore[k]);
    tf.dispose([v, g, ...saved.map((w) => w.tensor)]);
    second.dispose();
  });

  it('leak nothing over many steps', async () => {
    const optimizer = adam({ learningRate: 0.01 });
    const variables = shapes.map((s, i) => tf.tidy(() => tf.variable(seeded(s, 1 + i))));
    const step = () =>
      tf.tidy(() =>
        optimizer.applyGradients(
          variables.map((variable, i) => ({ variable, gradient: seeded(shapes[i], i) })),
        ),
      );
    step();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) step();
    const after = tf.memory();
    expect([after.numTensors, after.numBytes, after.numDataBuffers]).toEqual([
      before.numTensors,
      before.numBytes,
      before.numDataBuffers,
    ]);
    tf.dispose(variables);
    optimizer.dispose();
  });

  it('write new buffers while a gradient tape records', () => {
    const optimizer = sgd({ learningRate: 0.1 });
    const v = tf.variable(tf.ones([4]));
    const g = tf.ones([4]);
    optimizer.applyGradients([{ variable: v, gradient: g }]);
    const id = v.dataId;
    const x = tf.scalar(2);
    tf.dispose(
      tf.grad((a: tf.Tensor) => {
        optimizer.applyGradients([{ variable: v, gradient: g }]);
        return a.square();
      })(x),
    );
    expect(v.dataId).not.toBe(id);
    tf.dispose([v, g, x]);
    optimizer.dispose();
  });

  describe('through a model', () => {
    function model(): Model {
      const m = sequential({
        layers: [
          new TestDense({ units: 8, inputShape: [2], activation: 'relu', seed: 3 }),
          new TestDense({ units: 3, activation: 'softmax', seed: 4 }),
        ],
      });
      m.compile({ optimizer: adam({ learningRate: 0.05 }), loss: 'categoricalCrossentropy' });
      return m;
    }

    /** `steps` training steps; the weights' data ids before and after each one. */
    async function train(m: Model, steps: number, data: { x: tf.Tensor; oneHot: tf.Tensor }) {
      const kept: boolean[] = [];
      for (let i = 0; i < steps; i++) {
        const ids = m.weights.map((w) => w.variable.dataId);
        await m.trainOnBatch(data.x, data.oneHot);
        kept.push(m.weights.every((w, k) => w.variable.dataId === ids[k]));
      }
      return kept;
    }

    it('trains with the bits of new buffers, and writes in place from the first step on', async () => {
      const before = tf.memory().numTensors;
      const data = blobs(12, 5);
      const run = async (inPlace: boolean) => {
        setInPlaceUpdates(inPlace);
        const m = model();
        const kept = await train(m, 3, data);
        const weights = m.getWeights();
        const values = await Promise.all(weights.map((w) => w.data()));
        tf.dispose(weights);
        m.optimizer.dispose();
        m.dispose();
        return { kept, values };
      };
      const copied = await run(false);
      const inPlace = await run(true);
      expect(copied.kept).toEqual([false, false, false]);
      // the layers' weights are held by their variables alone (their initial values are freed)
      expect(inPlace.kept).toEqual([true, true, true]);
      expect(inPlace.values).toEqual(copied.values);
      tf.dispose([data.x, data.oneHot, data.labels]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it("leave a kept getWeights() snapshot as it was (early stopping's best weights)", async () => {
      const data = blobs(12, 6);
      const m = model();
      await train(m, 1, data);
      const snapshot = m.getWeights(); // copies that share the variables' buffers on WASM
      const values = await Promise.all(snapshot.map((w) => w.data()));
      // the step writes new buffers while the snapshot shares them, then in place again
      expect(await train(m, 2, data)).toEqual([false, true]);
      for (const [k, w] of snapshot.entries()) expect(await w.data()).toEqual(values[k]);
      const now = await Promise.all(m.weights.map((w) => w.variable.data()));
      expect(now[0]).not.toEqual(values[0]);
      m.setWeights(snapshot); // restores them: the variables share the snapshot's buffers again
      tf.dispose(snapshot);
      for (const [k, w] of m.weights.entries()) expect(await w.variable.data()).toEqual(values[k]);
      m.optimizer.dispose();
      m.dispose();
      tf.dispose([data.x, data.oneHot, data.labels]);
    });
  });
});
