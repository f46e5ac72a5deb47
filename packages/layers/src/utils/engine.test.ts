import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2d } from '../layers/conv/conv.js';
import { dense } from '../layers/core/dense.js';
import { flatten } from '../layers/core/flatten.js';
import { maxAbsDiff, seededUniform, useCpu } from '../test-utils/setup.js';
import { hasGradientHistory, isRecordingGradients } from './engine.js';

beforeAll(useCpu);

describe('engine facts', () => {
  it('knows when a tape records and which tensors lead back to a trainable variable', () => {
    const data = tf.ones([2, 2]);
    const weight = tf.variable(tf.ones([2, 2]));
    const frozen = tf.variable(tf.ones([2, 2]), false);
    expect(isRecordingGradients()).toBe(false);
    expect(hasGradientHistory(data)).toBe(false);
    tf.variableGrads(() => {
      expect(isRecordingGradients()).toBe(true);
      const hidden = tf.matMul(data, weight);
      expect(hasGradientHistory(data)).toBe(false);
      expect(hasGradientHistory(weight)).toBe(true);
      expect(hasGradientHistory(frozen)).toBe(false);
      expect(hasGradientHistory(hidden)).toBe(true);
      // What plain ops make of the data (a flatten before a first dense layer) needs no gradient,
      // nor what only frozen variables fed; a long chain back to a trainable one does.
      expect(hasGradientHistory(tf.reshape(tf.mul(data, 2), [4]))).toBe(false);
      expect(hasGradientHistory(tf.matMul(data, frozen))).toBe(false);
      expect(hasGradientHistory(tf.relu(tf.reshape(tf.add(hidden, data), [4])))).toBe(true);
      return tf.sum(hidden) as tf.Scalar;
    }, [weight]);
  });

  it('a dense layer after a flatten of the input computes no product for the unused input gradient', async () => {
    const images = seededUniform([4, 3, 3, 1], 2);
    const flat = flatten();
    const layer = dense({ units: 2, activation: 'relu' });
    layer.apply(flat.apply(images)).dispose();
    const vars = layer.trainableWeights.map((w) => w.variable);
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(layer.apply(flat.apply(images)) as tf.Tensor) as tf.Scalar,
        vars,
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    const products = profile.kernels.filter((k) => /MatMul/.test(k.name)).map((k) => k.name);
    // The fused forward product (core's registered gradient: one closure per input) and the kernel's
    // gradient; tfjs's custom-gradient fused op would add the input's gradient.
    expect(products).toEqual(['_FusedMatMul', 'BatchMatMul']);
  });

  it('first layers (plain ops) and hidden layers (fused kernels) give the same gradients', async () => {
    for (const layer of [
      dense({ units: 3, activation: 'relu' }),
      conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'tanh' }),
    ]) {
      const x = layer.className === 'Dense' ? seededUniform([4, 5], 1) : seededUniform([2, 4, 4, 2], 1);
      layer.apply(x).dispose();
      const vars = layer.trainableWeights.map((w) => w.variable);
      // Input as plain data: no history, plain ops.
      const first = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x))) as tf.Scalar, vars).grads;
      // Input as a trainable variable: history, fused kernel.
      const xv = tf.variable(x);
      const hidden = tf.variableGrads(
        () => tf.sum(tf.square(layer.apply(xv))) as tf.Scalar,
        [...vars, xv],
      ).grads;
      for (const v of vars)
        expect(await maxAbsDiff(first[v.name], hidden[v.name]), layer.className).toBeLessThan(1e-5);
      // Asking for the gradient of plain input data still works (the tape computes it on demand).
      const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.square(layer.apply(input))))(x);
      expect(await maxAbsDiff(dx, hidden[xv.name]), `${layer.className} input gradient`).toBeLessThan(1e-5);
    }
  });
});
