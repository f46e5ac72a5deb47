/** Float kernels to the int8 layers' weights: per-output-channel symmetric levels, packed. */
import { tf } from '@tensorfold/core';
import { perChannelInt8 } from '../quantize/affine.js';
import { packLevels } from './int8-ops.js';

/**
 * The packed levels (int32 `[ceil(n / 8), ceil(k / 2), 8]`) and per-column scales (`[n]`) of a float
 * kernel `[k, n]` (a convolution's `[kh, kw, cin, n]` reshaped): `w ~= level * scales[j]`, levels in
 * [-127, 127], as `quantizeModel(..., {dtype: 'int8'})` stores them.
 */
export function int8Weights(kernel: tf.Tensor): { packed: tf.Tensor; scales: tf.Tensor1D } {
  const n = kernel.shape[kernel.rank - 1];
  const k = kernel.size / n;
  const { levels, scales } = perChannelInt8(kernel.dataSync() as Float32Array, [k, n], 1);
  const packed = packLevels(levels, k, n);
  return {
    packed: tf.tensor(packed, [Math.ceil(n / 8), Math.ceil(k / 2), 8], 'int32'),
    scales: tf.tensor1d(scales, 'float32'),
  };
}
