import * as tf from '@tensorflow/tfjs-core';
import {
  MEAN_GRAD,
  PROBABILITIES_CROSSENTROPY,
  PROBABILITIES_CROSSENTROPY_GRAD,
  PROBABILITIES_CROSSENTROPY_MAX_SIZE,
  PROBABILITIES_CROSSENTROPY_MEAN,
  PROBABILITIES_CROSSENTROPY_MEAN_GRAD,
  probabilitiesCrossentropyMean,
  SPARSE_CROSSENTROPY_MEAN,
  SPARSE_CROSSENTROPY_MEAN_GRAD,
  sparseCrossentropyMean,
} from '@tensorfold/core';
import { setCrossentropyMeanKernelEnabled } from '@tensorfold/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { crossentropyInputs } from '../test-utils/crossentropy-inputs.js';
import { tensorBits } from '../test-utils/run-kernel.js';

afterEach(() => setCrossentropyMeanKernelEnabled(true));

/** Targets and predictions `[rows, classes]` on WASM; one-hot targets as int32 where `int`. */
function tensors(shape: number[], soft: boolean, int: boolean): { y: tf.Tensor; p: tf.Tensor } {
  const { y, p } = crossentropyInputs(shape, soft);
  return { y: tf.tensor(y, shape, int ? 'int32' : 'float32'), p: tf.tensor(p, shape) };
}

/** The chain the kernels replace: `Cast` (int targets), the per-row kernel, then `Mean`. */
function chain(y: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const perRow = tf.engine().runKernel(PROBABILITIES_CROSSENTROPY, {
    yTrue: tf.cast(y, 'float32'),
    yPred: p,
  }) as tf.Tensor; // [rows]
  return tf.mean(perRow);
}

/** The backward chain: `MEAN_GRAD` of the scalar `dy` over the rows, then the per-row gradient kernel. */
function chainGradient(dy: tf.Tensor, y: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const rows = p.shape[0];
  const perRow = tf.engine().runKernel(MEAN_GRAD, { dy }, { shape: [rows], reduceSize: rows }) as tf.Tensor;
  return tf.engine().runKernel(PROBABILITIES_CROSSENTROPY_GRAD, {
    dy: perRow,
    yTrue: tf.cast(y, 'float32'),
    yPred: p,
  }) as tf.Tensor;
}

