import { encode } from 'fast-png';

/** An RGBA picture in memory: `data` holds `width * height * 4` bytes, row by row from the top. */
export interface Raster {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A raster filled with one colour `[r, g, b]` (opaque). */
export function createRaster(
  width: number,
  height: number,
  fill: [number, number, number] = [255, 255, 255],
): Raster {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = fill[0];
    data[i * 4 + 1] = fill[1];
    data[i * 4 + 2] = fill[2];
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** Copies `src` into `dst` at `(x, y)`, each source pixel as a `scale` x `scale` block (nearest neighbour). */
export function blit(dst: Raster, src: Raster, x: number, y: number, scale = 1): void {
  for (let sy = 0; sy < src.height * scale; sy++) {
    const ty = y + sy;
    if (ty < 0 || ty >= dst.height) continue;
    const row = Math.floor(sy / scale) * src.width;
    for (let sx = 0; sx < src.width * scale; sx++) {
      const tx = x + sx;
      if (tx < 0 || tx >= dst.width) continue;
      const s = (row + Math.floor(sx / scale)) * 4;
      const d = (ty * dst.width + tx) * 4;
      dst.data[d] = src.data[s];
      dst.data[d + 1] = src.data[s + 1];
      dst.data[d + 2] = src.data[s + 2];
      dst.data[d + 3] = src.data[s + 3];
    }
  }
}

/** Draws a rectangle outline `thickness` px wide, inside the box `(x, y, width, height)`. */
export function strokeRect(
  dst: Raster,
  x: number,
  y: number,
  width: number,
  height: number,
  thickness: number,
  color: [number, number, number],
): void {
  for (let yy = y; yy < y + height; yy++)
    for (let xx = x; xx < x + width; xx++) {
      const edge =
        yy < y + thickness ||
        yy >= y + height - thickness ||
        xx < x + thickness ||
        xx >= x + width - thickness;
      if (!edge || xx < 0 || yy < 0 || xx >= dst.width || yy >= dst.height) continue;
      const d = (yy * dst.width + xx) * 4;
      dst.data[d] = color[0];
      dst.data[d + 1] = color[1];
      dst.data[d + 2] = color[2];
      dst.data[d + 3] = 255;
    }
}

/** PNG bytes of a raster (8-bit RGBA), in Node and the browser alike. */
export function encodePng(raster: Raster): Uint8Array {
  return encode({
    width: raster.width,
    height: raster.height,
    data: new Uint8Array(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength),
    channels: 4,
    depth: 8,
  });
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of bytes (no dependency on `Buffer` or `btoa`, so it runs anywhere). */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const n = (a << 16) | (b << 8) | c;
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

/** A `data:image/png;base64,...` URI of a raster, for `<image href>`. */
export function pngDataUri(raster: Raster): string {
  return `data:image/png;base64,${base64(encodePng(raster))}`;
}
