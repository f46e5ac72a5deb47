import { base64 } from '../images/raster.js';
import type { Figure } from './figure.js';

/**
 * The figure's SVG with a TrueType font embedded as an `@font-face` data URI, so that a browser draws
 * its text with exactly that font even where the SVG is loaded as an image (which cannot reach the
 * page's fonts). Adds the font's size (DejaVu Sans Mono: about 340 KB) to the document.
 */
export function embedFont(figure: Figure | string, ttf: Uint8Array, family = 'DejaVu Sans Mono'): string {
  const svg = typeof figure === 'string' ? figure : figure.svg;
  const css = `@font-face{font-family:'${family}';src:url(data:font/ttf;base64,${base64(ttf)}) format('truetype');}`;
  const end = svg.indexOf('>') + 1;
  return `${svg.slice(0, end)}<style>${css}</style>${svg.slice(end)}`;
}
