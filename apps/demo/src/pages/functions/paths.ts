/**
 * Optimizer paths on 2-D loss surfaces: each optimizer of `@tensorfold/optim` moves one point (a
 * variable of 2 numbers) downhill by the gradient `tf.variableGrads` gives, on the running backend.
 */
import { type Optimizer, tf } from '@tensorfold/core';
import { adagrad, adam, rmsprop, sgd } from '@tensorfold/optim';
import type { SurfaceName } from './state';

/** A loss surface f(x, y), its start point and the rectangle drawn. */
export interface Surface {
  /** f on tensors of the same shape (element-wise), so the grid and the gradients use one formula. */
  f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;
  formula: string;
  start: [number, number];
  extent: { xMin: number; xMax: number; yMin: number; yMax: number };
}

export const SURFACES: Record<SurfaceName, Surface> = {
  bowl: {
    // A long narrow valley: plain SGD crawls along x while momentum and the adaptive methods do not.
    f: (x, y) => tf.add(tf.mul(0.1, tf.square(x)), tf.mul(2, tf.square(y))),
    formula: 'f = 0.1x² + 2y²',
    start: [-4.5, 1.5],
    extent: { xMin: -5, xMax: 5, yMin: -2.5, yMax: 2.5 },
  },
  rosenbrock: {
    f: (x, y) => tf.add(tf.square(tf.sub(1, x)), tf.mul(10, tf.square(tf.sub(y, tf.square(x))))),
    formula: 'f = (1 − x)² + 10(y − x²)², minimum at (1, 1)',
    start: [-1.5, 2],
    extent: { xMin: -2, xMax: 2, yMin: -1, yMax: 3 },
  },
  saddle: {
    f: (x, y) =>
      tf.add(tf.sub(tf.mul(0.5, tf.square(x)), tf.mul(0.5, tf.square(y))), tf.mul(0.1, tf.pow(y, 4))),
    formula: 'f = x²/2 − y²/2 + y⁴/10: a saddle at (0, 0), minima at (0, ±√5)',
    start: [-3, 0.01],
    extent: { xMin: -3.5, xMax: 3.5, yMin: -3.5, yMax: 3.5 },
  },
};

/** The optimizers compared, built at one learning rate. */
export const OPTIMIZERS: readonly { name: string; make: (learningRate: number) => Optimizer }[] = [
  { name: 'SGD', make: (learningRate) => sgd({ learningRate }) },
  { name: 'Momentum', make: (learningRate) => sgd({ learningRate, momentum: 0.9 }) },
  { name: 'Nesterov', make: (learningRate) => sgd({ learningRate, momentum: 0.9, nesterov: true }) },
  { name: 'Adagrad', make: (learningRate) => adagrad({ learningRate }) },
  { name: 'RMSProp', make: (learningRate) => rmsprop({ learningRate }) },
  { name: 'Adam', make: (learningRate) => adam({ learningRate }) },
];

/** One optimizer's path: the points visited (`[steps + 1][2]`) and the loss at the last one. */
export interface Path {
  name: string;
  points: number[][];
  finalLoss: number;
}

let runs = 0;

/** Runs `steps` steps of `optimizer` on `surface` from its start, then disposes the optimizer. */
export async function runPath(
  surface: Surface,
  name: string,
  optimizer: Optimizer,
  steps: number,
): Promise<Path> {
  // A name of its own: optimizers keep their slots by variable name, and runs may overlap.
  const start = tf.tensor1d(surface.start); // [2]
  const point = tf.variable(start, true, `path_${name}_${runs++}`); // [2], its own copy
  start.dispose();
  const loss = () => surface.f(point.slice(0, 1), point.slice(1, 1)).sum() as tf.Scalar;
  const visited: tf.Tensor[] = [point.clone()];
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(loss, [point]);
      optimizer.applyGradients([{ variable: point, gradient: grads[point.name] }]);
    });
    visited.push(point.clone());
  }
  const stacked = tf.stack(visited); // [steps + 1, 2]
  const final = tf.tidy(loss);
  const [values, last] = await Promise.all([stacked.data(), final.data()]);
  tf.dispose([...visited, stacked, final, point]);
  optimizer.dispose();
  const points = Array.from({ length: steps + 1 }, (_, i) => [values[2 * i], values[2 * i + 1]]);
  return { name, points, finalLoss: last[0] };
}

/** The surface on a `size` x `size` grid over its extent, row 0 at the top. */
export async function surfaceGrid(surface: Surface, size: number): Promise<Float32Array> {
  const { xMin, xMax, yMin, yMax } = surface.extent;
  const values = tf.tidy(() => {
    const xs = tf.linspace(xMin, xMax, size).reshape([1, size]).tile([size, 1]); // [size, size]
    const ys = tf.linspace(yMax, yMin, size).reshape([size, 1]).tile([1, size]); // [size, size]
    return surface.f(xs, ys);
  });
  const data = (await values.data()) as Float32Array;
  values.dispose();
  return data;
}
