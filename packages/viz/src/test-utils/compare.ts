import { decode } from 'fast-png';

/** How two PNGs differ: the share of pixels whose largest channel difference exceeds `threshold`, and the mean difference. */
export interface PngDifference {
  width: number;
  height: number;
  /** Share of pixels differing by more than the threshold in some channel, 0 to 1. */
  differing: number;
  /** Mean absolute difference over all RGB channels, 0 to 255. */
  mean: number;
}

/** Compares two RGB(A) 8-bit PNGs of the same size (throws when sizes differ). */
export function comparePngs(a: Uint8Array, b: Uint8Array, threshold = 64): PngDifference {
  const x = decode(a);
  const y = decode(b);
  if (x.width !== y.width || x.height !== y.height)
    throw new Error(`sizes differ: ${x.width}x${x.height} vs ${y.width}x${y.height}`);
  const n = x.width * x.height;
  let differing = 0;
  let sum = 0;
  for (let p = 0; p < n; p++) {
    let worst = 0;
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(Number(x.data[p * x.channels + c]) - Number(y.data[p * y.channels + c]));
      sum += d;
      worst = Math.max(worst, d);
    }
    if (worst > threshold) differing++;
  }
  return { width: x.width, height: x.height, differing: differing / n, mean: sum / (3 * n) };
}
