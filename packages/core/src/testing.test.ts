import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequential } from './engine/sequential.js';
import * as main from './index.js';
import { SOFTMAX_GRAD, SOFTMAX_GRAD_MAX_SIZE, softmaxGradient } from './kernels/softmax-grad.js';
import { registerCpuTestKernel } from './test-utils/cpu-test-kernel.js';
import { useCpu } from './test-utils/setup.js';
import { ToyDense, ToySGD, toyMse } from './test-utils/toys.js';
import * as testing from './testing.js';
import { computeLosses } from './training/losses.js';

// SOFTMAX_GRAD on the CPU backend (no gradient of its own, as WASM's), so that the kernel path is
// taken here too.
beforeAll(async () => {
  await useCpu();
  registerCpuTestKernel(SOFTMAX_GRAD, ['dy', 'y'], ([d, p], shape) => {
    const classes = shape[shape.length - 1];
    const dx = new Float32Array(p.length); // [..., classes]
    for (let at = 0; at < p.length; at += classes) {
      let t = 0;
      for (let j = at; j < at + classes; j++) t += d[j] * p[j];
      for (let j = at; j < at + classes; j++) dx[j] = d[j] * p[j] - t * p[j];
    }
    return dx;
  });
});
afterAll(() => tf.unregisterKernel(SOFTMAX_GRAD, 'cpu'));

/** The kernels `softmaxGradient` runs on `[rows, classes]` inputs, and its values. */
async function softmaxGradientRun(rows: number, classes: number) {
  const y = tf.tidy(() => tf.softmax(tf.randomUniform([rows, classes], -2, 2, 'float32', 3)));
  const dy = tf.randomUniform([rows, classes], -1, 1, 'float32', 4);
  const info = await tf.profile(() => softmaxGradient(dy, y, -1));
  const dx = info.result as tf.Tensor;
  const values = Array.from(await dx.data());
  tf.dispose([y, dy, dx]);
  return { kernels: info.kernelNames, values };
}

describe('@tensorfold/core/testing', () => {
  it('holds the A/B switches (loss on the host, gradient kernels), which the main entry does not export', () => {
    const switches = [
      'setCrossentropyMeanKernelEnabled',
      'setMeanGradKernelEnabled',
      'setReluGradSumsEnabled',
      'setSoftmaxGradKernelEnabled',
      'setSparseAccuracyKernelEnabled',
      'setStepLossOnHost',
    ];
    expect(Object.keys(testing).sort()).toEqual(switches);
    for (const name of switches) expect(Object.keys(main)).not.toContain(name);
  });

  it('setSoftmaxGradKernelEnabled(false) runs the four stock ops, same values; true the kernel', async () => {
    const on = await softmaxGradientRun(4, 10);
    let off: Awaited<ReturnType<typeof softmaxGradientRun>>;
    try {
      testing.setSoftmaxGradKernelEnabled(false);
      off = await softmaxGradientRun(4, 10);
    } finally {
      testing.setSoftmaxGradKernelEnabled(true);
    }
    expect(on.kernels).toEqual([SOFTMAX_GRAD]);
    expect(off.kernels).not.toContain(SOFTMAX_GRAD);
    expect(off.kernels).toContain('Sub');
    for (const [i, v] of off.values.entries()) expect(on.values[i]).toBeCloseTo(v, 6);
  });

  it('softmaxGradient runs the kernel up to SOFTMAX_GRAD_MAX_SIZE elements and the stock ops above', async () => {
    const classes = 16;
    const at = await softmaxGradientRun(SOFTMAX_GRAD_MAX_SIZE / classes, classes);
    const above = await softmaxGradientRun(SOFTMAX_GRAD_MAX_SIZE / classes + 1, classes);
    expect(at.kernels).toEqual([SOFTMAX_GRAD]);
    expect(above.kernels).not.toContain(SOFTMAX_GRAD);
  });

  it('a second-order gradient through softmax takes the stock ops (the kernel has no gradient)', async () => {
    const x = tf.tensor2d([
      [0.3, -1, 2, 0.5],
      [1, 1, -0.5, 0],
    ]);
    const w = tf.tensor2d([
      [1, -2, 0.5, 3],
      [0.25, 1, -1, 2],
    ]);
    // Differentiated with respect to w, which reaches softmax's gradient as its upstream gradient dy
    // (tfjs-core cannot differentiate through softmax's saved output: not with respect to x).
    const second = () =>
      tf.grad((v: tf.Tensor) =>
        tf.sum(tf.square(tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.softmax(z), v)))(x))),
      )(w);
    const before = tf.memory().numTensors;
    const got = second();
    let want: tf.Tensor;
    try {
      testing.setSoftmaxGradKernelEnabled(false);
      want = second();
    } finally {
      testing.setSoftmaxGradKernelEnabled(true);
    }
    expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
    expect(Array.from(await got.data()).some((v) => v !== 0)).toBe(true);
    tf.dispose([got, want]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });

  it("setStepLossOnHost: a batch's logged loss is the step's float32 loss exactly (true), on the device (false)", async () => {
    // Three samples whose mean loss is not a float32 number times 3 over 3 in float32 arithmetic.
    const x = tf.tensor2d([
      [0.1, 0.7],
      [-0.3, 0.2],
      [0.9, -0.45],
    ]);
    const y = tf.tensor2d([[0.3], [-0.7], [0.11]]);
    const m = sequential({ layers: [new ToyDense({ units: 1, inputShape: [2], seed: 5 })] });
    m.compile({ optimizer: new ToySGD(0), loss: toyMse }); // lr 0: every step sees the same weights
    const step = async () => {
      const logs = await m.trainOnBatch(x, y);
      return { loss: logs.loss, known: m.metricsState.loss.known() };
    };
    const onHost = await step();
    let onDevice: Awaited<ReturnType<typeof step>>;
    try {
      testing.setStepLossOnHost(false);
      onDevice = await step();
    } finally {
      testing.setStepLossOnHost(true);
    }
    const want = tf.tidy(
      () =>
        computeLosses(m.requireCompiled('fit'), m.outputNames, [y], m.forward([x], { training: true })).total,
    );
    const wantValue = (await want.data())[0];
    want.dispose();
    expect(onHost.loss).toBe(wantValue);
    expect(onHost.known).toBe(wantValue);
    expect(onDevice.known).toBeNull();
    expect(onDevice.loss).toBeCloseTo(wantValue, 6);
    m.dispose();
    tf.dispose([x, y]);
  });
});
