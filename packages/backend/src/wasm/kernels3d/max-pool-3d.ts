import {
  type backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPool3D,
  type MaxPool3DAttrs,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { pool3DInfo } from '../../kernels3d/pool-3d-info.js';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';

/**
 * `maxPool3d` (NDHWC). Stock tfjs-backend-wasm 4.22 returns wrong maxima (with 'same' padding, and
 * with 'valid' padding for some channel counts). Here the maximum is taken in two steps: over the
 * window's depth taps in one pass on the WASM heap, which also lays out each output depth's plane
 * with its height and width padding (-Infinity, so padding never wins), then over height and width
 * by stock XNNPACK `MaxPool` with 'valid' padding. As on the CPU backend, NaN never wins a window.
 */
function maxPool3D(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackendLike;
  attrs: MaxPool3DAttrs;
}): TensorInfo {
  const { x } = args.inputs;
  const info = pool3DInfo(x.shape, args.attrs);
  const { batchSize, outDepth, outHeight, outWidth, inChannels } = info;
  // The planes' extents: exactly what the 2D pool's windows cover.
  const planeHeight = (outHeight - 1) * info.strideHeight + info.filterHeight;
  const planeWidth = (outWidth - 1) * info.strideWidth + info.filterWidth;
  const scope = new KernelScope(args.backend);
  try {
    // [batch * outDepth, planeHeight, planeWidth, channels]
    const planes = scope.allocate([batchSize * outDepth, planeHeight, planeWidth, inChannels], 'float32');
    depthMaxima(
      args.backend.typedArrayFromHeap(x) as Float32Array,
      info,
      planeHeight,
      planeWidth,
      args.backend.typedArrayFromHeap(planes) as Float32Array,
    );
    // [batch * outDepth, outHeight, outWidth, channels]
    const pooled = scope.run('MaxPool', { x: planes }, {
      filterSize: [info.filterHeight, info.filterWidth],
      strides: [info.strideHeight, info.strideWidth],
      pad: 'valid',
      dimRoundingMode: undefined,
    } as unknown as NamedAttrMap);
    return scope.finish(scope.reshape(pooled, [batchSize, outDepth, outHeight, outWidth, inChannels]));
  } finally {
    scope.dispose();
  }
}

/**
 * `planes[b * outDepth + od, r, q, c] = max over the window's depth taps d of x[b, d, r - top, q - left, c]`,
 * -Infinity where `(r - top, q - left)` is outside the input or no tap is inside it. NaN never wins
 * (and never reaches the planes, so XNNPACK's pool sees none).
 */
function depthMaxima(
  x: Float32Array,
  info: backend_util.Conv3DInfo,
  planeHeight: number,
  planeWidth: number,
  planes: Float32Array,
): void {
  const { batchSize, inDepth, inHeight, inWidth, inChannels: channels, outDepth } = info;
  const { strideDepth, filterDepth } = info;
  const { front, top, left } = info.padInfo;
  const rowSize = inWidth * channels;
  const sliceSize = inHeight * rowSize;
  const planeRow = planeWidth * channels;
  const planeSize = planeHeight * planeRow;
  // Whether the first depth tap writes every element of a plane (no height or width padding).
  const covered = top === 0 && left === 0 && planeHeight <= inHeight && planeWidth <= inWidth;
  if (!covered) planes.fill(Number.NEGATIVE_INFINITY);
  const rowFirst = Math.max(top, 0);
  const rowLast = Math.min(inHeight + top, planeHeight); // exclusive, in plane rows
  const colFirst = Math.max(left, 0);
  const colLast = Math.min(inWidth + left, planeWidth);
  const span = (colLast - colFirst) * channels; // elements of a plane row the input reaches
  for (let b = 0; b < batchSize; b++) {
    for (let od = 0; od < outDepth; od++) {
      const plane = (b * outDepth + od) * planeSize;
      const first = Math.max(od * strideDepth - front, 0);
      const last = Math.min(od * strideDepth - front + filterDepth, inDepth); // exclusive
      if (covered && last <= first) planes.fill(Number.NEGATIVE_INFINITY, plane, plane + planeSize);
      for (let d = first; d < last; d++) {
        const slice = (b * inDepth + d) * sliceSize;
        const copy = covered && d === first;
        for (let r = rowFirst; r < rowLast; r++) {
          const from = slice + (r - top) * rowSize + (colFirst - left) * channels;
          const to = plane + r * planeRow + colFirst * channels;
          if (copy) {
            for (let k = 0; k < span; k++) {
              const v = x[from + k];
              planes[to + k] = Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v;
            }
          } else {
            for (let k = 0; k < span; k++) {
              const v = x[from + k];
              if (v > planes[to + k]) planes[to + k] = v;
            }
          }
        }
      }
    }
  }
}

/** Kernel config of {@link maxPool3D} for the `wasm` backend (replaces the stock one). */
export const maxPool3DConfig: KernelConfig = {
  kernelName: MaxPool3D,
  backendName: 'wasm',
  kernelFunc: maxPool3D as unknown as KernelFunc,
};
