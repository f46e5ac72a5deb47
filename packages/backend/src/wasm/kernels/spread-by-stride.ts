import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';

/**
 * Spreads `dy` out by the forward stride: `strideHeight - 1` rows of zeros after every row and
 * `strideWidth - 1` columns after every column, so that a stride-1 correlation can compute an input
 * gradient. Returns `dy` itself for stride 1.
 *
 * `[batch, outHeight, outWidth, channels]` to `[batch, outHeight * strideHeight, outWidth * strideWidth, channels]`.
 */
export function spreadByStride(
  scope: KernelScope,
  dy: TensorInfo,
  strideHeight: number,
  strideWidth: number,
): TensorInfo {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [batch, height, width, channels] = dy.shape;
  // [batch, height, 1, width, 1, channels], padded to [batch, height, sh, width, sw, channels].
  const spread = scope.run(
    'PadV2',
    { x: scope.reshape(dy, [batch, height, 1, width, 1, channels]) },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, strideHeight - 1],
        [0, 0],
        [0, strideWidth - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  return scope.reshape(spread, [batch, height * strideHeight, width * strideWidth, channels]);
}
