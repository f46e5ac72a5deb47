import * as tf from '@tensorflow/tfjs-core';
import {
  PROBABILITIES_CROSSENTROPY,
  PROBABILITIES_CROSSENTROPY_GRAD,
  PROBABILITIES_CROSSENTROPY_MAX_SIZE,
  probabilitiesCrossentropy,
} from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { crossentropyInputs as inputs } from '../test-utils/crossentropy-inputs.js';

const EPS = 1e-7;

/** The loss as Keras's expression by stock ops: `-sum(y * log(clip(p / sum(p))))` over the last axis. */
function expression(y: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const q = tf.div(p, tf.sum(p, -1, true));
  return tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(q, EPS, 1 - EPS))), -1));
}

/** Loss and both gradients of `fn` at (y, p), with `dy` a ramp so each row's weight differs. */
async function lossAndGradients(
  backend: 'cpu' | 'wasm',
  fn: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor,
  shape: number[],
  values: { y: Float32Array; p: Float32Array },
): Promise<{ loss: Float32Array; dy: Float32Array; dp: Float32Array }> {
  await useBackend(backend);
  const y = tf.tensor(values.y, shape);
  const p = tf.tensor(values.p, shape);
  const out = tf.tidy(() => {
    const rows = shape.slice(0, -1);
    const weights = tf
      .add(
        tf.div(
          tf.range(
            0,
            rows.reduce((a, n) => a * n, 1),
          ),
          10,
        ),
        0.5,
      )
      .reshape(rows);
    const loss = fn(y, p);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fn(a, b), weights)))([y, p]);
    return [loss, ...grads];
  });
  const [loss, dy, dp] = await Promise.all(out.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose([y, p, ...out]);
  return { loss, dy, dp };
}

/** Each value within `rtol` of the reference's, relative to the larger of 1 and the reference. */
function expectClose(got: Float32Array, want: Float32Array, rtol: number, what = ''): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i])) {
      expect(got[i], `at ${i}`).toBeNaN(); // a row summing to 0 (one class, p = 0)
      continue;
    }
    expect(Math.abs(got[i] - want[i]), `${what} at ${i}: ${got[i]} against ${want[i]}`).toBeLessThanOrEqual(
      rtol * Math.max(1, Math.abs(want[i])),
    );
  }
}

