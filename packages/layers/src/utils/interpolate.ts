/**
 * Upsampling by integer factors with exact gradients on every backend, as two small matrix
 * products (one per axis) with interpolation matrices. tfjs 4.22's resize kernels cannot be trusted
 * for training: `resizeBilinear`'s gradient comes back with height and width swapped for
 * non-square images, and the CPU backend's `resizeNearestNeighbor` gradient is wrong for several
 * channels (tiling instead needs rank-6 tensors, whose gradients differ between backends).
 */
import { tf } from '@tensorfold/core';

/**
 * The `[n × factor, n]` matrix mapping `n` samples to `n × factor` by linear interpolation, with
 * TensorFlow.js's convention (no half-pixel offset): output `o` samples input position
 * `o / factor`, clamped at the last sample.
 */
export function linearInterpolationMatrix(n: number, factor: number): tf.Tensor2D {
  const out = n * factor;
  const m = new Float32Array(out * n);
  for (let o = 0; o < out; o++) {
    const position = o / factor;
    const i0 = Math.min(Math.floor(position), n - 1);
    const i1 = Math.min(i0 + 1, n - 1);
    const fraction = position - i0;
    m[o * n + i0] += 1 - fraction;
    m[o * n + i1] += fraction;
  }
  return tf.tensor2d(m, [out, n]);
}

/** The `[n × factor, n]` matrix repeating each of `n` samples `factor` times. */
export function nearestInterpolationMatrix(n: number, factor: number): tf.Tensor2D {
  const m = new Float32Array(n * factor * n);
  for (let o = 0; o < n * factor; o++) m[o * n + Math.floor(o / factor)] = 1;
  return tf.tensor2d(m, [n * factor, n]);
}

type MatrixFor = (n: number, factor: number) => tf.Tensor2D;

/** Interpolates `x` along `axis` (moved first, mixed by the matrix, moved back). */
function alongAxis(x: tf.Tensor, axis: number, factor: number, matrix: MatrixFor): tf.Tensor {
  const n = x.shape[axis];
  const order = [axis, ...x.shape.map((_, i) => i).filter((i) => i !== axis)];
  const moved = tf.transpose(x, order); // [n, ...other axes]
  const rows = tf.reshape(moved, [n, -1]);
  const mixed = tf.matMul(matrix(n, factor), rows); // [n × factor, ...]
  const back = tf.reshape(mixed, [n * factor, ...moved.shape.slice(1)]);
  const inverse = order.map((_, i) => order.indexOf(i));
  return tf.transpose(back, inverse);
}

function upsample(x: tf.Tensor4D, factors: [number, number], matrix: MatrixFor): tf.Tensor4D {
  return tf.tidy(() => {
    let y: tf.Tensor = x;
    if (factors[0] > 1) y = alongAxis(y, 1, factors[0], matrix);
    if (factors[1] > 1) y = alongAxis(y, 2, factors[1], matrix);
    return y === x ? tf.clone(x) : (y as tf.Tensor4D);
  });
}

/** Bilinear upsampling of `[batch, height, width, channels]` images by integer factors. */
export function upsampleBilinear(x: tf.Tensor4D, factors: [number, number]): tf.Tensor4D {
  return upsample(x, factors, linearInterpolationMatrix);
}

/** Nearest-neighbour upsampling of `[batch, height, width, channels]` images: each pixel repeated. */
export function upsampleNearest(x: tf.Tensor4D, factors: [number, number]): tf.Tensor4D {
  return upsample(x, factors, nearestInterpolationMatrix);
}
