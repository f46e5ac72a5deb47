import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { getKernel, type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../wasm/kernel-scope.js';

/**
 * `UnsortedSegmentSum` (the gradient of `gather`, so of embeddings) for any rank and for empty data.
 * Stock tfjs-backend-webgpu 4.22 moves the segment axis last with a transpose of `x`'s own rank
 * (which fails above rank 6) and sizes its work from `x`'s elements (which fails when there are
 * none, as in the gradient of a `gather` of no indices). Here the kernel runs on the matrix view
 * `[segments, rest]` of `x` (rank 2), and an empty `x` gives zeros of the output shape.
 */
export function matrixSegmentSum(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = args.attrs as unknown as { numSegments: number };
    const rest = x.shape.slice(segmentIds.shape.length);
    const outShape = [numSegments, ...rest];
    const backend = args.backend as WebGPUBackend;
    if (util.sizeFromShape(x.shape) === 0) {
      const size = util.sizeFromShape(outShape);
      const zeros = x.dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
      return backend.makeTensorInfo(outShape, x.dtype, zeros);
    }
    if (x.shape.length <= 2 && segmentIds.shape.length === 1) return stock.kernelFunc(args);
    const scope = new KernelScope(backend as unknown as WasmBackendLike, (name) => getKernel(name, 'webgpu'));
    try {
      const ids = util.sizeFromShape(segmentIds.shape);
      const out = scope.runConfig(
        stock,
        {
          x: scope.reshape(x, [ids, util.sizeFromShape(rest)]),
          segmentIds: scope.reshape(segmentIds, [ids]),
        },
        { numSegments },
      );
      return scope.finish(scope.reshape(out, outShape));
    } finally {
      scope.dispose();
    }
  };
}

/** Wraps the stock WebGPU `UnsortedSegmentSum` config with {@link matrixSegmentSum}. */
export function matrixSegmentSumConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: matrixSegmentSum(stock) };
}
