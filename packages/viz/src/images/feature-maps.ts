import { ConfigError, ShapeError } from '@tensorfold/core';
import { readValues, type Values } from '../data.js';
import type { ColorMap, ColorMapName } from '../svg/colors.js';
import type { Figure } from '../svg/figure.js';
import { channelRaster, colorMap } from './pixels.js';
import { createRaster } from './raster.js';
import { type GridLayoutOptions, type Tile, tileGrid } from './tile-grid.js';

/** Options of {@link featureMaps} and {@link filterGrid}. */
export interface FeatureMapOptions extends GridLayoutOptions {
  /** Draw at most this many channels (the first ones). Default 64. */
  max?: number;
  /** Colour map of each (min-max scaled) channel. Default `viridis` for feature maps, `grays` for filters. */
  colorMap?: ColorMapName | ColorMap;
  /** Title. Default `Feature maps (C channels)` / `Filters (...)`. */
  title?: string;
}

function limit(count: number, max: number | undefined, what: string): { shown: number; notes: string[] } {
  const m = max ?? 64;
  if (!(Number.isInteger(m) && m >= 1)) throw new ConfigError(`max must be a whole number >= 1, got ${m}.`);
  const shown = Math.min(count, m);
  return {
    shown,
    notes: shown < count ? [`Showing the first ${shown} of ${count} ${what}; raise max to see more.`] : [],
  };
}

/**
 * The channels of one layer's activation, each scaled to its own range (as in Chollet's "visualizing
 * intermediate activations"): `[1, height, width, channels]` or `[height, width, channels]`.
 */
export async function featureMaps(activation: Values, options: FeatureMapOptions = {}): Promise<Figure> {
  const { data, shape } = await readValues(activation, 'activation');
  const s = shape.length === 4 && shape[0] === 1 ? shape.slice(1) : shape;
  if (s.length !== 3)
    throw new ShapeError(
      `featureMaps needs one image's activation [1, height, width, channels] or [height, width, channels], got [${shape}]. Slice one sample out of a batch first.`,
    );
  const [h, w, c] = s;
  const { shown, notes } = limit(c, options.max, 'channels');
  const map = colorMap(options.colorMap, 'viridis');
  const tiles: Tile[] = Array.from({ length: shown }, (_, ch) => ({
    raster: channelRaster(data, h, w, c, ch, 0, map),
    caption: String(ch),
  }));
  return tileGrid(tiles, {
    columns: options.columns ?? Math.min(16, Math.ceil(Math.sqrt(shown))),
    scale: options.scale,
    gap: options.gap ?? 4,
    title: options.title ?? `Feature maps (${c} channels, ${h}x${w})`,
    description: `${shown} channels of a ${h} by ${w} activation, each scaled from its own minimum (dark) to maximum (bright).`,
    notes,
  });
}

/**
 * The kernels of a 2-D convolution `[kernelHeight, kernelWidth, inChannels, outChannels]`, one tile
 * per output filter, each scaled to its own range: in colour when there are 3 input channels (a first
 * layer on RGB images), else input channel `inputChannel` (default 0) through the colour map.
 */
export async function filterGrid(
  kernel: Values,
  options: FeatureMapOptions & { inputChannel?: number } = {},
): Promise<Figure> {
  const { data, shape } = await readValues(kernel, 'kernel');
  if (shape.length !== 4)
    throw new ShapeError(
      `filterGrid needs a conv2d kernel [kernelHeight, kernelWidth, inChannels, outChannels], got [${shape}] (layer.weights[0].read() of a conv2d layer).`,
    );
  const [kh, kw, cin, cout] = shape;
  const inputChannel = options.inputChannel ?? 0;
  if (!(Number.isInteger(inputChannel) && inputChannel >= 0 && inputChannel < cin))
    throw new ConfigError(`inputChannel must be a whole number from 0 to ${cin - 1}, got ${inputChannel}.`);
  const { shown, notes } = limit(cout, options.max, 'filters');
  const rgb = cin === 3 && options.colorMap === undefined;
  const map = colorMap(options.colorMap, 'grays');
  // Element (y, x, i, o) sits at ((y * kw + x) * cin + i) * cout + o.
  const tiles: Tile[] = Array.from({ length: shown }, (_, o) => {
    if (!rgb) {
      const plane = new Float64Array(kh * kw);
      for (let p = 0; p < kh * kw; p++) plane[p] = data[(p * cin + inputChannel) * cout + o];
      return { raster: channelRaster(plane, kh, kw, 1, 0, 0, map), caption: String(o) };
    }
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let p = 0; p < kh * kw * 3; p++) {
      const v = data[p * cout + o];
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const raster = createRaster(kw, kh);
    for (let p = 0; p < kh * kw; p++)
      for (let ch = 0; ch < 3; ch++) {
        const v = data[(p * 3 + ch) * cout + o];
        raster.data[p * 4 + ch] = hi > lo ? Math.round(((v - lo) / (hi - lo)) * 255) : 0;
      }
    return { raster, caption: String(o) };
  });
  return tileGrid(tiles, {
    columns: options.columns ?? Math.min(16, Math.ceil(Math.sqrt(shown))),
    scale: options.scale ?? Math.max(4, Math.round(40 / Math.max(kh, kw))),
    gap: options.gap ?? 4,
    title: options.title ?? `Filters (${cout} of ${kh}x${kw}x${cin})`,
    description: `${shown} convolution filters of size ${kh} by ${kw}${rgb ? ' over RGB, in colour' : `, input channel ${inputChannel}`}, each scaled from its own minimum to maximum.`,
    notes,
  });
}
