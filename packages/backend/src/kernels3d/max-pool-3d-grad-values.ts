import type { backend_util } from '@tensorflow/tfjs-core';

/**
 * The values of `MaxPool3DGrad` (NDHWC): each window's `dy` goes to the last position (in depth,
 * row, column order) that holds the window's maximum, which is where the CPU backend's forward scan
 * (`>=`) ends. A window of NaN passes no gradient; one whose maximum is -Infinity passes it to its
 * last -Infinity. One pass, channels innermost. Shared by tensorfold's CPU and WASM kernels.
 *
 * @param x the pooled input's values.
 * @param dy the gradient of the pool's output.
 * @param dx receives the gradient of the input (every element written).
 */
export function maxPool3DGradValues(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  dx: { [index: number]: number; fill(value: number): unknown },
  info: backend_util.Conv3DInfo,
): void {
  const { batchSize, inDepth, inHeight, inWidth, inChannels: channels } = info;
  const { outDepth, outHeight, outWidth, strideDepth, strideHeight, strideWidth } = info;
  const { filterDepth, filterHeight, filterWidth } = info;
  const { front, top, left } = info.padInfo;
  const rowSize = inWidth * channels;
  const sliceSize = inHeight * rowSize;
  const best = new Float32Array(channels);
  const at = new Int32Array(channels);
  dx.fill(0);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const volume = b * inDepth * sliceSize;
    for (let od = 0; od < outDepth; od++) {
      const d0 = Math.max(od * strideDepth - front, 0);
      const d1 = Math.min(od * strideDepth - front + filterDepth, inDepth);
      for (let oh = 0; oh < outHeight; oh++) {
        const h0 = Math.max(oh * strideHeight - top, 0);
        const h1 = Math.min(oh * strideHeight - top + filterHeight, inHeight);
        for (let ow = 0; ow < outWidth; ow++, o += channels) {
          const w0 = Math.max(ow * strideWidth - left, 0);
          const w1 = Math.min(ow * strideWidth - left + filterWidth, inWidth);
          best.fill(Number.NEGATIVE_INFINITY);
          at.fill(-1);
          for (let d = d0; d < d1; d++) {
            for (let h = h0; h < h1; h++) {
              let p = volume + d * sliceSize + h * rowSize + w0 * channels;
              for (let w = w0; w < w1; w++) {
                for (let c = 0; c < channels; c++, p++) {
                  // >=: the last of equal maxima wins, as on the CPU backend.
                  if (x[p] >= best[c]) {
                    best[c] = x[p];
                    at[c] = p;
                  }
                }
              }
            }
          }
          for (let c = 0; c < channels; c++) if (at[c] >= 0) dx[at[c]] += dy[o + c];
        }
      }
    }
  }
}
