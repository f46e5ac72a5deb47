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
import {
  expectSameAsFormerOps,
  firstLayerKernelNames,
  lossAndGradients,
} from '../../test-utils/fused-training.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
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
        const fused = lossAndGradients(layer, x, hidden, true, setTrainingFusedDenseEnabled);
        const plain = lossAndGradients(layer, x, hidden, false, setTrainingFusedDenseEnabled);
        await expectSameAsFormerOps(backend, fused, plain, 1e-4);
        x.dispose();
        layer.dispose();
      });
    }
  }

  it('runs one _FusedMatMul forward, and no input gradient for a first layer', async () => {
    const layer = new Dense({ units: 8, activation: 'relu' });
    const x = seededUniform([4, 6], 4);
    tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
    const names = await firstLayerKernelNames(layer, x, setTrainingFusedDenseEnabled);
    expect(names.filter((n) => n === '_FusedMatMul')).toHaveLength(1);
    expect(names).not.toContain('Relu');
    // One product backward: the kernel's gradient (the input's is skipped).
    expect(names.filter((n) => n === 'BatchMatMul')).toHaveLength(1);
    x.dispose();
    layer.dispose();
  });

  it('leaks no tensor', async () => {
    const layer = new Dense({ units: 8, activation: 'relu' });
    const x = seededUniform([4, 6], 5);
    tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
    expect(
      await leakedTensors(() => lossAndGradients(layer, x, true, true, setTrainingFusedDenseEnabled)),
    ).toBe(0);
    x.dispose();
    layer.dispose();
  });
});
