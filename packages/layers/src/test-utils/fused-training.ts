// What the tests of the fused training paths (conv2d, dense) share: one layer's loss and gradients
// with a path on or off, compared on every backend.
import { type Layer, tf } from '@tensorfold/core';
import { expect } from 'vitest';
import { maxAbsDiff } from './setup.js';

/**
 * The loss `Σ w·layer(x)` (w a fixed random tensor) and its gradients for the layer's weights, and for
 * the input when `hidden` (the input then comes from a trainable variable, so the tape needs its
 * gradient), with `setEnabled(fused)` in force; the path is turned back on afterwards.
 */
export function lossAndGradients(
  layer: Layer,
  x: tf.Tensor,
  hidden: boolean,
  fused: boolean,
  setEnabled: (on: boolean) => void,
): tf.Tensor[] {
  setEnabled(fused);
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
    setEnabled(true);
  }
}

/**
 * Expects the fused path's loss and gradients to equal the former ops': bit for bit on the CPU
 * backend, within `tolerance` elsewhere (WASM's and WebGPU's fused kernels sum in another order).
 * Disposes both lists.
 */
export async function expectSameAsFormerOps(
  backend: string,
  fused: tf.Tensor[],
  plain: tf.Tensor[],
  tolerance: number,
): Promise<void> {
  expect(fused.length).toBe(plain.length);
  for (let i = 0; i < fused.length; i++) {
    if (backend === 'cpu') expect(await fused[i].data()).toEqual(await plain[i].data());
    else expect(await maxAbsDiff(fused[i], plain[i])).toBeLessThan(tolerance);
  }
  tf.dispose([...fused, ...plain]);
}

/**
 * The names of the kernels that one {@link lossAndGradients} of a first layer runs with the fused path
 * on (its results disposed).
 */
export async function firstLayerKernelNames(
  layer: Layer,
  x: tf.Tensor,
  setEnabled: (on: boolean) => void,
): Promise<string[]> {
  const info = await tf.profile(() => lossAndGradients(layer, x, false, true, setEnabled));
  tf.dispose(info.result as tf.Tensor[]);
  return info.kernels.map((k) => k.name);
}
