import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';
import { dataMovementKernels } from '../simd/data-movement.js';
import { rowsFilterGradient } from '../simd/filter-gradient-rows.js';

/**
 * Whether {@link filterGradientByRows} takes a convolution of this geometry (where SIMD runs): few
 * input channels (not a multiple of 4, where the register-blocked kernel runs), output channels a
 * multiple of 8, no dilation.
 */
export function usesRowsFilterGradient(info: backend_util.Conv2DInfo): boolean {
  return (
    info.inChannels > 0 &&
    info.inChannels % 4 !== 0 &&
    info.outChannels > 0 &&
    info.outChannels % 8 === 0 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.batchSize > 0 &&
    info.outHeight > 0 &&
    info.outWidth > 0
  );
}

/**
 * The filter gradient of a convolution with few input channels (a network's first layer) by
 * tensorfold's SIMD kernel ({@link rowsFilterGradient}): `x` padded in width (zeros) so
 * that the `filterWidth * inChannels` taps of each output position along a filter row are one run
 * of floats inside the row, taken 4 at a time with 8 accumulators. Null where
 * {@link usesRowsFilterGradient} says no or SIMD does not run. Each element sums over b, oh, ow in
 * order: the same bits on any thread count.
 *
 * `x` is `[batch, height, width, inChannels]`, `dy` `[batch, outHeight, outWidth, outChannels]`;
 * the result is `[filterHeight, filterWidth, inChannels, outChannels]`.
 */
export function filterGradientByRows(
  scope: KernelScope,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | null {
  if (!usesRowsFilterGradient(info) || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const kernels = rowsFilterGradient(scope.backend);
  if (kernels == null) return null;
  const { inChannels: inC, outChannels: outC, filterHeight: fH, filterWidth: fW } = info;
  const taps = fW * inC;
  const run = Math.ceil(taps / 4) * 4;
  const step = info.strideWidth * inC;
  // Padded width: the image after padLeft zeros, and room for the last position's run.
  const left = info.padInfo.left;
  const width = Math.max(left + info.inWidth, Math.ceil(((info.outWidth - 1) * step + run) / inC));
  // [batch, height, width, inChannels], filled below (PadV2 took 0.8 ms for LeNet-5's first layer;
  // data-movement.wat, else a JavaScript loop).
  const padded = scope.allocate([info.batchSize, info.inHeight, width, inC]);
  // [filterHeight, run, outChannels]: the gradient's taps, then run - taps unused ones.
  const sums = run === taps ? null : scope.allocate([fH, run, outC]);
  const out = scope.allocate([fH, fW, inC, outC]);
  // Views after the last allocation: an allocation may move the heap.
  const { backend } = scope;
  const grad = backend.typedArrayFromHeap(out) as Float32Array;
  const target = sums == null ? grad : (backend.typedArrayFromHeap(sums) as Float32Array);
  target.fill(0);
  const from = backend.typedArrayFromHeap(x) as Float32Array;
  const to = backend.typedArrayFromHeap(padded) as Float32Array;
  const rowIn = info.inWidth * inC;
  const rowOut = width * inC;
  const before = left * inC;
  const rows = info.batchSize * info.inHeight;
  const pad = dataMovementKernels(backend, 'padRows');
  if (pad != null) {
    pad.padRows(from.byteOffset, to.byteOffset, rows, rowIn * 4, before * 4, (rowOut - before - rowIn) * 4);
  } else {
    // One pass of plain stores: short rows (28 floats) made fill/set calls cost more than the kernel.
    for (let r = 0, i = 0, o = 0; r < rows; r++) {
      let k = 0;
      for (; k < before; k++) to[o++] = 0;
      for (k = 0; k < rowIn; k++) to[o++] = from[i++];
      for (k = before + rowIn; k < rowOut; k++) to[o++] = 0;
    }
  }
  kernels.filterGradientRows(
    backend.typedArrayFromHeap(padded).byteOffset,
    backend.typedArrayFromHeap(dy).byteOffset,
    target.byteOffset,
    info.batchSize,
    info.inHeight,
    width * inC,
    info.outHeight,
    info.outWidth,
    outC,
    fH,
    info.strideHeight,
    step,
    info.padInfo.top,
    run,
  );
  if (sums != null) {
    for (let kh = 0; kh < fH; kh++) {
      grad.set(target.subarray(kh * run * outC, (kh * run + taps) * outC), kh * taps * outC);
    }
  }
  return out;
}
