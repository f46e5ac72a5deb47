/**
 * Upsampling by integer factors with exact gradients on every backend. tfjs 4.22's resize kernels
 * cannot be trusted for training: `resizeBilinear`'s gradient comes back with height and width
 * swapped for non-square images, and the CPU backend's `resizeNearestNeighbor` gradient is wrong
 * for several channels. Nearest is a tile of each pixel, bilinear two small matrix products.
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

/** Interpolates `x` along `axis` (moved first, mixed by the matrix, moved back). */
function alongAxis(x: tf.Tensor, axis: number, factor: number): tf.Tensor {
  const n = x.shape[axis];
  const order = [axis, ...x.shape.map((_, i) => i).filter((i) => i !== axis)];
  const moved = tf.transpose(x, order); // [n, ...other axes]
  const rows = tf.reshape(moved, [n, -1]);
  const mixed = tf.matMul(linearInterpolationMatrix(n, factor), rows); // [n × factor, ...]
  const back = tf.reshape(mixed, [n * factor, ...moved.shape.slice(1)]);
  const inverse = order.map((_, i) => order.indexOf(i));
  return tf.transpose(back, inverse);
}

/** Bilinear upsampling of `[batch, height, width, channels]` images by integer factors. */
export function upsampleBilinear(x: tf.Tensor4D, factors: [number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    let y: tf.Tensor = x;
    if (factors[0] > 1) y = alongAxis(y, 1, factors[0]);
    if (factors[1] > 1) y = alongAxis(y, 2, factors[1]);
    return y === x ? tf.clone(x) : (y as tf.Tensor4D);
  });
}

/** Nearest-neighbour upsampling of `[batch, height, width, channels]` images: each pixel repeated `factors` times. */
export function upsampleNearest(x: tf.Tensor4D, factors: [number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, height, width, channels] = x.shape;
    // [batch, height, 1, width, 1, channels] tiled to [batch, height, fh, width, fw, channels]
    const spread = tf.reshape(x, [batch, height, 1, width, 1, channels]);
    const tiled = tf.tile(spread, [1, 1, factors[0], 1, factors[1], 1]);
    return tf.reshape(tiled, [batch, height * factors[0], width * factors[1], channels]) as tf.Tensor4D;
  });
}
