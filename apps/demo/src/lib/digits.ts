/**
 * The MNIST test digits the site ships (`data/digits-test.bin`, written by `scripts/train-digits.ts`):
 * a byte per label, then 784 bytes per 28 x 28 image (0-255), read into tensors in [0, 1].
 */
import { DataError, tf } from '@tensorfold/core';
import { siteUrl } from './shipped';

/** Test images shipped. */
export const TEST_DIGITS = 500;
/** Latent size of the shipped DCGAN generator. */
export const DCGAN_LATENT = 32;

/** The shipped test digits. */
export interface Digits {
  /** `[count, 28, 28, 1]` float32 in [0, 1]. */
  images: tf.Tensor4D;
  /** The digit of each image. */
  labels: Uint8Array;
}

/** Parses the bytes of `digits-test.bin`. @throws DataError when the length is not whole images. */
export function parseDigits(bytes: Uint8Array): Digits {
  const count = bytes.length / 785;
  if (!Number.isInteger(count) || count < 1)
    throw new DataError(
      `digits-test.bin holds ${bytes.length} bytes, not whole labelled 28 x 28 images (785 bytes each); rerun scripts/train-digits.ts test.`,
    );
  const labels = bytes.slice(0, count);
  const pixels = Float32Array.from(bytes.subarray(count), (v) => v / 255);
  return { images: tf.tensor4d(pixels, [count, 28, 28, 1]), labels };
}

/** Fetches the shipped test digits from the site. */
export async function fetchDigits(): Promise<Digits> {
  const response = await fetch(siteUrl('data/digits-test.bin'));
  if (!response.ok) throw new DataError(`The test digits did not load (HTTP ${response.status}).`);
  return parseDigits(new Uint8Array(await response.arrayBuffer()));
}

/**
 * Paints `count` 28 x 28 grey images (`pixels`: `[count * 784]` in [0, 1], white ink on black as MNIST)
 * in a grid of `cols` columns, each pixel `scale` canvas pixels wide.
 */
export function paintDigits(
  canvas: HTMLCanvasElement,
  pixels: ArrayLike<number>,
  count: number,
  cols: number,
  scale = 2,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const rows = Math.ceil(count / cols);
  const image = ctx.createImageData(cols * 28, rows * 28);
  for (let n = 0; n < count; n++) {
    const [r0, c0] = [Math.floor(n / cols) * 28, (n % cols) * 28];
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, pixels[n * 784 + y * 28 + x] as number)));
        const at = 4 * ((r0 + y) * cols * 28 + c0 + x);
        image.data.set([v, v, v, 255], at);
      }
  }
  const small = document.createElement('canvas');
  small.width = cols * 28;
  small.height = rows * 28;
  small.getContext('2d')?.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, cols * 28 * scale, rows * 28 * scale);
}
