import { backend_util, type MaxPool3DGradAttrs } from '@tensorflow/tfjs-core';

/**
 * The window geometry of a 3D max pool (NDHWC, no dilation) from the attributes `MaxPool3D` and
 * `MaxPool3DGrad` share, as tfjs computes it. Shared by tensorfold's CPU and WASM 3D pooling kernels.
 *
 * @param shape The pooled input's shape, `[batch, depth, height, width, channels]`.
 */
export function pool3DInfo(shape: readonly number[], attrs: MaxPool3DGradAttrs): backend_util.Conv3DInfo {
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  return backend_util.computePool3DInfo(
    shape as [number, number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
}
