/**
 * The curves of the page, computed on the running backend: an activation of `@tensorfold/layers` and
 * its derivative (by `tf.grad`), and the losses of `@tensorfold/optim` with their gradients.
 */
import { tf } from '@tensorfold/core';
import { activations } from '@tensorfold/layers';
import { binaryCrossentropy, meanSquaredError } from '@tensorfold/optim';
import type { ActivationName } from './state';

/** Sample points of a curve and its derivative. */
export interface Curve {
  x: number[];
  y: number[];
  dy: number[];
}

function activation(name: ActivationName) {
  // Seed 004 gives leaky ReLU the slope α = 0.01.
  if (name === 'leakyRelu') return activations.leakyRelu({ alpha: 0.01 });
  if (name === 'elu') return activations.elu({ alpha: 1 });
  return activations[name]();
}

/** `name` and its derivative at `points` evenly spaced points of [`from`, `to`] (0 among them when the count is odd). */
export async function activationCurve(name: ActivationName, from = -5, to = 5, points = 201): Promise<Curve> {
  const f = activation(name);
  const x = tf.linspace(from, to, points); // [points]
  const y = f.apply(x);
  const dy = tf.grad((v: tf.Tensor) => f.apply(v).sum())(x); // element-wise, so the gradient of the sum is f'(x)
  const [xs, ys, ds] = await Promise.all([x.data(), y.data(), dy.data()]);
  tf.dispose([x, y, dy]);
  return { x: Array.from(xs), y: Array.from(ys), dy: Array.from(ds) };
}

/** The loss of predictions `p` in (0, 1) against target `target`, and dL/dp, for BCE and MSE. */
export async function lossCurves(target: 0 | 1, points = 99): Promise<{ bce: Curve; mse: Curve }> {
  const losses = { bce: binaryCrossentropy(), mse: meanSquaredError() };
  const out = {} as { bce: Curve; mse: Curve };
  for (const key of ['bce', 'mse'] as const) {
    const p = tf.linspace(0.01, 0.99, points).reshape([points, 1]); // [points, 1]: one sample per row
    const t = tf.fill([points, 1], target); // [points, 1]
    const loss = losses[key].call(t, p); // [points]
    const grad = tf.grad((q: tf.Tensor) => losses[key].call(t, q).sum())(p); // [points, 1]
    const [ps, ls, gs] = await Promise.all([p.data(), loss.data(), grad.data()]);
    tf.dispose([p, t, loss, grad]);
    out[key] = { x: Array.from(ps), y: Array.from(ls), dy: Array.from(gs) };
  }
  return out;
}
