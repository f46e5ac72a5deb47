/**
 * Dense layers trained through one `_FusedMatMul` kernel (core's registered gradient) against the
 * ops they replace (`tf.fused.matMul` or `tf.matMul` and a bias add, then the activation): loss and
 * the gradients of the kernel, the bias and (for a hidden layer) the input, on the CPU backend (the
 * same bits), on WASM and on WebGPU where it starts (the same within rounding), no gradient of a
 * first layer's input, no leaks.
 */
import { useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { Dense, type DenseArgs } from './dense.js';
import { setTrainingFusedDenseEnabled } from './training-fused-dense.js';

// WebGPU where it starts (skipped with a notice elsewhere): core's gradients with relu's mask by mul and step.
const backends = (await backendsForTests()).filter((b) => b === 'cpu' || b === 'wasm' || b === 'webgpu');

const cases: Array<{ name: string; args: Partial<DenseArgs>; shape: number[] }> = [
  { name: 'relu (a LeNet-5 hidden layer)', args: { units: 12, activation: 'relu' }, shape: [9, 20] },
  { name: 'softmax (an output layer)', args: { units: 10, activation: 'softmax' }, shape: [7, 12] },
  { name: 'linear, no bias', args: { units: 5, useBias: false }, shape: [6, 4] },
  { name: 'tanh, 3-D input', args: { units: 3, activation: 'tanh' }, shape: [2, 5, 4] },
];

/** The layer's loss and the gradients of a weighted sum of its output: weights, and the input when `hidden`. */
function outputsAndGradients(layer: Dense, x: tf.Tensor, hidden: boolean, fused: boolean) {
  setTrainingFusedDenseEnabled(fused);
  try {
    return tf.tidy(() => {
      const source = hidden ? tf.variable(x, true) : null;
      const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => {
          const input = source ? tf.mul(source, 1) : x;
          const y = layer.apply(input) as tf.Tensor;
          return tf.sum(tf.mul(y, tf.randomUniform(y.shape, -1, 1, 'float32', 7))) as tf.Scalar;
        },
        source ? [...weights, source] : weights,
      );
      const result = [
        value,
        ...Object.keys(grads)
          .sort()
          .map((k) => grads[k]),
      ];
      source?.dispose();
      return result;
    });
  } finally {
    setTrainingFusedDenseEnabled(true);
  }
}

describe.each(backends)('a dense layer trained through _FusedMatMul (%s)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  afterAll(useCpu);

  for (const c of cases) {
    for (const hidden of [false, true]) {
      it(`${c.name}, ${hidden ? 'hidden layer' : 'first layer'}: same loss and gradients as the plain ops`, async () => {
        const layer = new Dense({ units: 1, ...c.args, biasInitializer: 'randomNormal' });
        const x = seededUniform(c.shape, 3);
        tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
        const fused = outputsAndGradients(layer, x, hidden, true);
        const plain = outputsAndGradients(layer, x, hidden, false);
        expect(fused.length).toBe(plain.length);
        for (let i = 0; i < fused.length; i++) {
          if (backend === 'cpu') expect(await fused[i].data()).toEqual(await plain[i].data());
          else expect(await maxAbsDiff(fused[i], plain[i])).toBeLessThan(1e-4);
        }
        tf.dispose([x, ...fused, ...plain]);
        layer.dispose();
      });
    }
  }

  it('runs one _FusedMatMul forward, and no input gradient for a first layer', async () => {
    const layer = new Dense({ units: 8, activation: 'relu' });
    const x = seededUniform([4, 6], 4);
    tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
    const info = await tf.profile(() => outputsAndGradients(layer, x, false, true));
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((n) => n === '_FusedMatMul')).toHaveLength(1);
    expect(names).not.toContain('Relu');
    // One product backward: the kernel's gradient (the input's is skipped).
    expect(names.filter((n) => n === 'BatchMatMul')).toHaveLength(1);
    tf.dispose(info.result as tf.Tensor[]);
    x.dispose();
    layer.dispose();
  });

  it('leaks no tensor', async () => {
    const layer = new Dense({ units: 8, activation: 'relu' });
    const x = seededUniform([4, 6], 5);
    tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
    expect(await leakedTensors(() => outputsAndGradients(layer, x, true, true))).toBe(0);
    x.dispose();
    layer.dispose();
  });
});
