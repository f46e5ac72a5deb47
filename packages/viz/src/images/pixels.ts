import { ConfigError, ShapeError } from '@tensorfold/core';
import { readValues, type Values } from '../data.js';
import { COLOR_MAPS, type ColorMap, type ColorMapName } from '../svg/colors.js';
import { createRaster, type Raster } from './raster.js';

/** A batch of images read from a tensor: `[n, height, width, channels]` values. */
export interface ImageBatch {
  n: number;
  height: number;
  width: number;
  channels: number;
  data: ArrayLike<number>;
}

/**
 * Reads images `[n, height, width, channels]` (1, 3 or 4 channels) or `[n, height, width]`
 * (grayscale); with `single`, one image `[height, width, channels]` or `[height, width]` instead of
 * the rank-3 batch. Anything else is a {@link ShapeError} that says which shapes fit.
 */
export async function readImages(images: Values, what = 'images', single = false): Promise<ImageBatch> {
  const { data, shape } = await readValues(images, what);
  const fits = single
    ? 'give one image [height, width, channels] with 1 (gray), 3 (RGB) or 4 (RGBA) channels, [height, width] for gray, or [1, height, width, channels]'
    : 'give [n, height, width, channels] with 1 (gray), 3 (RGB) or 4 (RGBA) channels, or [n, height, width] for gray images; for a single image add a batch axis (tf.expandDims(image, 0))';
  if (single && shape.length === 2) return { n: 1, height: shape[0], width: shape[1], channels: 1, data };
  if (single && shape.length === 3) {
    if (![1, 3, 4].includes(shape[2])) throw new ShapeError(`${what} has shape [${shape}]: ${fits}.`);
    return { n: 1, height: shape[0], width: shape[1], channels: shape[2], data };
  }
  if (shape.length === 3) return { n: shape[0], height: shape[1], width: shape[2], channels: 1, data };
  if (shape.length !== 4)
    throw new ShapeError(`${what} have shape [${shape}] (rank ${shape.length}): ${fits}.`);
  const [n, height, width, channels] = shape;
  if (![1, 3, 4].includes(channels))
    throw new ShapeError(
      `${what} have ${channels} channels (shape [${shape}]): ${fits}. For feature maps with many channels use featureMaps.`,
    );
  return { n, height, width, channels, data };
}

/** How pixel values map to brightness: `[lo, hi]` to 0..255, or `auto`. */
export type ValueRange = [number, number] | 'auto';

/**
 * The value range of images: `[0, 1]` when every finite value is in it, else `[0, 255]`, else
 * `[-1, 1]` (tanh outputs), else the data's own min and max.
 */
export function autoRange(data: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [0, 1];
  if (lo >= 0 && hi <= 1) return [0, 1];
  if (lo >= 0 && hi <= 255) return [0, 255];
  if (lo >= -1 && hi <= 1) return [-1, 1];
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

/** Checks a value range option, resolving `auto` against `data`. */
export function resolveRange(range: ValueRange | undefined, data: ArrayLike<number>): [number, number] {
  if (range === undefined || range === 'auto') return autoRange(data);
  const [lo, hi] = range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo))
    throw new ConfigError(
      `range must be [lo, hi] with lo < hi (e.g. [0, 1] or [0, 255]), got [${lo}, ${hi}].`,
    );
  return range;
}

/** Byte of `v` in `[lo, hi]`, rounded; NaN becomes 0. */
export function toByte(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return v === Number.POSITIVE_INFINITY ? 255 : 0;
  return Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255)));
}

/** Image `i` of a batch as an RGBA raster, values mapped from `[lo, hi]` to 0..255 (gray repeated to RGB). */
export function imageRaster(batch: ImageBatch, i: number, [lo, hi]: [number, number]): Raster {
  const { height, width, channels, data } = batch;
  const raster = createRaster(width, height);
  const base = i * height * width * channels;
  for (let p = 0; p < height * width; p++) {
    const s = base + p * channels;
    const d = p * 4;
    if (channels === 1) {
      const g = toByte(data[s], lo, hi);
      raster.data[d] = g;
      raster.data[d + 1] = g;
      raster.data[d + 2] = g;
    } else {
      raster.data[d] = toByte(data[s], lo, hi);
      raster.data[d + 1] = toByte(data[s + 1], lo, hi);
      raster.data[d + 2] = toByte(data[s + 2], lo, hi);
      if (channels === 4) raster.data[d + 3] = toByte(data[s + 3], lo, hi);
    }
  }
  return raster;
}

/** Resolves a colour map option (name or function). */
export function colorMap(map: ColorMapName | ColorMap | undefined, fallback: ColorMapName): ColorMap {
  if (typeof map === 'function') return map;
  const name = map ?? fallback;
  const found = COLOR_MAPS[name];
  if (!found)
    throw new ConfigError(`Unknown colour map "${name}"; use one of ${Object.keys(COLOR_MAPS).join(', ')}.`);
  return found;
}

/**
 * One channel of a `[height, width, channels]` block as a colour-mapped raster, scaled by its own
 * min and max (a constant channel is drawn at the map's low end).
 */
export function channelRaster(
  data: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  channel: number,
  offset: number,
  map: ColorMap,
): Raster {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < height * width; p++) {
    const v = data[offset + p * channels + channel];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const raster = createRaster(width, height);
  for (let p = 0; p < height * width; p++) {
    const v = data[offset + p * channels + channel];
    const t = hi > lo ? (v - lo) / (hi - lo) : 0;
    const [r, g, b] = map(t);
    raster.data[p * 4] = r;
    raster.data[p * 4 + 1] = g;
    raster.data[p * 4 + 2] = b;
  }
  return raster;
}
