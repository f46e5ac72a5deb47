/**
 * Canvas pictures of the Convnets page: grayscale images, grids of feature maps or filters, and a
 * Grad-CAM heatmap over a digit. Everything is drawn pixel by pixel, scaled without smoothing.
 */

/** Paints `values` (`rows` x `cols`, row-major) as gray, `low` black and `high` white, filling the canvas. */
export function paintGray(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  low = 0,
  high = 1,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = new ImageData(cols, rows);
  const span = high - low || 1;
  for (let i = 0; i < rows * cols; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, (values[i] - low) / span)));
    image.data.set([v, v, v, 255], 4 * i);
  }
  blit(ctx, image, canvas.width, canvas.height);
}

/** One tile of a grid: a `rows` x `cols` picture whose value at (r, c) is `at(r, c)`. */
export interface Tile {
  rows: number;
  cols: number;
  at: (r: number, c: number) => number;
}

/**
 * Paints tiles in a grid of `columns` (each tile scaled by `zoom`, 2 px apart), each tile on its own
 * range (min black, max white), and sizes the canvas to fit. Returns how many tiles were drawn.
 */
export function paintTiles(
  canvas: HTMLCanvasElement,
  tiles: readonly Tile[],
  columns: number,
  zoom: number,
): number {
  if (tiles.length === 0) return 0;
  const { rows, cols } = tiles[0];
  const gap = 2;
  const gridRows = Math.ceil(tiles.length / columns);
  canvas.width = columns * (cols * zoom + gap) - gap;
  canvas.height = gridRows * (rows * zoom + gap) - gap;
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  tiles.forEach((tile, i) => {
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = tile.at(r, c);
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
    }
    const image = new ImageData(cols, rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = high > low ? Math.round((255 * (tile.at(r, c) - low)) / (high - low)) : 0;
        image.data.set([v, v, v, 255], 4 * (r * cols + c));
      }
    }
    const small = document.createElement('canvas');
    small.width = cols;
    small.height = rows;
    small.getContext('2d')?.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    const x = (i % columns) * (cols * zoom + gap);
    const y = Math.floor(i / columns) * (rows * zoom + gap);
    ctx.drawImage(small, x, y, cols * zoom, rows * zoom);
  });
  return tiles.length;
}

/** The digit in gray with the heatmap (`[28 * 28]` in [0, 1]) over it in red-yellow, half transparent. */
export function paintCam(
  canvas: HTMLCanvasElement,
  digit: ArrayLike<number>,
  cam: ArrayLike<number>,
  side: number,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = new ImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const g = 255 * digit[i] * 0.6;
    const h = Math.min(1, Math.max(0, cam[i]));
    // Heat: transparent blue-black at 0, red at 0.5, yellow at 1, blended over the gray digit.
    const [r, gr, b] = [255 * Math.min(1, 2 * h), 255 * Math.max(0, 2 * h - 1), 0];
    const a = 0.65 * h;
    image.data.set([g * (1 - a) + r * a, g * (1 - a) + gr * a, g * (1 - a) + b * a, 255], 4 * i);
  }
  blit(ctx, image, canvas.width, canvas.height);
}

function blit(ctx: CanvasRenderingContext2D, image: ImageData, width: number, height: number): void {
  const small = document.createElement('canvas');
  small.width = image.width;
  small.height = image.height;
  small.getContext('2d')?.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, width, height);
}
