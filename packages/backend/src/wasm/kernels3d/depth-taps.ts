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
 * Writes the depth taps of every output depth side by side on the channel axis:
 * `stacked[b * outDepth + od, h, w, tap * channels + c] = x[b, od * stride + tap * dilation - padFront, h, w, c]`,
 * 0 where that depth is padding. A 3D convolution of `x` is then a 2D convolution of `stacked` with
 * the filter reshaped to `[filterHeight, filterWidth, taps * channels, outChannels]`.
 *
 * @param x `[batch, inDepth, height, width, channels]` values.
 * @param stacked receives `[batch * outDepth, height, width, taps * channels]` values (all written).
 */
export function stackDepthTaps(x: Float32Array, g: DepthTaps, stacked: Float32Array): void {
  const { batch, inDepth, outDepth, taps, stride, dilation, padFront, sliceSize, channels } = g;
  const pixels = sliceSize / channels;
  const wide = taps * channels; // channels of a stacked pixel
  for (let b = 0; b < batch; b++) {
    for (let od = 0; od < outDepth; od++) {
      const outBase = (b * outDepth + od) * pixels * wide;
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
}

/**
 * The adjoint of {@link stackDepthTaps}: adds each stacked tap back to the input depth it was read
 * from, `dx[b, id, h, w, c] = sum over (od, tap) reading id of stacked[b * outDepth + od, h, w, tap * channels + c]`.
 *
 * @param stacked `[batch * outDepth, height, width, taps * channels]` values.
 * @param dx receives `[batch, inDepth, height, width, channels]` values (all written).
 */
export function unstackDepthTaps(stacked: Float32Array, g: DepthTaps, dx: Float32Array): void {
  const { batch, inDepth, outDepth, taps, stride, dilation, padFront, sliceSize, channels } = g;
  const pixels = sliceSize / channels;
  const wide = taps * channels;
  dx.fill(0);
  for (let b = 0; b < batch; b++) {
    for (let od = 0; od < outDepth; od++) {
      const inBase = (b * outDepth + od) * pixels * wide;
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
}
