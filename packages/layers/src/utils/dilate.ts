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
      const size = k.shape[axis];
      const before = k.shape.slice(0, axis);
      const after = k.shape.slice(axis + 1);
      // [..., size, 1, ...] -> [..., size, rate, ...] (taps followed by rate - 1 zeros)
      const expanded = tf.expandDims(k, axis + 1);
      const padding = k.shape.map(() => [0, 0] as [number, number]);
      padding.splice(axis + 1, 0, [0, rate - 1]);
      const padded = tf.pad(expanded, padding);
      const flat = tf.reshape(padded, [...before, size * rate, ...after]);
      const begin = k.shape.map(() => 0);
      const sliceSize = [...before, (size - 1) * rate + 1, ...after];
      k = tf.slice(flat, begin, sliceSize);
    });
    return k;
  });
}
