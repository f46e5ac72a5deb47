/**
 * Small canvas drawings shared by the pages: a plot area mapping data coordinates to pixels, points,
 * lines, a heat map of a function over the plane and a curve. Canvas drawing needs no inline style,
 * so it passes the site's Content-Security-Policy.
 */

/** The data rectangle a plot shows. */
export interface Extent {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Colours: class +1 / 1 (orange) and class -1 / 0 (blue), readable on white. */
export const COLORS = { positive: '#c2410c', negative: '#1d4ed8', line: '#111827', grid: '#d1d5db' };

/** A 2-D context with the data-to-pixel maps of `extent`. */
export function plotArea(canvas: HTMLCanvasElement, extent: Extent) {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser gives no 2-D canvas: the pictures cannot be drawn.');
  const { width, height } = canvas;
  const px = (x: number) => ((x - extent.xMin) / (extent.xMax - extent.xMin)) * width;
  const py = (y: number) => height - ((y - extent.yMin) / (extent.yMax - extent.yMin)) * height;
  return { ctx, width, height, px, py };
}

/** Clears the canvas to white with a light frame. */
export function clear(canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = COLORS.grid;
  ctx.strokeRect(0.5, 0.5, canvas.width - 1, canvas.height - 1);
}

/** Draws labelled points: label > 0 orange, otherwise blue; `highlight` gets a black ring. */
export function drawPoints(
  canvas: HTMLCanvasElement,
  extent: Extent,
  points: readonly (readonly number[])[],
  labels: readonly number[],
  options: { radius?: number; highlight?: number; stroke?: string } = {},
): void {
  const { ctx, px, py } = plotArea(canvas, extent);
  const r = options.radius ?? 5;
  points.forEach(([x, y], i) => {
    ctx.beginPath();
    ctx.arc(px(x), py(y), r, 0, 2 * Math.PI);
    ctx.fillStyle = labels[i] > 0 ? COLORS.positive : COLORS.negative;
    ctx.fill();
    ctx.lineWidth = i === options.highlight ? 3 : 1;
    ctx.strokeStyle = i === options.highlight ? '#000000' : (options.stroke ?? '#ffffff');
    ctx.stroke();
  });
}

/** Draws the line `w1 x + w2 y + w0 = 0` across the extent. */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  extent: Extent,
  w1: number,
  w2: number,
  w0: number,
): void {
  const { ctx, px, py } = plotArea(canvas, extent);
  ctx.beginPath();
  if (Math.abs(w2) > 1e-12) {
    const y = (x: number) => -(w1 * x + w0) / w2;
    ctx.moveTo(px(extent.xMin), py(y(extent.xMin)));
    ctx.lineTo(px(extent.xMax), py(y(extent.xMax)));
  } else if (Math.abs(w1) > 1e-12) {
    const x = -w0 / w1;
    ctx.moveTo(px(x), py(extent.yMin));
    ctx.lineTo(px(x), py(extent.yMax));
  }
  ctx.lineWidth = 2;
  ctx.strokeStyle = COLORS.line;
  ctx.stroke();
}

/**
 * Paints `values` (row-major, `rows` x `cols`, row 0 at the top, each in [0, 1]: the probability of
 * the orange class) as a blue-white-orange map filling the canvas.
 */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  rows: number,
  cols: number,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const p = Math.min(1, Math.max(0, values[i]));
    // Blend white with blue (p = 0) or orange (p = 1), lightly so the points stay readable.
    const [r, g, b] = p >= 0.5 ? [251, 146, 60] : [96, 165, 250];
    const t = Math.abs(p - 0.5) * 1.4;
    image.data[4 * i] = 255 + (r - 255) * t;
    image.data[4 * i + 1] = 255 + (g - 255) * t;
    image.data[4 * i + 2] = 255 + (b - 255) * t;
    image.data[4 * i + 3] = 255;
  }
  const small = document.createElement('canvas');
  small.width = cols;
  small.height = rows;
  small.getContext('2d')?.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** Draws one or more series as lines over their index, on the y range the values span (padded 5%). */
export function drawCurves(
  canvas: HTMLCanvasElement,
  series: readonly { values: readonly number[]; color: string }[],
): void {
  clear(canvas);
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  if (all.length === 0) return;
  const length = Math.max(2, ...series.map((s) => s.values.length));
  const low = Math.min(...all);
  const high = Math.max(...all);
  const pad = (high - low) * 0.05 || Math.abs(high) * 0.05 || 1;
  const extent = { xMin: 0, xMax: length - 1, yMin: low - pad, yMax: high + pad };
  const { ctx, px, py } = plotArea(canvas, extent);
  for (const s of series) {
    ctx.beginPath();
    for (const [i, v] of s.values.entries()) {
      if (i === 0) ctx.moveTo(px(i), py(v));
      else ctx.lineTo(px(i), py(v));
    }
    ctx.lineWidth = 2;
    ctx.strokeStyle = s.color;
    ctx.stroke();
  }
}

/** Formats a number as the texts print them: up to `digits` decimals, no trailing zeros. */
export function fmt(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toFixed(digits)));
}
