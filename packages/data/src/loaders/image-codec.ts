/**
 * PNG and JPEG decoding in pure JavaScript (fast-png, jpeg-js): works in Node and in browsers, with
 * no native binaries. Images come out as bytes in row-major `[height, width, channels]` order.
 */
import { DataError } from '@tensorfold/core';
import { convertIndexedToRgb, decode as decodePngBytes } from 'fast-png';
import jpeg from 'jpeg-js';
import { verifiedPng } from './png-integrity.js';

/** A decoded image: `height * width * channels` bytes, row-major, channels last. */
export interface DecodedImage {
  width: number;
  height: number;
  /** 1 (gray), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Name of the file, for error messages. Default `'image'`. */
  source?: string;
  /** Channels wanted: 1 (luminance), 3 (RGB, alpha dropped) or 4 (RGBA). Default: as stored (2 becomes 1). */
  channels?: 1 | 3 | 4;
  /** Largest accepted image, in megapixels, to refuse decompression bombs. Default 100. */
  maxMegapixels?: number;
}

/** Whether the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47
  );
}

/** Whether the bytes start with a JPEG start-of-image marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * Decodes a PNG or JPEG (recognized by its signature, not its name). A PNG's chunk CRCs and the
 * Adler-32 of its image data are checked, so a damaged PNG raises instead of decoding to wrong pixels.
 * A JPEG has no checksum: it is decoded strictly (a broken Huffman code, a missing block or an
 * unexpected marker raises), but most flipped bits in its scan still decode (to wrong pixels) and
 * cannot be detected.
 * @throws DataError naming `source` when the bytes are neither or the file is corrupt.
 */
export function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): DecodedImage {
  const source = options.source ?? 'image';
  const maxMegapixels = options.maxMegapixels ?? 100;
  let image: DecodedImage;
  if (isPng(bytes)) {
    checkPngSize(bytes, source, maxMegapixels);
    image = decodePng(verifiedPng(bytes, source), source);
  } else if (isJpeg(bytes)) {
    const frame = jpegFrameSize(bytes);
    if (frame) checkSize(frame.width, frame.height, source, maxMegapixels);
    image = decodeJpeg(bytes, source, maxMegapixels);
  } else
    throw new DataError(
      `${source} is neither a PNG nor a JPEG (its first bytes are ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}).`,
    );
  checkSize(image.width, image.height, source, maxMegapixels);
  return options.channels ? convertChannels(image, options.channels) : image;
}

/**
 * Refuses a PNG whose header declares more than `maxMegapixels`, before any pixel is inflated (a
 * small file can declare a huge image). The IHDR chunk always comes first: width and height are the
 * big-endian words at bytes 16 and 20.
 */
function checkPngSize(bytes: Uint8Array, source: string, maxMegapixels: number): void {
  if (bytes.length < 24) return; // too short for a header: the decoder reports it
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkSize(view.getUint32(16, false), view.getUint32(20, false), source, maxMegapixels);
}

/** @throws DataError when a `width` x `height` image is above `maxMegapixels`. */
function checkSize(width: number, height: number, source: string, maxMegapixels: number): void {
  if (width * height > maxMegapixels * 1e6)
    throw new DataError(`${source} is ${width}x${height}, above the ${maxMegapixels} megapixel limit.`);
}

/**
 * The size a JPEG's frame header (SOF0-SOF15 marker) declares, found by walking the marker segments
 * up to the first scan; `null` when there is none (the decoder then reports the file as corrupt).
 */
function jpegFrameSize(bytes: Uint8Array): { width: number; height: number } | null {
  let at = 2; // after the start-of-image marker
  while (at + 8 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xda) return null; // start of scan before any frame header
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    // frame header: length (2 bytes), precision (1), height (2), width (2)
    if (isFrame)
      return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
    at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
  }
  return null;
}

/**
 * Samples of fewer than 8 bits, packed most significant bits first with each row padded to a whole
 * byte (as fast-png returns them), as one byte per sample scaled to 0-255.
 */