describe("WASM PROBABILITIES_CROSSENTROPY and its gradient (core's kernels)", () => {
  it('are registered on WASM, and core runs one kernel forward and one backward', async () => {
    await useBackend('wasm');
    expect(tf.getKernel(PROBABILITIES_CROSSENTROPY, 'wasm')).toBeDefined();
    expect(tf.getKernel(PROBABILITIES_CROSSENTROPY_GRAD, 'wasm')).toBeDefined();
    const { y: yv, p: pv } = inputs([4, 10], false);
    const y = tf.tensor(yv, [4, 10]);
    const p = tf.tensor(pv, [4, 10]);
    const forward = await tf.profile(() => probabilitiesCrossentropy(y, p) as tf.Tensor);
    expect(forward.kernelNames).toEqual([PROBABILITIES_CROSSENTROPY]);
    tf.dispose(forward.result as tf.Tensor);
    const backward = await tf.profile(() =>
      tf.grad((b: tf.Tensor) => probabilitiesCrossentropy(y, b) as tf.Tensor)(p),
    );
    expect(backward.kernelNames).toContain(PROBABILITIES_CROSSENTROPY_GRAD);
    expect(backward.kernelNames.filter((k) => k !== 'Identity' && k !== 'Fill').length).toBeLessThanOrEqual(
      2,
    );
    tf.dispose([backward.result as tf.Tensor, y, p]);
  });

  const cases: Array<[string, number[], boolean]> = [
    ["the MLP's batch, one-hot targets", [128, 10], false],
    ['soft targets', [20, 10], true],
    ['rank 3, 7 classes', [3, 5, 7], true],
    ['one class', [6, 1], false],
  ];
  it.each(cases)('equal the expression on the CPU backend, and its autodiff: %s', async (_, shape, soft) => {
    const values = inputs(shape, soft);
    const want = await lossAndGradients('cpu', expression, shape, values);
    const got = await lossAndGradients(
      'wasm',
      (y, p) => probabilitiesCrossentropy(y, p) as tf.Tensor,
      shape,
      values,
    );
    expectClose(got.loss, want.loss, 1e-5, 'loss');
    expectClose(got.dy, want.dy, 1e-5, 'dy');
    // 1/q reaches 1e7 where the clip just passes: relative to the reference there.
    expectClose(got.dp, want.dp, 1e-5, 'dp');
  });

  it('gives NaN for a row with NaN, as the expression does, and zero rows give an empty result', async () => {
    await useBackend('wasm');
    const p = tf.tensor([
      [0.5, Number.NaN, 0.5],
      [0.2, 0.3, 0.5],
    ]);
    const y = tf.tensor([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const loss = await (probabilitiesCrossentropy(y, p) as tf.Tensor).data();
    expect(Number.isNaN(loss[0])).toBe(true);
    expect(loss[1]).toBeCloseTo(-Math.log(0.5), 6);
    const empty = probabilitiesCrossentropy(tf.zeros([0, 3]), tf.zeros([0, 3])) as tf.Tensor;
    expect(empty.shape).toEqual([0]);
    tf.dispose([p, y, empty]);
  });

  it('gives zeros for rows of no classes, when run directly (core itself declines them)', async () => {
    await useBackend('wasm');
    const p = tf.zeros([3, 0]);
    expect(probabilitiesCrossentropy(p, p)).toBeNull();
    const loss = tf.engine().runKernel(PROBABILITIES_CROSSENTROPY, { yTrue: p, yPred: p }) as tf.Tensor;
    expect(loss.shape).toEqual([3]);
    expect(Array.from(await loss.data()).every((v) => v === 0)).toBe(true);
    const dp = tf.engine().runKernel(PROBABILITIES_CROSSENTROPY_GRAD, {
      dy: tf.ones([3]),
      yTrue: p,
      yPred: p,
    }) as tf.Tensor;
    expect(dp.shape).toEqual([3, 0]);
    tf.dispose([p, loss, dp]);
  });

  it("runs up to PROBABILITIES_CROSSENTROPY_MAX_SIZE elements; above, null (the caller's stock ops)", async () => {
    await useBackend('wasm');
    const classes = 16;
    const rows = PROBABILITIES_CROSSENTROPY_MAX_SIZE / classes;
    const at = tf.fill([rows, classes], 1 / classes);
    const above = tf.fill([rows + 1, classes], 1 / classes);
    const info = await tf.profile(() => probabilitiesCrossentropy(at, at) as tf.Tensor);
    expect(info.kernelNames).toEqual([PROBABILITIES_CROSSENTROPY]);
    expect(probabilitiesCrossentropy(above, above)).toBeNull();
    tf.dispose([at, above, info.result as tf.Tensor]);
  });

  it("takes a second-order gradient through the loss's gradient (the kernel has none: the ops), as the CPU backend's expression", async () => {
    const shape = [6, 10];
    const values = inputs(shape, true);
    // With respect to per-row weights, which reach the loss's gradient as its upstream gradient
    // (tfjs-core has no gradient for the clip's mask, LogicalAnd: not with respect to p, on any backend).
    const second = async (backend: 'cpu' | 'wasm', fn: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor) => {
      await useBackend(backend);
      const y = tf.tensor(values.y, shape);
      // probabilities inside the clip's bounds (the written gradient's y / q has no second derivative
      // where the clip cuts an exact zero)
      const p0 = tf.tidy(() => tf.softmax(tf.tensor(values.p, shape)));
      const w0 = tf.tensor1d([1, -0.5, 2, 0.25, 3, -1]);
      const before = tf.memory().numTensors;
      const g = tf.grad((w: tf.Tensor) =>
        tf.sum(tf.square(tf.grad((q: tf.Tensor) => tf.sum(tf.mul(fn(y, q), w)))(p0))),
      )(w0);
      const out = Float32Array.from(await g.data());
      g.dispose();
      const leaked = tf.memory().numTensors - before;
      tf.dispose([y, p0, w0]);
      return { values: out, leaked };
    };
    const want = await second('cpu', expression);
    const got = await second('wasm', (y, p) => probabilitiesCrossentropy(y, p) as tf.Tensor);
    expect(got.leaked).toBe(0);
    expect(want.values.some((v) => v !== 0)).toBe(true);
    expectClose(got.values, want.values, 1e-4, 'second order');
  });

  it('declines what it does not take (int targets, rank 1, other shapes): null, for the caller', async () => {
    await useBackend('wasm');
    const p = tf.ones([2, 3]);
    expect(probabilitiesCrossentropy(tf.ones([2, 3], 'int32'), p)).toBeNull();
    expect(probabilitiesCrossentropy(tf.ones([3]), tf.ones([3]))).toBeNull();
    expect(probabilitiesCrossentropy(tf.ones([2, 1]), p)).toBeNull();
    tf.dispose(p);
  });

  it('leaks nothing in a recorded step', async () => {
    await useBackend('wasm');
    const { y: yv, p: pv } = inputs([8, 10], false);
    const y = tf.tensor(yv, [8, 10]);
    const p = tf.variable(tf.tensor(pv, [8, 10]));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(
      () => tf.mean(probabilitiesCrossentropy(y, p) as tf.Tensor) as tf.Scalar,
      [p],
    );
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y, p]);
  });
});
