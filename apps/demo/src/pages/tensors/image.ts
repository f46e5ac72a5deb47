/**
 * The image the decompositions compress: a 32 x 32 colour picture drawn by formula (a sun, a sky
 * gradient, a striped hill), so nothing is downloaded. Values in [0, 1], `[height, width, 3]`.
 */
import { SIZE } from './state';

/** The picture as `[SIZE][SIZE][3]` numbers in [0, 1]. */
export function testImage(): number[][][] {
  return Array.from({ length: SIZE }, (_, r) =>
    Array.from({ length: SIZE }, (_, c) => {
      const x = c / (SIZE - 1);
      const y = r / (SIZE - 1);
      const hill = y > 0.65 + 0.15 * Math.sin(x * Math.PI * 2);
      const sun = Math.hypot(x - 0.7, y - 0.3) < 0.15;
      if (sun) return [1, 0.85, 0.2];
      if (hill) return c % 4 < 2 ? [0.15, 0.55, 0.2] : [0.1, 0.4, 0.15];
      return [0.35 + 0.4 * y, 0.6 + 0.3 * y, 0.95];
    }),
  );
}

/** Paints `[SIZE, SIZE, 3]` values (row-major, clipped to [0, 1]) onto `canvas`, scaled up without smoothing. */
export function paintImage(canvas: HTMLCanvasElement, values: ArrayLike<number>): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(SIZE, SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) {
    for (let k = 0; k < 3; k++)
      image.data[4 * i + k] = Math.round(255 * Math.min(1, Math.max(0, values[3 * i + k])));
    image.data[4 * i + 3] = 255;
  }
  const small = document.createElement('canvas');
  small.width = SIZE;
  small.height = SIZE;
  small.getContext('2d')?.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}
