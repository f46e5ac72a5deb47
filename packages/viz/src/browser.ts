/**
 * @tensorfold/viz/browser: everything in `@tensorfold/viz`, plus PNG output in the browser
 * (`toPngBlob`, `toPngBrowser`), drawn through a canvas.
 *
 * @packageDocumentation
 */

export { type BrowserPngOptions, toPngBlob, toPngBrowser } from './browser/png.js';
export * from './index.js';
