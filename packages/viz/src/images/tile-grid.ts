import { ConfigError, DataError } from '@tensorfold/core';
import { el } from '../svg/element.js';
import { type Figure, figure } from '../svg/figure.js';
import { text, wrapText } from '../svg/text.js';
import { blit, createRaster, pngDataUri, type Raster, strokeRect } from './raster.js';

/** One picture of a grid. */
export interface Tile {
  raster: Raster;
  /** Text under the picture. */
  caption?: string;
  /** A coloured frame: `correct` (green), `incorrect` (red), or a CSS colour `#rrggbb`. Default none. */
  frame?: 'correct' | 'incorrect' | string;
}

/** Layout options shared by every grid of pictures. */
export interface GridLayoutOptions {
  /** Pictures per row. Default: about square, at most 10. */
  columns?: number;
  /** Screen px per image pixel (nearest neighbour). Default: so that a picture is about 72 px wide. */
  scale?: number;
  /** Space between pictures in px. Default 8. */
  gap?: number;
}

const FRAME: Record<string, [number, number, number]> = {
  correct: [46, 160, 67],
  incorrect: [214, 39, 40],
};

function frameRgb(frame: string): [number, number, number] {
  if (FRAME[frame]) return FRAME[frame];
  const m = /^#([0-9a-f]{6})$/i.exec(frame);
  if (!m) throw new ConfigError(`Frame "${frame}" is not "correct", "incorrect" or a #rrggbb colour.`);
  const n = Number.parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Resolved layout: columns, rows, the size of a picture in px, the gap. */
export function gridLayout(tiles: Tile[], options: GridLayoutOptions) {
  if (tiles.length === 0) throw new DataError('There are no pictures to lay out: give at least one image.');
  const h = Math.max(...tiles.map((t) => t.raster.height));
  const w = Math.max(...tiles.map((t) => t.raster.width));
  const scale = options.scale ?? Math.min(64, Math.max(1, Math.round(72 / Math.max(h, w))));
  if (!(Number.isInteger(scale) && scale >= 1 && scale <= 64))
    throw new ConfigError(
      `scale must be a whole number from 1 to 64 (screen px per image pixel), got ${scale}.`,
    );
  const columns = options.columns ?? Math.min(10, Math.ceil(Math.sqrt(tiles.length)));
  if (!(Number.isInteger(columns) && columns >= 1))
    throw new ConfigError(`columns must be a whole number >= 1, got ${columns}.`);
  const gap = options.gap ?? 8;
  return { columns, rows: Math.ceil(tiles.length / columns), tileW: w * scale, tileH: h * scale, scale, gap };
}

/**
 * The pictures side by side as one raster, pixel for pixel (each image pixel a `scale` x `scale`
 * block), frames drawn in the gaps around the pictures so no image pixel is covered. No captions.
 */
export function tileGridRaster(tiles: Tile[], options: GridLayoutOptions = {}): Raster {
  const { columns, rows, tileW, tileH, scale, gap } = gridLayout(tiles, options);
  const out = createRaster(columns * (tileW + gap) + gap, rows * (tileH + gap) + gap);
  tiles.forEach((tile, i) => {
    const x = gap + (i % columns) * (tileW + gap);
    const y = gap + Math.floor(i / columns) * (tileH + gap);
    blit(out, tile.raster, x, y, scale);
    if (tile.frame) {
      const t = Math.max(1, Math.floor(gap / 2) - 1);
      strokeRect(out, x - t, y - t, tileW + 2 * t, tileH + 2 * t, t, frameRgb(tile.frame));
    }
  });
  return out;
}

/** Options of {@link tileGrid}. */
export interface TileGridOptions extends GridLayoutOptions {
  title: string;
  description: string;
  notes?: string[];
}

/**
 * The pictures as an SVG grid: each an embedded PNG drawn without smoothing, with its frame and a
 * caption of up to two lines.
 */
export function tileGrid(tiles: Tile[], options: TileGridOptions): Figure {
  const { columns, rows, tileW, tileH, gap } = gridLayout(tiles, options);
  const captioned = tiles.some((t) => t.caption);
  const captionSize = 10;
  // Each cell is wide enough for its caption to fit in two lines.
  const twoLineWidth = (caption: string) => {
    let w = tileW;
    while (wrapText(caption, w, captionSize).length > 2) w += 6;
    return w;
  };
  const cellW = Math.max(tileW, 48, ...tiles.map((t) => (t.caption ? twoLineWidth(t.caption) : 0))) + gap;
  const captionLines = captioned
    ? Math.max(...tiles.map((t) => (t.caption ? wrapText(t.caption, cellW - gap, captionSize).length : 0)))
    : 0;
  const cellH = tileH + gap + captionLines * 12 + (captioned ? 2 : 0);
  const top = 26;
  const width = Math.max(columns * cellW + gap, 160);
  const left = (width - columns * cellW - gap) / 2 + gap;
  const body = tiles.map((tile, i) => {
    const x = left + (i % columns) * cellW + (cellW - gap - tileW) / 2;
    const y = top + Math.floor(i / columns) * cellH;
    const parts = [
      el('image', {
        x,
        y,
        width: tileW,
        height: tileH,
        href: pngDataUri(tile.raster),
        preserveAspectRatio: 'none',
        style: 'image-rendering:pixelated',
      }),
    ];
    if (tile.frame) {
      const rgb = frameRgb(tile.frame);
      parts.push(
        el('rect', {
          x: x - 2,
          y: y - 2,
          width: tileW + 4,
          height: tileH + 4,
          fill: 'none',
          stroke: `rgb(${rgb.join(',')})`,
          'stroke-width': 3,
          class: `frame ${FRAME[tile.frame] ? tile.frame : ''}`.trim(),
        }),
      );
    }
    if (tile.caption) {
      const lines = wrapText(tile.caption, cellW - gap, captionSize);
      lines.forEach((line, j) => {
        parts.push(
          text(x + tileW / 2, y + tileH + 9 + j * 12, line, {
            size: captionSize,
            anchor: 'middle',
            className: 'caption',
            fill: tile.frame === 'incorrect' ? '#b01e1e' : '#222',
          }),
        );
      });
    }
    return el('g', { class: 'tile', 'data-index': i }, parts);
  });
  return figure({
    width,
    height: top + rows * cellH + 4,
    title: options.title,
    description: options.description,
    body: body.join(''),
    notes: options.notes,
  });
}
