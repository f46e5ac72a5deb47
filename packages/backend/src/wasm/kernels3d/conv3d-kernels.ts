import {
  Conv3D,
  type Conv3DAttrs,
  Conv3DBackpropFilterV2,
  type Conv3DBackpropFilterV2Attrs,
  Conv3DBackpropInputV2,
  type Conv3DBackpropInputV2Attrs,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { conv3DGeometry, planePadding } from './conv3d-geometry.js';
import { depthTaps, rowChunks, stackDepthTaps, unstackDepthTaps } from './depth-taps.js';

/*
 * A 3D convolution is a 2D convolution of the input's depth taps stacked on the channel axis (see
 * `stackDepthTaps`: row `b * outDepth + od` holds the `filterDepth` input slices that output depth
 * `od` reads) with the filter reshaped to match. The three kernels below run that 2D convolution (and
 * its gradients) on XNNPACK, in chunks of rows for large volumes (see `rowChunks`).
 */

/**
 * The filter `[fd, fh, fw, ci, co]` as the filter of the equivalent 2D convolution over stacked
 * depth taps: `[fh, fw, fd * ci, co]`.
 */
function stackedFilter(scope: KernelScope, filter: TensorInfo): TensorInfo {
  const [fd, fh, fw, ci, co] = filter.shape;
  return scope.reshape(scope.transpose(filter, [1, 2, 0, 3, 4]), [fh, fw, fd * ci, co]);
}

/** The input's stacked depth taps of rows `first` to `end - 1`: `[end - first, inHeight, inWidth, fd * ci]`. */
function stackedRows(
  scope: KernelScope,
  x: TensorInfo,
  info: ReturnType<typeof conv3DGeometry>,
  first: number,
  end: number,
): TensorInfo {
  const stacked = scope.allocate([
    end - first,
    info.inHeight,
    info.inWidth,
    info.filterDepth * info.inChannels,
  ]);
  const heap = scope.backend;
  stackDepthTaps(
    heap.typedArrayFromHeap(x) as Float32Array,
    depthTaps(info),
    heap.typedArrayFromHeap(stacked) as Float32Array,
    first,
    end,
  );
  return stacked;
}

/** Rows `first` to `end - 1` of `t`, which is `[rows, ...]`, as `[end - first, ...]`. */
function rowsOf(scope: KernelScope, t: TensorInfo, first: number, end: number): TensorInfo {
  if (first === 0 && end === t.shape[0]) return t;
  return scope.run(
    'Slice',
    { x: t },
    { begin: t.shape.map((_, i) => (i === 0 ? first : 0)), size: [end - first, ...t.shape.slice(1)] },
  );
}

/**
 * The attributes of the equivalent 2D convolution (NHWC, the 3D convolution's height and width
 * strides and padding) with `extra` (dilations, `inputShape` or `filterShape`).
 */
function planeAttrs(info: ReturnType<typeof conv3DGeometry>, extra: Record<string, number[]>): NamedAttrMap {
  return {
    strides: [info.strideHeight, info.strideWidth],
    pad: planePadding(info),
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
    ...extra,
  } as unknown as NamedAttrMap;
}

/** Views of `source`'s values written into `target` from element `offset` (after every allocation). */
function copyInto(backend: WasmBackendLike, source: TensorInfo, target: TensorInfo, offset: number): void {
  (backend.typedArrayFromHeap(target) as Float32Array).set(
    backend.typedArrayFromHeap(source) as Float32Array,
    offset,
  );
}

/**
 * Runs `step` on each chunk of rows `[first, end)` (see `rowChunks`) in a scope of its own, disposed
 * after the step, so that a chunk's stacked taps are freed before the next chunk is stacked.
 */
function forEachRowChunk(
  backend: WasmBackendLike,
  chunks: Array<[number, number]>,
  step: (chunk: KernelScope, first: number, end: number) => void,
): void {
  for (const [first, end] of chunks) {
    const chunk = new KernelScope(backend);
    try {
      step(chunk, first, end);
    } finally {
      chunk.dispose();
    }
  }
}

/**
 * `conv3d` (NDHWC). Stock tfjs-backend-wasm 4.22 computes it right but in a scalar loop (a 3x3x3
 * convolution from 8 to 16 channels over 4x16x16x16 took 0.8 s); here it is one XNNPACK 2D
 * convolution over the stacked depth taps (dilations included: along depth in the stacking, along
 * height and width in the 2D convolution).
 */
function conv3D(args: {
  inputs: { x: TensorInfo; filter: TensorInfo };
  backend: WasmBackendLike;
  attrs: Conv3DAttrs;
}): TensorInfo {
  const { x, filter } = args.inputs;
  const { strides, pad, dilations } = args.attrs;
  const info = conv3DGeometry(x.shape, filter.shape, strides, pad, dilations);
  const { batchSize, outDepth, outHeight, outWidth, outChannels } = info;
  const attrs = planeAttrs(info, { dilations: [info.dilationHeight, info.dilationWidth] });
  const chunks = rowChunks(depthTaps(info));
  const scope = new KernelScope(args.backend);
  try {
    const filter2d = stackedFilter(scope, filter); // [fh, fw, fd * ci, co]
    const outShape = [batchSize, outDepth, outHeight, outWidth, outChannels];
    if (chunks.length === 1) {
      // [batch * outDepth, outHeight, outWidth, outChannels]
      const y = scope.run(
        'Conv2D',
        { x: stackedRows(scope, x, info, 0, batchSize * outDepth), filter: filter2d },
        attrs,
      );
      return scope.finish(scope.reshape(y, outShape));
    }
    const out = scope.allocate(outShape);
    const rowSize = outHeight * outWidth * outChannels;
    forEachRowChunk(args.backend, chunks, (chunk, first, end) => {
      const y = chunk.run('Conv2D', { x: stackedRows(chunk, x, info, first, end), filter: filter2d }, attrs);
      copyInto(args.backend, y, out, first * rowSize);
    });
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
}

/**
 * The gradient of `conv3d` with respect to its input (also the forward pass of `conv3dTranspose`).
 * Stock tfjs-backend-wasm 4.22 computes it wrongly. Here the gradient of the equivalent 2D
 * convolution (tensorfold's XNNPACK `Conv2DBackpropInput`) is taken with respect to the stacked taps,
 * and each tap is added back to the depth it was read from (`unstackDepthTaps`, on the WASM heap).
 */
function conv3DBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackendLike;
  attrs: Conv3DBackpropInputV2Attrs;
}): TensorInfo {
  const { dy, filter } = args.inputs;
  const { strides, pad, inputShape } = args.attrs;
  const info = conv3DGeometry(inputShape, filter.shape, strides, pad);
  const taps = depthTaps(info);
  const { batchSize, outDepth, outHeight, outWidth, outChannels, inHeight, inWidth, inChannels } = info;
  const scope = new KernelScope(args.backend);
  try {
    const filter2d = stackedFilter(scope, filter); // [fh, fw, fd * ci, co]
    // [batch * outDepth, outHeight, outWidth, outChannels]
    const dy4 = scope.reshape(dy, [batchSize * outDepth, outHeight, outWidth, outChannels]);
    const dx = scope.allocate([...inputShape]); // [batch, inDepth, inHeight, inWidth, inChannels]
    (args.backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
    forEachRowChunk(args.backend, rowChunks(taps), (chunk, first, end) => {
      // [end - first, inHeight, inWidth, filterDepth * inChannels]
      const stackedGradient = chunk.run(
        'Conv2DBackpropInput',
        { dy: rowsOf(chunk, dy4, first, end), filter: filter2d },
        planeAttrs(info, { inputShape: [end - first, inHeight, inWidth, info.filterDepth * inChannels] }),
      );
      const heap = args.backend;
      unstackDepthTaps(
        heap.typedArrayFromHeap(stackedGradient) as Float32Array,
        taps,
        heap.typedArrayFromHeap(dx) as Float32Array,
        first,
        end,
      );
    });
    return scope.finish(dx);
  } finally {
    scope.dispose();
  }
}

/**
 * The gradient of `conv3d` with respect to its filter. Stock tfjs-backend-wasm 4.22 computes it
 * wrongly for strides above 1 (and in a scalar loop). Here it is the filter gradient of the
 * equivalent 2D convolution (tensorfold's `Conv2DBackpropFilter`), summed over chunks of rows and
 * reshaped back to `[fd, fh, fw, ci, co]`.
 */
function conv3DBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackendLike;
  attrs: Conv3DBackpropFilterV2Attrs;
}): TensorInfo {
  const { x, dy } = args.inputs;
  const { strides, pad, filterShape } = args.attrs;
  const info = conv3DGeometry(x.shape, filterShape, strides, pad);
  const [fd, fh, fw, ci, co] = filterShape;
  const { batchSize, outDepth, outHeight, outWidth } = info;
  const attrs = planeAttrs(info, { filterShape: [fh, fw, fd * ci, co] });
  const chunks = rowChunks(depthTaps(info));
  const scope = new KernelScope(args.backend);
  try {
    // [batch * outDepth, outHeight, outWidth, outChannels]
    const dy4 = scope.reshape(dy, [batchSize * outDepth, outHeight, outWidth, co]);
    let gradient: TensorInfo; // [fh, fw, fd * ci, co]
    if (chunks.length === 1) {
      gradient = scope.run(
        'Conv2DBackpropFilter',
        { x: stackedRows(scope, x, info, 0, batchSize * outDepth), dy: dy4 },
        attrs,
      );
    } else {
      const sum = scope.allocate([fh, fw, fd * ci, co]);
      (args.backend.typedArrayFromHeap(sum) as Float32Array).fill(0);
      forEachRowChunk(args.backend, chunks, (chunk, first, end) => {
        const part = chunk.run(
          'Conv2DBackpropFilter',
          { x: stackedRows(chunk, x, info, first, end), dy: rowsOf(chunk, dy4, first, end) },
          attrs,
        );
        // views after the chunk's allocations: an allocation may move the heap
        const total = args.backend.typedArrayFromHeap(sum) as Float32Array;
        const values = args.backend.typedArrayFromHeap(part) as Float32Array;
        for (let i = 0; i < values.length; i++) total[i] += values[i];
      });
      gradient = sum;
    }
    // [fd, fh, fw, ci, co]
    return scope.finish(scope.transpose(scope.reshape(gradient, [fh, fw, fd, ci, co]), [2, 0, 1, 3, 4]));
  } finally {
    scope.dispose();
  }
}

/** Kernel config of {@link conv3D} for the `wasm` backend (replaces the stock one). */
export const conv3DConfig: KernelConfig = {
  kernelName: Conv3D,
  backendName: 'wasm',
  kernelFunc: conv3D as unknown as KernelFunc,
};

/** Kernel config of {@link conv3DBackpropInput} for the `wasm` backend (replaces the stock one). */
export const conv3DBackpropInputConfig: KernelConfig = {
  kernelName: Conv3DBackpropInputV2,
  backendName: 'wasm',
  kernelFunc: conv3DBackpropInput as unknown as KernelFunc,
};

/** Kernel config of {@link conv3DBackpropFilter} for the `wasm` backend (replaces the stock one). */
export const conv3DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv3DBackpropFilterV2,
  backendName: 'wasm',
  kernelFunc: conv3DBackpropFilter as unknown as KernelFunc,
};
