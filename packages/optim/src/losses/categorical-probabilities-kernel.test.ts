import { useBackend } from '@tensorfold/backend';
import {
  PROBABILITIES_CROSSENTROPY,
  PROBABILITIES_CROSSENTROPY_GRAD,
  PROBABILITIES_CROSSENTROPY_MEAN,
  PROBABILITIES_CROSSENTROPY_MEAN_GRAD,
  SPARSE_CROSSENTROPY_MEAN,
  SPARSE_CROSSENTROPY_MEAN_GRAD,
  sequential,
  tf,
} from '@tensorfold/core';
import { setCrossentropyMeanKernelEnabled } from '@tensorfold/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import '../index.js';
import { adam } from '../optimizers/adam.js';
import { expectClose } from '../test-utils/setup.js';
import { blobs, TestDense } from '../test-utils/toys.js';
import { setCrossentropyKernelEnabled } from './categorical-probabilities.js';
import { categoricalCrossentropy, sparseCategoricalCrossentropy } from './crossentropy.js';

afterEach(() => {
  setCrossentropyKernelEnabled(true);
  setCrossentropyMeanKernelEnabled(true);
});

/** The loss's per-sample values and its gradient with respect to the predictions, on WASM. */
async function lossAndGradient(kernel: boolean, labelSmoothing: number) {
  setCrossentropyKernelEnabled(kernel);
  const loss = categoricalCrossentropy({ labelSmoothing });
  const y = tf.oneHot(tf.tensor1d([0, 3, 9, 2, 2, 7], 'int32'), 10).cast('float32');
  // softmax outputs, one row all on one class (the clip cuts it)
  const p = tf.tidy(() =>
    tf.concat([
      tf.softmax(tf.randomUniform([5, 10], -3, 3, 'float32', 4)),
      tf.oneHot([3], 10).cast('float32'),
    ]),
  );
  const v = tf.variable(p);
  const before = tf.memory().numTensors;
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.mean(loss.call(y, v)) as tf.Scalar, [v]);
    return [value, ...Object.values(grads)];
  });
  const [value, dp] = info.result as tf.Tensor[];
  const out = {
    value: Array.from(await value.data()),
    dp: Array.from(await dp.data()),
    kernels: info.kernels.map((k) => k.name),
  };
  tf.dispose([value, dp]);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([y, p, v]);
  return { ...out, leaked };
}

describe('categoricalCrossentropy on WASM, as one kernel forward and one backward', () => {
  it.each([0, 0.1])('equals the written gradient to float tolerance (label smoothing %s)', async (s) => {
    await useBackend('wasm');
    const on = await lossAndGradient(true, s);
    const off = await lossAndGradient(false, s);
    expect(on.kernels).toContain(PROBABILITIES_CROSSENTROPY);
    expect(on.kernels).toContain(PROBABILITIES_CROSSENTROPY_GRAD);
    expect(off.kernels).not.toContain(PROBABILITIES_CROSSENTROPY);
    expect(on.kernels.length).toBeLessThan(off.kernels.length - 20);
    expectClose(on.value, off.value, 1e-6);
    expectClose(on.dp, off.dp, 1e-5);
    expect(on.leaked).toBe(0);
    expect(off.leaked).toBe(0);
  });
});

const WATCHED = [
  PROBABILITIES_CROSSENTROPY,
  PROBABILITIES_CROSSENTROPY_GRAD,
  PROBABILITIES_CROSSENTROPY_MEAN,
  PROBABILITIES_CROSSENTROPY_MEAN_GRAD,
  'Mean',
  'Cast',
];

/** The calls of the WASM kernels `names` (each call's name, in order) while `run` runs. */
async function callsOf(names: string[], run: () => Promise<void>): Promise<string[]> {
  const calls: string[] = [];
  const kernels = names.map((name) => tf.getKernel(name, 'wasm') as tf.KernelConfig);
  const stock = kernels.map((k) => k.kernelFunc);
  kernels.forEach((k, i) => {
    k.kernelFunc = (args) => {
      calls.push(names[i]);
      return stock[i](args);
    };
  });
  try {
    await run();
  } finally {
    kernels.forEach((k, i) => {
      k.kernelFunc = stock[i];
    });
  }
  return calls;
}

/** Three training steps of a softmax classifier on WASM; the weights' bits, the losses and the kernels run. */
async function threeSteps(meanKernel: boolean, int: boolean) {
  setCrossentropyMeanKernelEnabled(meanKernel);
  const { x, labels } = blobs(24);
  const y = tf.oneHot(labels, 3, 1, 0, int ? 'int32' : 'float32');
  const m = sequential({
    layers: [new TestDense({ units: 3, activation: 'softmax', inputShape: [2], seed: 3 })],
  });
  m.compile({ optimizer: adam({ learningRate: 0.1 }), loss: categoricalCrossentropy() });
  const losses: number[] = [];
  let before = 0; // tensors after the first step (which makes Adam's slots)
  const kernels = await callsOf(WATCHED, async () => {
    for (let i = 0; i < 3; i++) {
      losses.push((await m.trainOnBatch(x, y)).loss as number);
      if (i === 0) before = tf.memory().numTensors;
    }
  });
  const leaked = tf.memory().numTensors - before;
  const weights = m.getWeights();
  const bits = (await Promise.all(weights.map((w) => w.data()))).flatMap((d) =>
    Array.from(new Uint32Array(Float32Array.from(d).buffer)),
  );
  tf.dispose([...weights, x, labels, y]);
  m.dispose();
  return { bits, losses, kernels, leaked };
}

