import { DataError } from '@tensorfold/core';
import { encode as encodePng } from 'fast-png';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './image-codec.js';
import { adler32, crc32 } from './png-integrity.js';

/** Offset and length of the first chunk of `type`. */
function findChunk(png: Uint8Array, type: string): { at: number; length: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  while (at < png.length) {
    const length = view.getUint32(at);
    if (String.fromCharCode(...png.subarray(at + 4, at + 8)) === type) return { at, length };
    at += 12 + length;
  }
  throw new Error(`no ${type} chunk`);
}

/** A 16x16 RGB PNG with varied pixels. */
function samplePng(): { png: Uint8Array; pixels: Uint8Array } {
  const pixels = Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37) % 251);
  return { png: encodePng({ width: 16, height: 16, data: pixels, channels: 3, depth: 8 }), pixels };
}

describe('PNG integrity', () => {
  it('computes CRC-32 and Adler-32 as zlib does (known check values)', () => {
    const text = new TextEncoder().encode('123456789');
    expect(crc32(text)).toBe(0xcbf43926);
    expect(adler32(text)).toBe(0x091e01de);
    expect(adler32(new Uint8Array(0))).toBe(1);
    // Adler-32 over a long run (past the 5552-byte reduction step) matches the one fflate writes
    const long = Uint8Array.from({ length: 100_000 }, (_, i) => 255 - (i % 7));
    const z = zlibSync(long);
    expect(adler32(long)).toBe(new DataView(z.buffer, z.byteOffset).getUint32(z.length - 4));
  });

  it('decodes an intact PNG to its pixels', () => {
    const { png, pixels } = samplePng();
    expect(Array.from(decodeImage(png).data)).toEqual(Array.from(pixels));
  });

  it('decodes image data split over several IDAT chunks and larger than one stored block', () => {
    // 200x150 RGBA: 120,150 filtered bytes, so the stored copy needs two blocks of at most 65,535
    const pixels = Uint8Array.from({ length: 200 * 150 * 4 }, (_, i) => (i * 131 + (i >> 9)) % 256);
    const png = encodePng({ width: 200, height: 150, data: pixels, channels: 4, depth: 8 });
    const { at, length } = findChunk(png, 'IDAT');
    // split the one IDAT into two chunks, each with its own CRC
    const half = Math.floor(length / 2);
    const chunk = (data: Uint8Array) => {
      const out = new Uint8Array(12 + data.length);
      const view = new DataView(out.buffer);
      view.setUint32(0, data.length);
      out.set([0x49, 0x44, 0x41, 0x54], 4);
      out.set(data, 8);
      view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
      return out;
    };
    const data = png.subarray(at + 8, at + 8 + length);
    const split = Uint8Array.from([
      ...png.subarray(0, at),
      ...chunk(data.subarray(0, half)),
      ...chunk(data.subarray(half)),
      ...png.subarray(at + 12 + length),
    ]);
    expect(findChunk(split, 'IDAT').length).toBe(half);
    const decoded = decodeImage(split);
    expect(decoded).toMatchObject({ width: 200, height: 150, channels: 4 });
    expect(decoded.data).toEqual(pixels);
  });

  it('refuses a PNG with one byte flipped inside its image data (CRC check)', () => {
    const { png } = samplePng();
    const { at, length } = findChunk(png, 'IDAT');
    for (const offset of [2, Math.floor(length / 2), length - 5]) {
      const bad = png.slice();
      bad[at + 8 + offset] ^= 0x10;
      expect(() => decodeImage(bad, { source: 'flip.png' })).toThrow(DataError);
      expect(() => decodeImage(bad, { source: 'flip.png' })).toThrow(
        /flip\.png is a corrupt PNG \(chunk "IDAT" at byte \d+ fails its CRC check/,
      );
    }
  });

  it('refuses image data whose CRC was recomputed but whose Adler-32 does not match', () => {
    const { png } = samplePng();
    const { at, length } = findChunk(png, 'IDAT');
    const bad = png.slice();
    // corrupt the Adler-32 (the last 4 bytes of the zlib stream) and fix the chunk's CRC, as a tool
    // that rewrites chunks without checking them would
    bad[at + 8 + length - 1] ^= 0x01;
    new DataView(bad.buffer).setUint32(at + 8 + length, crc32(bad.subarray(at + 4, at + 8 + length)));
    expect(() => decodeImage(bad, { source: 'adler.png' })).toThrow(
      /adler\.png is a corrupt PNG \(its image data fails the zlib Adler-32 check/,
    );
  });

  it('refuses a damaged header chunk and a chunk that runs past the end', () => {
    const { png } = samplePng();
    const bad = png.slice();
    bad[17] ^= 0x01; // inside IHDR's width; the size stays small so the size check passes
    expect(() => decodeImage(bad, { source: 'head.png' })).toThrow(
      /chunk "IHDR" at byte 8 fails its CRC check/,
    );
    const { at } = findChunk(png, 'IDAT');
    const long = png.slice();
    new DataView(long.buffer).setUint32(at, 1e6);
    expect(() => decodeImage(long, { source: 'long.png' })).toThrow(/past the end of the file/);
  });
});
