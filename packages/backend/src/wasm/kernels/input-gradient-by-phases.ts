import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';
import { explicitPadding, signedPadding } from './filter-gradient-padding.js';

/** One phase of one spatial axis: the input positions `q * stride + phase - padBefore`. */
interface AxisPhase {
  /** The phase: `(i + padBefore) mod stride` of its input positions `i`. */
  phase: number;
  /** Filter taps that reach it: `phase, phase + stride, ...` below the filter size. */
  taps: number;
  /** Its first position's `q`. */
  first: number;
  /** Its number of input positions. */
  count: number;
}

/**
 * Phase `phase` of one axis: the input position `i = q * stride + phase - padBefore` is reached by the
 * filter taps `k = phase + m * stride` only, from `dy` position `q - m`.
 */
function axisPhase(
  phase: number,
  inSize: number,
  filterSize: number,
  stride: number,
  padBefore: number,
): AxisPhase {
  const first = Math.ceil((padBefore - phase) / stride);
  const last = Math.floor((inSize - 1 + padBefore - phase) / stride);
  return {
    phase,
    taps: Math.max(Math.ceil((filterSize - phase) / stride), 0),
    first,
    count: last - first + 1,
  };
}

/** A computed phase: its rows and columns and its `[batch, rows.count, cols.count, inChannels]` result. */
interface Phase {
  rows: AxisPhase;
  cols: AxisPhase;
  result: TensorInfo;
}

/**
 * The input gradient of a strided `conv2d` (the forward pass of a strided transposed convolution)
 * without the zeros a spread `dy` would multiply: each of the `strideHeight * strideWidth` output
 * phases (input positions with the same remainders modulo the strides) is a dense stride-1 XNNPACK
 * correlation of `dy` with the sub-filter of the taps that reach it, and the phases are then
 * interleaved (sub-pixel, or depth-to-space, order) into `dx`. At stride 2 this does a quarter of the
 * products of the spread form, and none with zeros.
 *
 * `dy` is `[batch, outHeight, outWidth, outChannels]` (NHWC), `filter` `[filterHeight, filterWidth,
 * inChannels, outChannels]`; the result is `[batch, inHeight, inWidth, inChannels]`. Needs dilation 1.
 */
export function inputGradientByPhases(
  scope: KernelScope,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const phases: Phase[] = [];
  let complete = true;
  for (let rh = 0; rh < info.strideHeight; rh++) {
    const rows = axisPhase(rh, info.inHeight, info.filterHeight, info.strideHeight, info.padInfo.top);
    for (let rw = 0; rw < info.strideWidth; rw++) {
      const cols = axisPhase(rw, info.inWidth, info.filterWidth, info.strideWidth, info.padInfo.left);
      if (rows.count <= 0 || cols.count <= 0) continue; // no input position has this phase
      const result = phaseGradient(scope, dy, filter, info, rows, cols);
      if (result == null) complete = false;
      else phases.push({ rows, cols, result });
    }
  }
  const dx = scope.allocate([info.batchSize, info.inHeight, info.inWidth, info.inChannels]);
  // Views after the last allocation: an allocation may move the heap.
  const out = scope.backend.typedArrayFromHeap(dx) as Float32Array;
  if (!complete) out.fill(0);
  for (const phase of phases)
    interleavePhase(scope.backend.typedArrayFromHeap(phase.result) as Float32Array, out, info, phase);
  return dx;
}

/**
 * One phase's gradient, `[batch, rows.count, cols.count, inChannels]`: `dy` (padded or cropped so that
 * phase position `q` reads `dy[q - taps + 1 .. q]`) correlated with the phase's sub-filter. Null where
 * no filter tap or no `dy` position reaches the phase (its gradient is zero).
 */
function phaseGradient(
  scope: KernelScope,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
  rows: AxisPhase,
  cols: AxisPhase,
): TensorInfo | null {
  if (rows.taps === 0 || cols.taps === 0) return null;
  const padRows = signedPadding(rows.taps - 1 - rows.first, rows.count + rows.first - info.outHeight);
  const padCols = signedPadding(cols.taps - 1 - cols.first, cols.count + cols.first - info.outWidth);
  if (
    info.outHeight - padRows.cropBefore - padRows.cropAfter <= 0 ||
    info.outWidth - padCols.cropBefore - padCols.cropAfter <= 0
  )
    return null; // the phase reads only the forward pass's padding
  // [rows.taps, cols.taps, outChannels, inChannels]
  const subFilter = scope.allocate([rows.taps, cols.taps, info.outChannels, info.inChannels]);
  writeSubFilter(
    scope.backend.typedArrayFromHeap(filter) as Float32Array,
    scope.backend.typedArrayFromHeap(subFilter) as Float32Array,
    info,
    rows,
    cols,
  );
  return scope.run('Conv2D', { x: scope.crop(dy, [padRows, padCols]), filter: subFilter }, {
    strides: [1, 1],
    dilations: [1, 1],
    pad: explicitPadding([padRows, padCols]),
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
  } as unknown as Record<string, never>);
}

/**
 * `sub[a, c, co, ci] = W[rows.phase + (rows.taps - 1 - a) * strideHeight, cols.phase + (cols.taps - 1 -
 * c) * strideWidth, ci, co]`: the phase's taps, flipped in space (the correlation runs over `dy`
 * forwards), with the channel axes swapped.
 */
function writeSubFilter(
  w: Float32Array,
  sub: Float32Array,
  info: backend_util.Conv2DInfo,
  rows: AxisPhase,
  cols: AxisPhase,
): void {
  const { filterWidth, inChannels, outChannels, strideHeight, strideWidth } = info;
  let write = 0;
  for (let a = 0; a < rows.taps; a++) {
    const kh = rows.phase + (rows.taps - 1 - a) * strideHeight;
    for (let c = 0; c < cols.taps; c++) {
      const kw = cols.phase + (cols.taps - 1 - c) * strideWidth;
      const tap = (kh * filterWidth + kw) * inChannels * outChannels;
      for (let co = 0; co < outChannels; co++) {
        let read = tap + co;
        for (let ci = 0; ci < inChannels; ci++, read += outChannels) sub[write++] = w[read];
      }
    }
  }
}

/** `dx[b, q * sh + rows.phase - pt, p * sw + cols.phase - pl, :] = result[b, q - rows.first, p - cols.first, :]`. */
function interleavePhase(
  result: Float32Array,
  dx: Float32Array,
  info: backend_util.Conv2DInfo,
  phase: Phase,
): void {
  const { batchSize, inHeight, inWidth, inChannels, strideHeight, strideWidth } = info;
  const { rows, cols } = phase;
  const step = strideWidth * inChannels;
  const i0 = rows.first * strideHeight + rows.phase - info.padInfo.top;
  const j0 = cols.first * strideWidth + cols.phase - info.padInfo.left;
  let read = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let q = 0; q < rows.count; q++) {
      let write = ((b * inHeight + i0 + q * strideHeight) * inWidth + j0) * inChannels;
      if (inChannels >= 16) {
        for (let p = 0; p < cols.count; p++, write += step, read += inChannels)
          dx.set(result.subarray(read, read + inChannels), write);
      } else {
        for (let p = 0; p < cols.count; p++, write += step - inChannels)
          for (let ci = 0; ci < inChannels; ci++) dx[write++] = result[read++];
      }
    }
  }
}