describe("categoricalCrossentropy's batch mean on WASM, one kernel forward and one backward", () => {
  it.each([true, false])(
    'trains to the same bits as the per-row kernel and Mean, with fewer calls (int32 targets: %s)',
    async (int) => {
      await useBackend('wasm');
      const on = await threeSteps(true, int);
      const off = await threeSteps(false, int);
      expect(on.kernels).toContain(PROBABILITIES_CROSSENTROPY_MEAN);
      expect(on.kernels).toContain(PROBABILITIES_CROSSENTROPY_MEAN_GRAD);
      for (const name of [PROBABILITIES_CROSSENTROPY, 'Mean', 'Cast']) expect(on.kernels).not.toContain(name);
      expect(off.kernels).toContain(PROBABILITIES_CROSSENTROPY);
      expect(off.kernels).toContain('Mean');
      // a step: the mean kernel and its gradient, against the per-row kernel, Mean, their gradients'
      // (MEAN_GRAD, the per-row gradient) and the Cast of int32 targets
      expect(on.kernels.length).toBe(3 * 2);
      expect(off.kernels.length).toBe(3 * (int ? 4 : 3));
      expect(on.bits).toEqual(off.bits);
      expect(on.losses).toEqual(off.losses);
      expect(on.leaked).toBe(0);
      expect(off.leaked).toBe(0);
    },
  );

  it('is declined for logits, label smoothing and sequences (the training loop averages call)', async () => {
    await useBackend('wasm');
    const p = tf.fill([2, 3], 1 / 3);
    const y = tf.oneHot([0, 2], 3).cast('float32');
    expect(categoricalCrossentropy({ fromLogits: true }).batchMean(y, p)).toBeNull();
    expect(categoricalCrossentropy({ labelSmoothing: 0.1 }).batchMean(y, p)).toBeNull();
    const sequence = tf.fill([2, 1, 3], 1 / 3);
    expect(categoricalCrossentropy().batchMean(sequence, sequence)).toBeNull();
    setCrossentropyKernelEnabled(false);
    expect(categoricalCrossentropy().batchMean(y, p)).toBeNull();
    setCrossentropyKernelEnabled(true);
    const mean = categoricalCrossentropy().batchMean(y, p) as tf.Tensor;
    expect((await mean.data())[0]).toBeCloseTo(Math.log(3), 6);
    tf.dispose([p, y, sequence, mean]);
  });
});

describe("sparseCategoricalCrossentropy's batch mean on WASM, one kernel forward and one backward", () => {
  /** Three steps on class ids (int32, or float32 whole numbers); weights, losses, every kernel called. */
  async function sparseSteps(meanKernel: boolean, float: boolean) {
    setCrossentropyMeanKernelEnabled(meanKernel);
    const { x, labels } = blobs(24);
    const ids = float ? labels.cast('float32') : labels;
    const m = sequential({
      layers: [new TestDense({ units: 3, activation: 'softmax', inputShape: [2], seed: 3 })],
    });
    m.compile({ optimizer: adam({ learningRate: 0.1 }), loss: sparseCategoricalCrossentropy() });
    const losses: number[] = [];
    let before = 0;
    const kernels = await callsOf(
      [SPARSE_CROSSENTROPY_MEAN, SPARSE_CROSSENTROPY_MEAN_GRAD, 'Log', 'OneHot'],
      async () => {
        for (let i = 0; i < 3; i++) {
          losses.push((await m.trainOnBatch(x, ids)).loss as number);
          if (i === 0) before = tf.memory().numTensors;
        }
      },
    );
    const leaked = tf.memory().numTensors - before;
    const weights = m.getWeights();
    const values = (await Promise.all(weights.map((w) => w.data()))).flatMap((d) => Array.from(d));
    tf.dispose([...weights, x, labels, ids]);
    m.dispose();
    return { values, losses, kernels, leaked };
  }

  it.each([false, true])(
    'trains as the stock ops do, to float tolerance, in one call each way (float ids: %s)',
    async (float) => {
      await useBackend('wasm');
      const on = await sparseSteps(true, float);
      const off = await sparseSteps(false, float);
      expect(on.kernels).toEqual(
        Array(3).fill([SPARSE_CROSSENTROPY_MEAN, SPARSE_CROSSENTROPY_MEAN_GRAD]).flat(),
      );
      expect(off.kernels).toContain('Log');
      expect(off.kernels).toContain('OneHot');
      expectClose(on.losses, off.losses, 1e-6);
      expectClose(on.values, off.values, 1e-5);
      expect(on.leaked).toBe(0);
      expect(off.leaked).toBe(0);
    },
  );

  it('is declined for logits and sequences; a label out of range still gives NaN', async () => {
    await useBackend('wasm');
    const p = tf.fill([2, 3], 1 / 3);
    const ids = tf.tensor1d([0, 2], 'int32');
    expect(sparseCategoricalCrossentropy({ fromLogits: true }).batchMean(ids, p)).toBeNull();
    const sequence = tf.fill([2, 1, 3], 1 / 3);
    expect(sparseCategoricalCrossentropy().batchMean(tf.zeros([2, 1], 'int32'), sequence)).toBeNull();
    const mean = sparseCategoricalCrossentropy().batchMean(ids, p) as tf.Tensor;
    expect((await mean.data())[0]).toBeCloseTo(Math.log(3), 6);
    const bad = sparseCategoricalCrossentropy().batchMean(tf.tensor1d([0, 3], 'int32'), p) as tf.Tensor;
    expect((await bad.data())[0]).toBeNaN();
    tf.dispose([p, ids, sequence, mean, bad]);
  });
});
