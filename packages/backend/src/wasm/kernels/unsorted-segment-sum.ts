import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  UnsortedSegmentSum,
  type UnsortedSegmentSumAttrs,
  type UnsortedSegmentSumInputs,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';

/**
 * `unsortedSegmentSum`, which stock tfjs-backend-wasm lacks (the gradient of `gather`, so of
 * `embedding`, needs it). Built from WASM's ScatterNd, which adds the updates of repeated indices:
 * `out[s, ...] = sum over i with segmentIds[i] = s of x[i, ...]`. Like TensorFlow, ids outside
 * `[0, numSegments)` must not occur (the gradient of gather never produces them).
 */
function unsortedSegmentSum(args: {
  inputs: UnsortedSegmentSumInputs;
  backend: WasmBackendLike;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = args.attrs;
  const idRank = segmentIds.shape.length;
  const count = util.sizeFromShape(segmentIds.shape);
  const rest = x.shape.slice(idRank);
  const scope = new KernelScope(args.backend);
  try {
    // [count, 1] int32 indices and [count, ...rest] updates.
    let indices = segmentIds.dtype === 'int32' ? segmentIds : scope.cast(segmentIds, 'int32');
    indices = scope.reshape(indices, [count, 1]);
    const updates = scope.reshape(x, [count, ...rest]);
    // [numSegments, ...rest]
    return scope.finish(scope.run('ScatterNd', { indices, updates }, { shape: [numSegments, ...rest] }));
  } finally {
    scope.dispose();
  }
}

/** Kernel config of {@link unsortedSegmentSum} for the `wasm` backend. */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
