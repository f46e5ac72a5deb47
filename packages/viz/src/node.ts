/**
 * @tensorfold/viz/node: everything in `@tensorfold/viz`, plus PNG output in Node (`toPng`, drawn by
 * resvg with the bundled DejaVu Sans Mono) and `writeFigure` (SVG or PNG by extension, atomic).
 *
 * @packageDocumentation
 */
export * from './index.js';
export { FONT_FILES, type PngOptions, toPng, writeFigure } from './node/png.js';
