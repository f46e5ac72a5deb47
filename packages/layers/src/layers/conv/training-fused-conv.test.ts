/**
 * Convolutions trained through one `FusedConv2D` kernel (core's registered gradient) against the
 * plain ops they replace (`tf.conv2d`, bias add and activation, or `tf.fused.conv2d` and the
 * activation): outputs and the gradients of the kernel, the bias and (for a hidden layer) the input,
 * on the CPU backend (the same bits), on WASM (the same within rounding: its fused kernel starts each
 * sum from the bias) and on WebGPU where it starts (within rounding), no gradient of a first layer's
 * input, and no tensor leaks.
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
import { Conv2D, type ConvArgs } from './conv.js';
import { setTrainingFusedConvEnabled } from './training-fused-conv.js';

// WebGPU where it starts (skipped with a notice elsewhere): core's gradients with relu's mask by mul and step.
const backends = (await backendsForTests()).filter((b) => b === 'cpu' || b === 'wasm' || b === 'webgpu');

interface Case {
  name: string;
  args: Partial<ConvArgs>;
  /** `[batch, h, w, channels]` of the input. */
  shape: number[];
}

const cases: Case[] = [
  {
    name: 'relu, same padding (a LeNet-5 first layer)',
    args: { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' },
    shape: [4, 10, 10, 1],
  },
  {
    name: 'relu, valid, 5x5 (its second layer)',
    args: { filters: 16, kernelSize: 5, activation: 'relu' },
    shape: [3, 9, 9, 8],
  },
  {
    name: 'linear, stride 2, no bias',
    args: { filters: 4, kernelSize: 3, strides: 2, useBias: false },
    shape: [2, 7, 8, 3],
  },
  {
    name: 'relu, odd channels, no bias',
    args: { filters: 5, kernelSize: 2, activation: 'relu', useBias: false },
    shape: [2, 6, 5, 2],
  },
  {
    name: 'tanh after the fused kernel',
    args: { filters: 6, kernelSize: 3, padding: 'same', activation: 'tanh' },
    shape: [2, 6, 6, 3],
  },
  {
    name: 'sigmoid after the fused kernel, stride 2, no bias',
    args: { filters: 4, kernelSize: 3, strides: 2, activation: 'sigmoid', useBias: false },
    shape: [2, 7, 7, 2],
  },
];

describe.each(backends)('a convolution trained through FusedConv2D (%s)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  afterAll(useCpu);

  for (const c of cases) {
    for (const hidden of [false, true]) {
      it(`${c.name}, ${hidden ? 'hidden layer' : 'first layer'}: same loss and gradients as the plain ops`, async () => {
        const layer = new Conv2D({ filters: 1, kernelSize: 1, ...c.args, biasInitializer: 'randomNormal' });
        const x = seededUniform(c.shape, 3);
        tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
        const fused = lossAndGradients(layer, x, hidden, true, setTrainingFusedConvEnabled);
        const plain = lossAndGradients(layer, x, hidden, false, setTrainingFusedConvEnabled);
        await expectSameAsFormerOps(backend, fused, plain, 1e-4);
        x.dispose();
        layer.dispose();
      });
    }
  }

  it.each([
    ['relu', 'Relu', 'in the kernel'],
    ['tanh', 'Tanh', 'after it'],
  ] as const)(
    'runs one FusedConv2D forward for %s (%s %s), and no input gradient for a first layer',
    async (activation, op, _where) => {
      const layer = new Conv2D({ filters: 8, kernelSize: 3, padding: 'same', activation });
      const x = seededUniform([2, 6, 6, 1], 4);
      tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
      const names = await firstLayerKernelNames(layer, x, setTrainingFusedConvEnabled);
      expect(names.filter((n) => n === 'FusedConv2D')).toHaveLength(1);
      expect(names).not.toContain('Conv2D');
      if (activation === 'relu') expect(names).not.toContain(op);
      else expect(names).toContain(op);
      expect(names).not.toContain('Conv2DBackpropInput');
      expect(names).toContain('Conv2DBackpropFilter');
      x.dispose();
      layer.dispose();
    },
  );

  it.each(['relu', 'tanh'] as const)('leaks no tensor (%s)', async (activation) => {
    const layer = new Conv2D({ filters: 8, kernelSize: 3, padding: 'same', activation });
    const x = seededUniform([2, 6, 6, 1], 5);
    tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
    expect(
      await leakedTensors(() => lossAndGradients(layer, x, true, true, setTrainingFusedConvEnabled)),
    ).toBe(0);
    x.dispose();
    layer.dispose();
  });
});
