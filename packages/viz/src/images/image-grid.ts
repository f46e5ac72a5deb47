import { ConfigError, DataError } from '@tensorfold/core';
import { classIds, type Values } from '../data.js';
import type { Figure } from '../svg/figure.js';
import { imageRaster, readImages, resolveRange, type ValueRange } from './pixels.js';
import { encodePng, type Raster } from './raster.js';
import { type GridLayoutOptions, type Tile, tileGrid, tileGridRaster } from './tile-grid.js';

/** Options of {@link imageGrid}. */
export interface ImageGridOptions extends GridLayoutOptions {
  /** One caption per image. Default: from `labels`/`predictions` when given, else none. */
  captions?: string[];
  /** True class of each image (ids `[n]` or one-hot); with `predictions`, captions and frames follow. */
  labels?: Values;
  /** Predicted class of each image (ids `[n]` or scores `[n, classes]`). */
  predictions?: Values;
  /** Class names for captions. Default the ids. */
  classNames?: string[];
  /** Whether each image was classified correctly: green or red frame. Default: labels == predictions when both given. */
  correct?: boolean[];
  /** Pixel values that map to black and white: `[lo, hi]`, or `auto` (`[0, 1]`, `[0, 255]` or `[-1, 1]`, whichever holds the data). Default `auto`. */
  range?: ValueRange;
  /** Default `Images`, or `N mistakes out of M` style when labels and predictions are given. */
  title?: string;
}

async function tilesOf(
  images: Values,
  options: ImageGridOptions,
): Promise<{ tiles: Tile[]; notes: string[]; wrong: number; range: [number, number] }> {
  const batch = await readImages(images, 'images');
  const range = resolveRange(options.range, batch.data);
  let captions = options.captions;
  let correct = options.correct;
  let wrong = 0;
  if ((options.labels === undefined) !== (options.predictions === undefined))
    throw new ConfigError('Give both labels and predictions (or neither) to caption images with them.');
  if (options.labels !== undefined && options.predictions !== undefined) {
    const t = await classIds(options.labels, 'labels');
    const p = await classIds(options.predictions, 'predictions');
    if (t.length !== batch.n || p.length !== batch.n)
      throw new DataError(
        `${batch.n} images but ${t.length} labels and ${p.length} predictions; give one of each per image.`,
      );
    const name = (c: number) => options.classNames?.[c] ?? String(c);
    captions ??= Array.from(t, (c, i) => `true ${name(c)} / predicted ${name(p[i])}`);
    correct ??= Array.from(t, (c, i) => c === p[i]);
  }
  if (captions && captions.length !== batch.n)
    throw new ConfigError(`${captions.length} captions for ${batch.n} images; give one caption per image.`);
  if (correct && correct.length !== batch.n)
    throw new ConfigError(`${correct.length} correct flags for ${batch.n} images; give one per image.`);
  const tiles: Tile[] = Array.from({ length: batch.n }, (_, i) => {
    if (correct && !correct[i]) wrong++;
    return {
      raster: imageRaster(batch, i, range),
      caption: captions?.[i],
      frame: correct ? (correct[i] ? 'correct' : 'incorrect') : undefined,
    };
  });
  return { tiles, notes: [], wrong, range };
}

/**
 * A grid of images `[n, height, width, channels]` (1, 3 or 4 channels) or `[n, height, width]`, with
 * captions such as "true 3 / predicted 8" and green/red frames for correct/incorrect predictions.
 */
export async function imageGrid(images: Values, options: ImageGridOptions = {}): Promise<Figure> {
  const { tiles, wrong, range } = await tilesOf(images, options);
  const judged = options.correct !== undefined || options.labels !== undefined;
  return tileGrid(tiles, {
    ...options,
    title: options.title ?? (judged ? `${tiles.length - wrong} of ${tiles.length} correct` : 'Images'),
    description: `${tiles.length} images${judged ? `, ${wrong} classified wrongly (red frames) and ${tiles.length - wrong} correctly (green frames)` : ''}; pixel values ${range[0]} to ${range[1]} drawn black to white.`,
  });
}

/** The grid of {@link imageGrid} as a raster, pixel for pixel (no captions; frames in the gaps). */
export async function imageGridRaster(images: Values, options: ImageGridOptions = {}): Promise<Raster> {
  const { tiles } = await tilesOf(images, options);
  return tileGridRaster(tiles, options);
}

/** PNG bytes of {@link imageGridRaster}: written directly, no SVG renderer involved. */
export async function imageGridPng(images: Values, options: ImageGridOptions = {}): Promise<Uint8Array> {
  return encodePng(await imageGridRaster(images, options));
}