describe("WASM PROBABILITIES_CROSSENTROPY_MEAN and its gradient (core's kernels)", () => {
  const cases: Array<[string, number[], boolean, boolean]> = [
    ["the MLP's batch, int32 one-hot targets", [128, 10], false, true],
    ["the MLP's batch, float32 one-hot targets", [128, 10], false, false],
    ['soft targets', [20, 10], true, false],
    ['one class', [6, 1], false, false],
    ['one row', [1, 7], true, false],
  ];
  it.each(cases)('have the bits of the chains they replace: %s', async (_, shape, soft, int) => {
    await useBackend('wasm');
    const { y, p } = tensors(shape, soft, int);
    const dy = tf.scalar(1.7);
    const before = tf.memory().numTensors;
    const [mean, meanWant] = [
      tf.engine().runKernel(PROBABILITIES_CROSSENTROPY_MEAN, { yTrue: y, yPred: p }) as tf.Tensor,
      tf.tidy(() => chain(y, p)),
    ];
    expect(mean.shape).toEqual([]);
    expect(await tensorBits(mean)).toEqual(await tensorBits(meanWant));
    const [dp, dpWant] = [
      tf.engine().runKernel(PROBABILITIES_CROSSENTROPY_MEAN_GRAD, { dy, yTrue: y, yPred: p }) as tf.Tensor,
      tf.tidy(() => chainGradient(dy, y, p)),
    ];
    expect(dp.shape).toEqual(shape);
    expect(await tensorBits(dp)).toEqual(await tensorBits(dpWant));
    tf.dispose([mean, meanWant, dp, dpWant]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y, p, dy]);
  });

  it('run as one kernel forward and one backward in a recorded step, leaking nothing', async () => {
    await useBackend('wasm');
    const { y, p: p0 } = tensors([16, 10], false, true);
    const p = tf.variable(p0);
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => probabilitiesCrossentropyMean(y, p) as tf.Scalar, [p]);
      return [value, grads[p.name]];
    });
    const names = info.kernelNames.filter((k) => k !== 'Identity');
    expect(names).toEqual([PROBABILITIES_CROSSENTROPY_MEAN, PROBABILITIES_CROSSENTROPY_MEAN_GRAD]);
    tf.dispose(info.result as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y, p0, p]);
  });

  it("takes a second-order gradient by the ops (the gradient kernel has none), as the chain's", async () => {
    await useBackend('wasm');
    const { y } = tensors([6, 10], true, false);
    const p0 = tf.tidy(() => tf.softmax(tf.randomUniform([6, 10], -2, 2, 'float32', 3)));
    const scale0 = tf.scalar(1.5);
    const second = (loss: (q: tf.Tensor) => tf.Tensor) =>
      tf.grad((scale: tf.Tensor) => tf.sum(tf.square(tf.grad((q: tf.Tensor) => tf.mul(loss(q), scale))(p0))))(
        scale0,
      );
    const before = tf.memory().numTensors;
    const got = second((q) => probabilitiesCrossentropyMean(y, q) as tf.Tensor);
    const want = second((q) => chain(y, q));
    expect(tf.memory().numTensors).toBe(before + 2);
    const [g, w] = [(await got.data())[0], (await want.data())[0]];
    expect(w).not.toBe(0);
    expect(Math.abs(g - w)).toBeLessThanOrEqual(1e-5 * Math.abs(w));
    tf.dispose([got, want, y, p0, scale0]);
  });

  it('declines what it does not take, and is off when switched off: null, for the caller', async () => {
    await useBackend('wasm');
    const p = tf.fill([2, 3], 1 / 3);
    const classes = 16;
    const above = tf.fill([PROBABILITIES_CROSSENTROPY_MAX_SIZE / classes + 1, classes], 1 / classes);
    const declined = [
      probabilitiesCrossentropyMean(tf.ones([2, 3], 'bool'), p),
      probabilitiesCrossentropyMean(tf.ones([3]), tf.ones([3])),
      probabilitiesCrossentropyMean(tf.ones([2, 1, 3]), tf.ones([2, 1, 3])),
      probabilitiesCrossentropyMean(tf.ones([2, 1]), p),
      probabilitiesCrossentropyMean(tf.zeros([0, 3]), tf.zeros([0, 3])),
      probabilitiesCrossentropyMean(above, above),
    ];
    expect(declined).toEqual([null, null, null, null, null, null]);
    setCrossentropyMeanKernelEnabled(false);
    expect(probabilitiesCrossentropyMean(tf.ones([2, 3]), p)).toBeNull();
    setCrossentropyMeanKernelEnabled(true);
    const taken = probabilitiesCrossentropyMean(tf.ones([2, 3]), p) as tf.Tensor;
    expect((await taken.data())[0]).toBeCloseTo(3 * Math.log(3), 5);
    tf.dispose([p, above, taken]);
  });
});

/** Seeded class ids for `rows` rows of `classes`, with the ids of `invalid` rows out of range (-1, classes). */
function classIds(rows: number, classes: number, invalid: number[] = []): Int32Array {
  const ids = Int32Array.from({ length: rows }, (_, r) => (r * 7 + 3) % classes);
  invalid.forEach((r, i) => {
    ids[r] = i % 2 === 0 ? -1 : classes;
  });
  return ids;
}

