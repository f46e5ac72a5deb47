import {
  backend_util,
  type GatherV2Attrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';

let enabled = true;

/**
 * Holds the wrapper off (`false`: stock tfjs-backend-wasm's GatherV2 runs) or lets it run again (the
 * default), for A/B benchmarks.
 */
export function setGatherRowsEnabled(on: boolean): void {
  enabled = on;
}

/** Below this many elements per gathered slice, elements are copied one by one (no subarray views). */
const VIEW_MIN_SLICE = 16;

/**
 * Stock tfjs-backend-wasm 4.22's `GatherV2` walks every output element through strided index
 * arithmetic: drawing a shuffled batch of 64 MNIST images (`fit`'s `tf.gather` of 64 rows of 784
 * floats) took 9-12 ms, about as long as the training step it feeds. This wrapper copies each gathered
 * slice (the elements after the gather axis) as one block from a view of the heap, the same values.
 * `batchDims` above 0, strings, bools and indices other than int32 go to the stock kernel; an index out of range throws as stock does.
 */
export function gatherRowsConfig(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as GatherV2Attrs;
    const plain = (x.dtype === 'float32' || x.dtype === 'int32') && indices.dtype === 'int32';
    if (!enabled || (batchDims ?? 0) !== 0 || !plain) return stock.kernelFunc(args);
    const backend = args.backend as WasmBackendLike;
    const parsedAxis = util.parseAxisParam(axis, x.shape)[0];
    const axisDim = x.shape[parsedAxis];
    const info = backend_util.segment_util.collectGatherOpShapeInfo(
      x as never,
      indices as never,
      parsedAxis,
      0,
    );
    const count = util.sizeFromShape(indices.shape);
    const checked = backend.typedArrayFromHeap(indices) as Int32Array; // [count]
    for (let j = 0; j < count; j++) {
      const index = checked[j];
      util.assert(
        index <= axisDim - 1 && index >= 0,
        () => `GatherV2: the index value ${index} is not in [0, ${axisDim - 1}]`,
      );
    }
    const out = backend.makeOutput(info.outputShape, x.dtype);
    if (util.sizeFromShape(info.outputShape) === 0) return out;
    // Views after the last allocation: an allocation may move the heap.
    const where = backend.typedArrayFromHeap(indices) as Int32Array; // [count]
    const from = backend.typedArrayFromHeap(x) as Float32Array | Int32Array; // [outer, axisDim, slice]
    const to = backend.typedArrayFromHeap(out) as Float32Array | Int32Array; // [outer, count, slice]
    const slice = info.sliceSize;
    let o = 0;
    for (let outer = 0; outer < info.outerSize; outer++) {
      const base = outer * axisDim * slice;
      for (let j = 0; j < count; j++) {
        const start = base + where[j] * slice;
        if (slice >= VIEW_MIN_SLICE) to.set(from.subarray(start, start + slice), o);
        else for (let k = 0; k < slice; k++) to[o + k] = from[start + k];
        o += slice;
      }
    }
    return out;
  };
  return { ...stock, kernelFunc };
}
