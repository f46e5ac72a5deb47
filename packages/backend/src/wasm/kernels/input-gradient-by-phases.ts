import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from '../kernel-scope.js';
import { explicitPadding, signedPadding } from './filter-gradient-padding.js';

/** How one spatial axis of a strided input gradient splits into `stride` phases. */
interface AxisPhases {
  /** Taps of the phase filter: `ceil(filterSize / stride)`. */
  taps: number;
  /** First phase position computed: `floor(padBefore / stride)`. */
  first: number;
  /** Phase positions computed per phase. */
  count: number;
  /** Leading positions of the interleaved result to drop: `padBefore mod stride`. */
  offset: number;
}

/**
 * The phases of one axis: the input position `i` is reached by the filter taps `k ≡ (i + padBefore)
 * (mod stride)` only, from `dy` positions `q - m` where `q = floor((i + padBefore) / stride)` and
 * `k = (i + padBefore) mod stride + m * stride`.
 */
function axisPhases(inSize: number, filterSize: number, stride: number, padBefore: number): AxisPhases {
  const first = Math.floor(padBefore / stride);
  const last = Math.floor((inSize - 1 + padBefore) / stride);
  return {
    taps: Math.ceil(filterSize / stride),
    first,
    count: last - first + 1,
    offset: padBefore - first * stride,
  };
}

/**
 * The input gradient of a strided `conv2d` (the forward pass of a strided transposed convolution)
 * without the zeros a spread `dy` would multiply: the `strideHeight * strideWidth` output phases
 * (input positions with the same remainder modulo the stride) are each a dense stride-1 correlation of
 * `dy` with a sub-filter of the taps that reach them. The sub-filters are stacked along the output
 * channels, so one XNNPACK convolution computes every phase, and the phases are then interleaved
 * (sub-pixel, or depth-to-space, order) into `dx`. For a 4x4 filter at stride 2 this does a quarter of
 * the products of the spread form, and none with zeros.
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
  const { strideHeight: sh, strideWidth: sw, inChannels, outChannels } = info;
  const rows = axisPhases(info.inHeight, info.filterHeight, sh, info.padInfo.top);
  const cols = axisPhases(info.inWidth, info.filterWidth, sw, info.padInfo.left);
  // Phase position q reads dy[q - taps + 1 .. q]: pad (or crop) dy so the correlation yields `count`.
  const padRows = signedPadding(rows.taps - 1 - rows.first, rows.count + rows.first - info.outHeight);
  const padCols = signedPadding(cols.taps - 1 - cols.first, cols.count + cols.first - info.outWidth);
  // [taps_h, taps_w, outChannels, sh * sw * inChannels]
  const phaseFilter = scope.allocate([rows.taps, cols.taps, outChannels, sh * sw * inChannels]);
  writePhaseFilter(
    scope.backend.typedArrayFromHeap(filter) as Float32Array,
    scope.backend.typedArrayFromHeap(phaseFilter) as Float32Array,
    info,
    rows.taps,
    cols.taps,
  );
  // [batch, rows.count, cols.count, sh * sw * inChannels]
  const phases = scope.run('Conv2D', { x: scope.crop(dy, [padRows, padCols]), filter: phaseFilter }, {
    strides: [1, 1],
    dilations: [1, 1],
    pad: explicitPadding([padRows, padCols]),
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
  } as unknown as Record<string, never>);
  const dx = scope.allocate([info.batchSize, info.inHeight, info.inWidth, inChannels]);
  // Views after the last allocation: an allocation may move the heap.
  interleavePhases(
    scope.backend.typedArrayFromHeap(phases) as Float32Array,
    scope.backend.typedArrayFromHeap(dx) as Float32Array,
    info,
    rows,
    cols,
  );
  return dx;
}

/**
 * `phaseFilter[a, c, co, (rh * sw + rw) * inChannels + ci] = W[rh + (tapsH - 1 - a) * sh, rw + (tapsW -
 * 1 - c) * sw, ci, co]` (flipped in space: the correlation runs over `dy` forwards), zero for taps past
 * the filter's edge.
 */
function writePhaseFilter(
  w: Float32Array,
  out: Float32Array,
  info: backend_util.Conv2DInfo,
  tapsH: number,
  tapsW: number,
): void {
  const { filterHeight, filterWidth, inChannels, outChannels, strideHeight: sh, strideWidth: sw } = info;
  let write = 0;
  for (let a = 0; a < tapsH; a++) {
    for (let c = 0; c < tapsW; c++) {
      for (let co = 0; co < outChannels; co++) {
        for (let rh = 0; rh < sh; rh++) {
          const kh = rh + (tapsH - 1 - a) * sh;
          for (let rw = 0; rw < sw; rw++) {
            const kw = rw + (tapsW - 1 - c) * sw;
            if (kh >= filterHeight || kw >= filterWidth) {
              out.fill(0, write, write + inChannels);
              write += inChannels;
              continue;
            }
            let read = (kh * filterWidth + kw) * inChannels * outChannels + co;
            for (let ci = 0; ci < inChannels; ci++, read += outChannels) out[write++] = w[read];
          }
        }
      }
    }
  }
}

/**
 * `dx[b, i, j, ci] = phases[b, (i + offsetH) / sh, (j + offsetW) / sw, (((i + offsetH) mod sh) * sw +
 * (j + offsetW) mod sw) * inChannels + ci]` (integer division): depth-to-space, cropped.
 */
function interleavePhases(
  phases: Float32Array,
  dx: Float32Array,
  info: backend_util.Conv2DInfo,
  rows: AxisPhases,
  cols: AxisPhases,
): void {
  const { batchSize, inHeight, inWidth, inChannels, strideHeight: sh, strideWidth: sw } = info;
  const depth = sh * sw * inChannels;
  const phaseRow = cols.count * depth;
  const phaseImage = rows.count * phaseRow;
  let write = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let i = 0; i < inHeight; i++) {
      const y = i + rows.offset;
      const rowBase = b * phaseImage + Math.floor(y / sh) * phaseRow + (y % sh) * sw * inChannels;
      for (let j = 0; j < inWidth; j++) {
        const x = j + cols.offset;
        let read = rowBase + Math.floor(x / sw) * depth + (x % sw) * inChannels;
        if (inChannels >= 16) {
          dx.set(phases.subarray(read, read + inChannels), write);
          write += inChannels;
        } else {
          for (let ci = 0; ci < inChannels; ci++) dx[write++] = phases[read++];
        }
      }
    }
  }
}
