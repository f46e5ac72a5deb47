import type { backend_util } from '@tensorflow/tfjs-core';

/**
 * How a 3D convolution or pool reads its input along the depth axis: output depth `od` reads input
 * depth `od * stride + tap * dilation - padFront` for `tap` in `0 .. taps - 1` (positions outside the
 * input read padding).
 */
export interface DepthTaps {
  batch: number;
  inDepth: number;
  outDepth: number;
  /** Filter (or pool window) depth. */
  taps: number;
  stride: number;
  dilation: number;
  padFront: number;
  /** Elements of one depth slice of the input: `height * width * channels`. */
  sliceSize: number;
  /** Channels of the input (the innermost axis). */
  channels: number;
}

/** The {@link DepthTaps} of a 3D convolution or pool from tfjs's geometry (NDHWC). */
export function depthTaps(info: backend_util.Conv3DInfo): DepthTaps {
  return {
    batch: info.batchSize,
    inDepth: info.inDepth,
    outDepth: info.outDepth,
    taps: info.filterDepth,
    stride: info.strideDepth,
    dilation: info.dilationDepth,
    padFront: info.padInfo.front,
    sliceSize: info.inHeight * info.inWidth * info.inChannels,
    channels: info.inChannels,
  };
}

/**
 * Largest stacked-taps tensor (floats) a kernel writes at once: 64 MB. Larger volumes are processed
 * in chunks of rows (`batch * outDepth + od`), so the heap holds the input about once, not `taps` times.
 */
export const MAX_STACKED_FLOATS = 2 ** 24;

let chunkFloats = MAX_STACKED_FLOATS;

/**
 * Sets the chunk size of stacked taps (floats; `undefined` restores {@link MAX_STACKED_FLOATS}), so that
 * tests can run the chunked paths on small tensors.
 */
export function setStackedChunkFloats(floats: number | undefined): void {
  chunkFloats = floats ?? MAX_STACKED_FLOATS;
}

/**
 * The chunks of rows of stacked taps (row `b * outDepth + od`), `[first, end)` each, such that a
 * chunk holds at most the chunk size in floats (or one row).
 */
export function rowChunks(g: DepthTaps): Array<[number, number]> {
  const total = g.batch * g.outDepth;
  const rows = Math.max(1, Math.floor(chunkFloats / (g.sliceSize * g.taps)));
  const chunks: Array<[number, number]> = [];
  for (let first = 0; first < total; first += rows) chunks.push([first, Math.min(first + rows, total)]);
  return chunks;
}

/**
 * Writes the depth taps of every output depth side by side on the channel axis:
 * `stacked[b * outDepth + od, h, w, tap * channels + c] = x[b, od * stride + tap * dilation - padFront, h, w, c]`,
 * 0 where that depth is padding. A 3D convolution of `x` is then a 2D convolution of `stacked` with
 * the filter reshaped to `[filterHeight, filterWidth, taps * channels, outChannels]`.
 *
 * Only rows `first` to `end - 1` (row `b * outDepth + od`) are written, from the start of `stacked`.
 *
 * @param x `[batch, inDepth, height, width, channels]` values.
 * @param stacked receives `[end - first, height, width, taps * channels]` values (all written).
 */
export function stackDepthTaps(
  x: Float32Array,
  g: DepthTaps,
  stacked: Float32Array,
  first = 0,
  end = g.batch * g.outDepth,
): void {
  const { inDepth, outDepth, taps, stride, dilation, padFront, sliceSize, channels } = g;
  const pixels = sliceSize / channels;
  const wide = taps * channels; // channels of a stacked pixel
  for (let row = first; row < end; row++) {
    const b = Math.floor(row / outDepth);
    const od = row - b * outDepth;
    const outBase = (row - first) * pixels * wide;
    for (let tap = 0; tap < taps; tap++) {
      const id = od * stride + tap * dilation - padFront;
      let o = outBase + tap * channels;
      if (id < 0 || id >= inDepth) {
        for (let p = 0; p < pixels; p++, o += wide) stacked.fill(0, o, o + channels);
        continue;
      }
      let i = (b * inDepth + id) * sliceSize;
      if (channels === 1) {
        for (let p = 0; p < pixels; p++, o += wide) stacked[o] = x[i++];
      } else {
        for (let p = 0; p < pixels; p++, o += wide)
          for (let c = 0; c < channels; c++) stacked[o + c] = x[i++];
      }
    }
  }
}

/**
 * The adjoint of {@link stackDepthTaps}: adds each stacked tap to the input depth it was read from,
 * `dx[b, id, h, w, c] += sum over (od, tap) reading id of stacked[b * outDepth + od, h, w, tap * channels + c]`,
 * for the rows `first` to `end - 1`, which `stacked` holds from its start. `dx` is not cleared first.
 *
 * @param stacked `[end - first, height, width, taps * channels]` values.
 * @param dx `[batch, inDepth, height, width, channels]` values, added to.
 */
export function unstackDepthTaps(
  stacked: Float32Array,
  g: DepthTaps,
  dx: Float32Array,
  first = 0,
  end = g.batch * g.outDepth,
): void {
  const { inDepth, outDepth, taps, stride, dilation, padFront, sliceSize, channels } = g;
  const pixels = sliceSize / channels;
  const wide = taps * channels;
  for (let row = first; row < end; row++) {
    const b = Math.floor(row / outDepth);
    const od = row - b * outDepth;
    const inBase = (row - first) * pixels * wide;
    for (let tap = 0; tap < taps; tap++) {
      const id = od * stride + tap * dilation - padFront;
      if (id < 0 || id >= inDepth) continue;
      let i = inBase + tap * channels;
      let o = (b * inDepth + id) * sliceSize;
      for (let p = 0; p < pixels; p++, i += wide)
        for (let c = 0; c < channels; c++) dx[o++] += stacked[i + c];
    }
  }
}