describe("WASM SPARSE_CROSSENTROPY_MEAN and its gradient (core's kernels)", () => {
  const cases: Array<[string, number[]]> = [
    ["LeNet-5's batch", [64, 10]],
    ["the MLP's batch", [128, 10]],
    ['one class', [6, 1]],
    ['one row', [1, 7]],
  ];
  it.each(cases)('have the bits of the dense kernels on one-hot targets: %s', async (_, shape) => {
    await useBackend('wasm');
    const [rows, classes] = shape;
    const p = tf.tensor(crossentropyInputs(shape, false).p, shape);
    const ids = classIds(rows, classes);
    const labels = tf.tensor1d(ids, 'int32');
    // (tf.oneHot needs 2 classes or more)
    const oneHot = tf.tensor(
      Float32Array.from({ length: rows * classes }, (_, i) =>
        ids[Math.floor(i / classes)] === i % classes ? 1 : 0,
      ),
      shape,
    );
    const dy = tf.scalar(0.75);
    const run = (name: string, inputs: tf.NamedTensorMap) => tf.engine().runKernel(name, inputs) as tf.Tensor;
    const got = [
      run(SPARSE_CROSSENTROPY_MEAN, { labels, yPred: p }),
      run(SPARSE_CROSSENTROPY_MEAN_GRAD, { dy, labels, yPred: p }),
    ];
    const want = [
      run(PROBABILITIES_CROSSENTROPY_MEAN, { yTrue: oneHot, yPred: p }),
      run(PROBABILITIES_CROSSENTROPY_MEAN_GRAD, { dy, yTrue: oneHot, yPred: p }),
    ];
    for (let i = 0; i < 2; i++) {
      expect(got[i].shape).toEqual(want[i].shape);
      expect(await tensorBits(got[i])).toEqual(await tensorBits(want[i]));
    }
    tf.dispose([...got, ...want, p, labels, oneHot, dy]);
  });

  it('gives NaN for an id out of range, and no gradient to its row', async () => {
    await useBackend('wasm');
    const shape = [8, 10];
    const p = tf.tensor(crossentropyInputs(shape, false).p, shape);
    const labels = tf.tensor1d(classIds(8, 10, [2, 5]), 'int32');
    const mean = (await (sparseCrossentropyMean(labels, p) as tf.Tensor).data())[0];
    expect(mean).toBeNaN();
    const dp = tf.engine().runKernel(SPARSE_CROSSENTROPY_MEAN_GRAD, {
      dy: tf.scalar(1),
      labels,
      yPred: p,
    }) as tf.Tensor;
    const rows = (await dp.array()) as number[][];
    expect(rows[2].every((v) => v === 0) && rows[5].every((v) => v === 0)).toBe(true);
    expect(rows[0].some((v) => v !== 0)).toBe(true);
    tf.dispose([p, labels, dp]);
  });

  it('runs as one kernel forward and one backward in a recorded step, leaking nothing', async () => {
    await useBackend('wasm');
    const p = tf.variable(tf.tensor(crossentropyInputs([16, 10], false).p, [16, 10]));
    const labels = tf.tensor1d(classIds(16, 10), 'int32');
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => sparseCrossentropyMean(labels, p) as tf.Scalar, [p]);
      return [value, grads[p.name]];
    });
    expect(info.kernelNames.filter((k) => k !== 'Identity')).toEqual([
      SPARSE_CROSSENTROPY_MEAN,
      SPARSE_CROSSENTROPY_MEAN_GRAD,
    ]);
    tf.dispose(info.result as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([p, labels]);
  });

  it("takes a second-order gradient by the ops, as the dense kernel's with one-hot targets", async () => {
    await useBackend('wasm');
    const labels = tf.tensor1d(classIds(6, 10), 'int32');
    const oneHot = tf.oneHot(labels, 10, 1, 0, 'float32');
    const p0 = tf.tidy(() => tf.softmax(tf.randomUniform([6, 10], -2, 2, 'float32', 5)));
    const scale0 = tf.scalar(0.5);
    const second = (loss: (q: tf.Tensor) => tf.Tensor) =>
      tf.grad((scale: tf.Tensor) => tf.sum(tf.square(tf.grad((q: tf.Tensor) => tf.mul(loss(q), scale))(p0))))(
        scale0,
      );
    const got = second((q) => sparseCrossentropyMean(labels, q) as tf.Tensor);
    const want = second((q) => probabilitiesCrossentropyMean(oneHot, q) as tf.Tensor);
    const [g, w] = [(await got.data())[0], (await want.data())[0]];
    expect(w).not.toBe(0);
    expect(g).toBe(w);
    tf.dispose([got, want, labels, oneHot, p0, scale0]);
  });

  it('declines what it does not take: null, for the caller', async () => {
    await useBackend('wasm');
    const p = tf.fill([2, 3], 1 / 3);
    const declined = [
      sparseCrossentropyMean(tf.tensor1d([0, 1]), p), // float ids
      sparseCrossentropyMean(tf.tensor1d([0, 1, 2], 'int32'), p), // one id too many
      sparseCrossentropyMean(tf.tensor2d([[0], [1]], [2, 1], 'int32'), p), // rank 2
      sparseCrossentropyMean(tf.tensor1d([0], 'int32'), tf.fill([1, 1, 3], 1 / 3)), // rank 3
    ];
    expect(declined).toEqual([null, null, null, null]);
    setCrossentropyMeanKernelEnabled(false);
    expect(sparseCrossentropyMean(tf.tensor1d([0, 1], 'int32'), p)).toBeNull();
    tf.dispose(p);
  });
});
