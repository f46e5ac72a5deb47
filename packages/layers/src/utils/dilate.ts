/** Dilated convolutions as ordinary ones, for training (tfjs has no gradient for dilated conv kernels). */
import { tf } from '@tensorfold/core';

/**
 * Spreads a kernel's taps `rates[i] - 1` zeros apart along its first `rates.length` (spatial) axes:
 * a `[3, 3, in, out]` kernel with rates `[2, 2]` becomes `[5, 5, in, out]`. A convolution with the
 * spread kernel and no dilation equals the dilated convolution with the original kernel, and its
 * gradient flows back to the original taps through ordinary ops.
 */
export function dilateKernel(kernel: tf.Tensor, rates: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    let k = kernel;
    rates.forEach((rate, axis) => {
      if (rate === 1) return;
      const shape = k.shape;
      const size = shape[axis];
      const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      // [outer, size, 1, inner] padded to [outer, size, rate, inner]: each tap followed by rate - 1
      // zeros (rank 4 at most: WebGPU's pad shader cannot index rank-5 tensors).
      const padded = tf.pad(tf.reshape(k, [outer, size, 1, inner]), [
        [0, 0],
        [0, 0],
        [0, rate - 1],
        [0, 0],
      ]);
      const spread = tf.slice(
        tf.reshape(padded, [outer, size * rate, inner]),
        [0, 0, 0],
        [outer, (size - 1) * rate + 1, inner],
      );
      k = tf.reshape(spread, [...shape.slice(0, axis), (size - 1) * rate + 1, ...shape.slice(axis + 1)]);
    });
    return k;
  });
}