function unpackSamples(
  packed: ArrayLike<number>,
  samplesPerRow: number,
  height: number,
  depth: number,
): Uint8Array {
  const max = (1 << depth) - 1;
  const rowBytes = Math.ceil((samplesPerRow * depth) / 8);
  if (packed.length !== rowBytes * height) return Uint8Array.from(packed); // the size check reports it
  const out = new Uint8Array(samplesPerRow * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < samplesPerRow; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      const value = (byte >> (8 - depth - (bit & 7))) & max;
      out[y * samplesPerRow + x] = Math.round((value * 255) / max);
    }
  }
  return out;
}

function decodePng(bytes: Uint8Array, source: string): DecodedImage {
  let png: ReturnType<typeof decodePngBytes>;
  try {
    png = decodePngBytes(bytes, { checkCrc: false }); // checked by verifiedPng, which zeroes its IDAT's
  } catch (error) {
    throw new DataError(`${source} is a corrupt PNG (${(error as Error).message}).`, { cause: error });
  }
  let data: Uint8Array;
  let channels = png.channels;
  if (png.palette) {
    data = Uint8Array.from(convertIndexedToRgb(png));
    channels = png.palette[0]?.length === 4 || png.transparency ? 4 : 3;
  } else if (png.depth === 16) {
    data = Uint8Array.from(png.data as Uint16Array, (v) => v >> 8);
  } else if (png.depth < 8) {
    if (bytes[28] !== 0)
      throw new DataError(
        `${source} is an interlaced PNG with ${png.depth}-bit samples, which the decoder cannot read; save it without interlacing or with 8 bits per sample.`,
      );
    data = unpackSamples(png.data, png.width * png.channels, png.height, png.depth);
  } else {
    data = png.data instanceof Uint8Array ? png.data : Uint8Array.from(png.data);
  }
  if (data.length !== png.width * png.height * channels)
    throw new DataError(
      `${source}: decoded ${data.length} bytes for a ${png.width}x${png.height}x${channels} PNG; the file is corrupt.`,
    );
  const image = { width: png.width, height: png.height, channels: channels as 1 | 2 | 3 | 4, data };
  return image.channels === 2 ? convertChannels(image, 1) : (image as DecodedImage);
}

function decodeJpeg(bytes: Uint8Array, source: string, maxMegapixels: number): DecodedImage {
  try {
    const out = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: maxMegapixels,
      tolerantDecoding: false,
    });
    return { width: out.width, height: out.height, channels: 3, data: out.data };
  } catch (error) {
    throw new DataError(`${source} is a corrupt JPEG (${(error as Error).message}).`, { cause: error });
  }
}

/** The image with `channels` channels: luminance (ITU-R 601 weights) for 1, alpha dropped or added for 3 and 4. */
export function convertChannels(
  image: { width: number; height: number; channels: number; data: Uint8Array },
  channels: 1 | 3 | 4,
): DecodedImage {
  const { width, height, data } = image;
  const from = image.channels;
  if (from === channels) return image as DecodedImage;
  const pixels = width * height;
  const out = new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const s = p * from;
    const gray = from <= 2;
    const r = data[s];
    const g = gray ? r : data[s + 1];
    const b = gray ? r : data[s + 2];
    const a = from === 2 ? data[s + 1] : from === 4 ? data[s + 3] : 255;
    const d = p * channels;
    if (channels === 1) out[d] = gray ? r : Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else {
      out[d] = r;
      out[d + 1] = g;
      out[d + 2] = b;
      if (channels === 4) out[d + 3] = a;
    }
  }
  return { width, height, channels, data: out };
}

/**
 * Resizes image bytes with bilinear interpolation (half-pixel centers, as `tf.image.resizeBilinear`
 * with `halfPixelCenters`), in plain JS so it gives the same bytes on every backend.
 */
export function resizeImage(image: DecodedImage, height: number, width: number): DecodedImage {
  if (image.height === height && image.width === width) return image;
  const { channels, data } = image;
  const out = new Uint8Array(height * width * channels);
  const sy = image.height / height;
  const sx = image.width / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const at = (yy: number, xx: number) => data[(yy * image.width + xx) * channels + c];
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        out[(y * width + x) * channels + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { width, height, channels, data: out };
}
