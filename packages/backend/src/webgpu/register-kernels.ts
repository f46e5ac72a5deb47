import { AddN, type KernelConfig, UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import { KernelReplacement } from '../kernel-replacement.js';
import { chunkedAddNConfig } from './add-n.js';
import { ANY_RANK_COPY_WRAPPERS } from './any-rank-copies.js';
import { ANY_RANK_VIEW_WRAPPERS } from './any-rank-views.js';
import { EMPTY_BATCH_WRAPPERS } from './empty-batch.js';
import { FUSED_RECURRENCE_WEBGPU_KERNELS } from './fused-recurrence/index.js';
import {
  collapsedBinaryConfig,
  flatUnaryConfig,
  WEBGPU_BINARY_KERNELS,
  WEBGPU_UNARY_KERNELS,
} from './high-rank.js';
import { INT8_WEBGPU_KERNELS } from './int8.js';
import { webgpuMaxPool3DConfig, webgpuMaxPool3DGradConfig } from './max-pool-3d.js';
import { matrixSegmentSumConfig } from './segment-sum.js';
import { SHAPE_LIMIT_WRAPPERS } from './shape-limits.js';
import { webgpuTransformConfig } from './transform.js';

/**
 * Stock tfjs-backend-webgpu 4.22 kernels that are replaced because they give wrong results:
 * `Transform` (`tf.image.transform`) with one transform row for a batch, nearest-interpolation ties,
 * and int32 images; `MaxPool3D` below -1e20, `MaxPool3DGrad` for pools whose height and width differ.
 */
export const REPLACED_WEBGPU_KERNELS: readonly KernelConfig[] = [
  webgpuTransformConfig,
  // Stock MaxPool3D clips maxima below -1e20 (-Infinity too); stock MaxPool3DGrad misplaces the
  // gradient when the pool's height and width differ.
  webgpuMaxPool3DConfig,
  webgpuMaxPool3DGradConfig,
];

/**
 * Stock WebGPU kernels wrapped: `AddN` sums in chunks that fit the device's storage-buffer limit
 * (stock binds every input in one shader, an invalid pipeline that reads as zeros above the limit);
 * element-wise kernels work above rank 6 (stock shaders throw "GPU for rank 7 is not yet supported"),
 * and reductions, argMax/argMin, where, reverse and pad run on views with merged axes.
 */
const WRAPPERS: Readonly<Record<string, (stock: KernelConfig) => KernelConfig>> = {
  [AddN]: chunkedAddNConfig,
  ...Object.fromEntries(WEBGPU_UNARY_KERNELS.map((name) => [name, flatUnaryConfig])),
  ...Object.fromEntries(WEBGPU_BINARY_KERNELS.map((name) => [name, collapsedBinaryConfig])),
  // Reductions, argMax/argMin, where, reverse and pad on views of fewer axes (see shape-limits.ts).
  ...SHAPE_LIMIT_WRAPPERS,
  // Transpose, Slice, StridedSlice, Tile and Unpack at any rank (see any-rank-copies.ts).
  ...ANY_RANK_COPY_WRAPPERS,
  [UnsortedSegmentSum]: matrixSegmentSumConfig,
  // Cumsum, Cumprod, MirrorPad, FusedBatchNorm, Prelu, EluGrad, IsFinite, IsInf (any-rank-views.ts).
  ...ANY_RANK_VIEW_WRAPPERS,
  // Conv2D, FusedConv2D and their gradients over an empty batch (empty-batch.ts).
  ...EMPTY_BATCH_WRAPPERS,
};

/** Names of the stock WebGPU kernels this package wraps. */
export const WRAPPED_WEBGPU_KERNELS: readonly string[] = Object.keys(WRAPPERS);

const replacement = new KernelReplacement('webgpu', {
  replaced: REPLACED_WEBGPU_KERNELS,
  wrapped: WRAPPERS,
  // tensorfold's own: integer (int8) inference, see ../int8/int8-kernels.ts
  added: [
    ...INT8_WEBGPU_KERNELS,
    // the fused LSTM, simple RNN and GRU (both forms), forward and backward (fused-recurrence/)
    ...FUSED_RECURRENCE_WEBGPU_KERNELS,
  ],
});

/**
 * Replaces the WebGPU kernels in {@link REPLACED_WEBGPU_KERNELS} and wraps those in
 * {@link WRAPPED_WEBGPU_KERNELS}. Call it after
 * `@tensorflow/tfjs-backend-webgpu` is imported (importing it registers the stock kernels over any
 * registered before). Idempotent. `initBackend` calls it when it starts WebGPU.
 *
 * @returns the names of the kernels this call registered (empty when everything was in place).
 */
export function registerWebgpuKernels(): string[] {
  return replacement.register();
}

/** Undoes {@link registerWebgpuKernels} (puts the stock kernels back); returns the names it restored. */
export function unregisterWebgpuKernels(): string[] {
  return replacement.unregister();
}
