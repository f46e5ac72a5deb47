import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { ConfigError } from '@tensorfold/core';
import { makeDirectories, writeAtomically } from '@tensorfold/core/node';
import type { Figure } from '../svg/figure.js';

const require = createRequire(import.meta.url);

/** The TrueType files every Node PNG is drawn with (from `dejavu-fonts-ttf`), never the machine's fonts. */
export const FONT_FILES: readonly string[] = [
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf'),
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono-Bold.ttf'),
];

/** Options of {@link toPng}. */
export interface PngOptions {
  /** Pixels per SVG px (2 for sharp pictures on high-density screens). Default 1. */
  scale?: number;
}

/**
 * PNG bytes of a figure (or any SVG string), drawn by resvg with the bundled DejaVu Sans Mono, so the
 * same figure gives the same pixels on every machine.
 */
export function toPng(figure: Figure | string, options: PngOptions = {}): Uint8Array {
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 16))
    throw new ConfigError(
      `scale must be in (0, 16], got ${scale}. Use 1 for 1 pixel per px, 2 for sharp text.`,
    );
  const svg = typeof figure === 'string' ? figure : figure.svg;
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles: [...FONT_FILES],
      defaultFontFamily: 'DejaVu Sans Mono',
      monospaceFamily: 'DejaVu Sans Mono',
      sansSerifFamily: 'DejaVu Sans Mono',
    },
    shapeRendering: 2,
    textRendering: 1,
    imageRendering: 1, // optimizeSpeed: nearest neighbour, so image pixels stay sharp
  });
  return new Uint8Array(resvg.render().asPng());
}

/**
 * Writes a figure to `path` as SVG (`.svg`) or PNG (`.png`), atomically (a temporary file renamed),
 * creating missing folders. Any other extension is a {@link ConfigError}.
 */
export async function writeFigure(path: string, figure: Figure, options: PngOptions = {}): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png')
    throw new ConfigError(
      `Cannot write "${path}": name the file .svg or .png (the format follows the extension).`,
    );
  const dir = path.slice(0, path.length - path.split(/[\\/]/).at(-1)!.length);
  if (dir) await makeDirectories(dir);
  await writeAtomically(path, ext === '.svg' ? figure.svg : toPng(figure, options));
}
