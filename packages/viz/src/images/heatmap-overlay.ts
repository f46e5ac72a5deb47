import { ConfigError, ShapeError } from '@tensorfold/core';
import { readValues, type Values } from '../data.js';
import { type ColorMap, type ColorMapName, hex } from '../svg/colors.js';
import { el } from '../svg/element.js';
import { type Figure, figure } from '../svg/figure.js';
import { formatTick } from '../svg/scale.js';
import { text } from '../svg/text.js';
import { colorMap, imageRaster, readImages, resolveRange, type ValueRange } from './pixels.js';
import { pngDataUri, type Raster } from './raster.js';

/** Options of {@link heatmapOverlay}. */
export interface HeatmapOverlayOptions {
  /** Weight of the heatmap in the blend, 0 to 1. Default 0.4 (Chollet's Grad-CAM example). */
  alpha?: number;
  /** Colour map of the heatmap. Default `jet`. */
  colorMap?: ColorMapName | ColorMap;
  /** Heatmap values for the ends of the colour map. Default: its min and max. */
  heatRange?: [number, number];
  /** Pixel range of the image. Default `auto`. */
  range?: ValueRange;
  /** Screen px per image pixel. Default: about 240 px wide. */
  scale?: number;
  /** Default `Class activation heatmap`. */
  title?: string;
}

/** Bilinear resize of a `[h, w]` map to `[height, width]` (half-pixel centres, as image resizes do). */
export function resizeBilinear(
  map: ArrayLike<number>,
  h: number,
  w: number,
  height: number,
  width: number,
): Float64Array {
  const out = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(w - 1, Math.max(0, ((x + 0.5) * w) / width - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = sx - x0;
      const top = map[y0 * w + x0] * (1 - fx) + map[y0 * w + x1] * fx;
      const bottom = map[y1 * w + x0] * (1 - fx) + map[y1 * w + x1] * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/**
 * The blend of an image and a heatmap: the heatmap is resized to the image, scaled to `heatRange`,
 * coloured and mixed in with weight `alpha`. Returns the raster and the heat range used.
 */
export async function heatmapOverlayRaster(
  image: Values,
  heatmap: Values,
  options: HeatmapOverlayOptions = {},
): Promise<{ raster: Raster; image: Raster; heatRange: [number, number] }> {
  const batch = await readImages(image, 'image', true);
  if (batch.n !== 1)
    throw new ShapeError(
      `heatmapOverlay draws one image, but got a batch of ${batch.n}; pass one image [height, width, channels].`,
    );
  const heat = await readValues(heatmap, 'heatmap');
  const hs = heat.shape.filter((d, i) => !(d === 1 && (i === 0 || i === heat.shape.length - 1)));
  if (hs.length !== 2)
    throw new ShapeError(
      `The heatmap must be 2-D [height, width] (or [1, h, w], [h, w, 1]), got [${heat.shape}].`,
    );
  const alpha = options.alpha ?? 0.4;
  if (!(alpha >= 0 && alpha <= 1)) throw new ConfigError(`alpha must be from 0 to 1, got ${alpha}.`);
  const map = colorMap(options.colorMap, 'jet');
  const range = resolveRange(options.range, batch.data);
  const base = imageRaster(batch, 0, range);
  const big = resizeBilinear(heat.data, hs[0], hs[1], batch.height, batch.width);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of heat.data)
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  const heatRange: [number, number] = options.heatRange ?? (hi > lo ? [lo, hi] : [lo, lo + 1]);
  const out: Raster = { width: base.width, height: base.height, data: new Uint8ClampedArray(base.data) };
  for (let p = 0; p < big.length; p++) {
    const c = map((big[p] - heatRange[0]) / (heatRange[1] - heatRange[0]));
    for (let ch = 0; ch < 3; ch++)
      out.data[p * 4 + ch] = Math.round((1 - alpha) * base.data[p * 4 + ch] + alpha * c[ch]);
    out.data[p * 4 + 3] = 255;
  }
  return { raster: out, image: base, heatRange };
}

/**
 * A class-activation (Grad-CAM) heatmap over its image, beside the image alone, with a colour bar that
 * says what the colours mean. `image` is `[1, h, w, c]`, `[h, w, c]` or `[h, w]`; `heatmap` is 2-D `[h', w']`
 * (any size: it is resized to the image).
 */
export async function heatmapOverlay(
  image: Values,
  heatmap: Values,
  options: HeatmapOverlayOptions = {},
): Promise<Figure> {
  const { raster, image: base, heatRange } = await heatmapOverlayRaster(image, heatmap, options);
  const scale = options.scale ?? Math.max(1, Math.round(240 / Math.max(raster.width, raster.height)));
  const w = raster.width * scale;
  const h = raster.height * scale;
  const map = colorMap(options.colorMap, 'jet');
  const top = 30;
  const barX = 16 + 2 * (w + 16);
  const steps = 32;
  const bar = Array.from({ length: steps }, (_, s) =>
    el('rect', {
      x: barX,
      y: top + (h * (steps - 1 - s)) / steps,
      width: 14,
      height: h / steps + 0.5,
      fill: hex(map(s / (steps - 1))),
    }),
  );
  const pic = (r: Raster, x: number, label: string, cls: string) =>
    el('g', { class: cls }, [
      el('image', {
        x,
        y: top,
        width: w,
        height: h,
        href: pngDataUri(r),
        preserveAspectRatio: 'none',
        style: 'image-rendering:pixelated',
      }),
      text(x + w / 2, top + h + 12, label, { anchor: 'middle', size: 11, className: 'caption' }),
    ]);
  const body = [
    pic(base, 16, 'image', 'image'),
    pic(raster, 32 + w, 'heatmap over the image', 'overlay'),
    el('g', { class: 'legend' }, [
      ...bar,
      text(barX + 18, top, formatTick(heatRange[1]), { size: 10 }),
      text(barX + 18, top + h, formatTick(heatRange[0]), { size: 10 }),
    ]),
  ].join('');
  return figure({
    width: barX + 70,
    height: top + h + 26,
    title: options.title ?? 'Class activation heatmap',
    description: `An image and the same image with a heatmap blended over it (weight ${options.alpha ?? 0.4}); the colour bar runs from ${formatTick(heatRange[0])} (low) to ${formatTick(heatRange[1])} (high).`,
    body,
  });
}
