import { DataError } from '@tensorfold/core';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { convertChannels, decodeImage, resizeImage } from './image-codec.js';
import { crc32 } from './png-integrity.js';

describe('decodeImage', () => {
  it('decodes RGB, RGBA, gray and 16-bit PNGs to the exact bytes', () => {
    const rgb = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 10);
    const decoded = decodeImage(encodePng({ width: 3, height: 2, data: rgb, channels: 3, depth: 8 }));
    expect(decoded).toMatchObject({ width: 3, height: 2, channels: 3 });
    expect(Array.from(decoded.data)).toEqual(Array.from(rgb));
    const rgba = Uint8Array.from([255, 0, 0, 128, 0, 255, 0, 255]);
    const four = decodeImage(encodePng({ width: 2, height: 1, data: rgba, channels: 4, depth: 8 }));
    expect(four.channels).toBe(4);
    expect(
      Array.from(
        decodeImage(encodePng({ width: 2, height: 1, data: rgba, channels: 4, depth: 8 }), { channels: 3 })
          .data,
      ),
    ).toEqual([255, 0, 0, 0, 255, 0]);
    const gray = decodeImage(
      encodePng({ width: 2, height: 1, data: Uint8Array.from([7, 200]), channels: 1, depth: 8 }),
    );
    expect(gray).toMatchObject({ channels: 1, data: Uint8Array.from([7, 200]) });
    const deep = decodeImage(
      encodePng({ width: 1, height: 1, data: Uint16Array.from([0xabcd]), channels: 1, depth: 16 }),
    );
    expect(Array.from(deep.data)).toEqual([0xab]);
  });

  it('unpacks 1, 2 and 4-bit grayscale PNGs (bits are packed, rows padded to whole bytes)', () => {
    // 3x2, 1 bit: rows 1 0 1 | 0 1 0, each padded to one byte
    const oneBit = encodePng({
      width: 3,
      height: 2,
      data: Uint8Array.from([0b1010_0000, 0b0100_0000]),
      channels: 1,
      depth: 1,
    });
    expect(decodeImage(oneBit)).toMatchObject({
      width: 3,
      height: 2,
      channels: 1,
      data: Uint8Array.from([255, 0, 255, 0, 255, 0]),
    });
    // 3x1, 2 bits: 3 2 1 -> 255 170 85
    const twoBit = encodePng({
      width: 3,
      height: 1,
      data: Uint8Array.from([0b11_10_01_00]),
      channels: 1,
      depth: 2,
    });
    expect(Array.from(decodeImage(twoBit).data)).toEqual([255, 170, 85]);
    // 3x1, 4 bits: 15 0 5 -> 255 0 85, as RGB
    const fourBit = encodePng({
      width: 3,
      height: 1,
      data: Uint8Array.from([0xf0, 0x50]),
      channels: 1,
      depth: 4,
    });
    expect(Array.from(decodeImage(fourBit, { channels: 3 }).data)).toEqual([
      255, 255, 255, 0, 0, 0, 85, 85, 85,
    ]);
    // A 1x1 image's pixel stream is the same interlaced or not; mark it interlaced (IHDR byte 28).
    // The decoder returns interlaced low-depth samples unpacked wrongly: refuse them.
    const interlaced = encodePng({
      width: 1,
      height: 1,
      data: Uint8Array.from([0x80]),
      channels: 1,
      depth: 1,
    });
    interlaced[28] = 1;
    // keep the header's CRC right, so that the interlace check (not the CRC check) answers
    new DataView(interlaced.buffer).setUint32(29, crc32(interlaced.subarray(12, 29)));
    expect(() => decodeImage(interlaced, { source: 'il.png' })).toThrow(
      /il\.png is an interlaced PNG with 1-bit/,
    );
  });

  it('refuses an image above maxMegapixels before decoding its pixels', () => {
    // The header declares 20000x20000 (400 megapixels); the pixel data is missing. The size check
    // must come first, so the error is about the size, not about the corrupt data.
    const header = encodePng({ width: 1, height: 1, data: Uint8Array.from([0]), channels: 1, depth: 8 });
    const bomb = header.slice();
    const view = new DataView(bomb.buffer);
    view.setUint32(16, 20000);
    view.setUint32(20, 20000);
    expect(() => decodeImage(bomb, { source: 'bomb.png' })).toThrow(DataError);
    expect(() => decodeImage(bomb, { source: 'bomb.png' })).toThrow(
      /bomb\.png is 20000x20000, above the 100 megapixel limit/,
    );
  });

  it('refuses a JPEG above maxMegapixels from its frame header, naming its size', () => {
    const width = 16;
    const height = 8;
    const bytes = new Uint8Array(
      jpeg.encode({ width, height, data: new Uint8Array(width * height * 4) }, 90).data,
    );
    // Find the baseline frame header (FFC0) and declare 20000x20000 there.
    let sof = -1;
    for (let i = 2; i < bytes.length - 1; i++) if (bytes[i] === 0xff && bytes[i + 1] === 0xc0) sof = i;
    expect(sof).toBeGreaterThan(0);
    expect([(bytes[sof + 5] << 8) | bytes[sof + 6], (bytes[sof + 7] << 8) | bytes[sof + 8]]).toEqual([
      height,
      width,
    ]);
    const big = bytes.slice();
    big.set([0x4e, 0x20, 0x4e, 0x20], sof + 5);
    expect(() => decodeImage(big, { source: 'big.jpg' })).toThrow(DataError);
    expect(() => decodeImage(big, { source: 'big.jpg' })).toThrow(
      /big\.jpg is 20000x20000, above the 100 megapixel limit/,
    );
    expect(() => decodeImage(bytes, { source: 'small.jpg', maxMegapixels: 1e-4 })).toThrow(
      /small\.jpg is 16x8, above the 0\.0001 megapixel limit/,
    );
  });

  it('decodes a JPEG (lossy: close to the encoded colors)', () => {
    const width = 16;
    const height = 16;
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) data.set([200, 40, 90, 255], i * 4);
    const bytes = new Uint8Array(jpeg.encode({ width, height, data }, 95).data);
    const image = decodeImage(bytes, { source: 'red.jpg' });
    expect(image).toMatchObject({ width, height, channels: 3 });
    expect(Math.abs(image.data[0] - 200)).toBeLessThan(6);
    expect(Math.abs(image.data[1] - 40)).toBeLessThan(6);
    expect(Math.abs(image.data[2] - 90)).toBeLessThan(6);
    const gray = decodeImage(bytes, { channels: 1 });
    expect(Math.abs(gray.data[0] - Math.round(0.299 * 200 + 0.587 * 40 + 0.114 * 90))).toBeLessThan(6);
  });

  it('rejects other formats and corrupt files, naming them', () => {
    expect(() => decodeImage(new TextEncoder().encode('GIF89a....'), { source: 'a.gif' })).toThrow(
      /a\.gif is neither a PNG nor a JPEG/,
    );
    const png = encodePng({ width: 4, height: 4, data: new Uint8Array(48), channels: 3, depth: 8 });
    expect(() => decodeImage(png.subarray(0, 30), { source: 'cut.png' })).toThrow(DataError);
    expect(() => decodeImage(png.subarray(0, 30), { source: 'cut.png' })).toThrow(
      /cut\.png is a corrupt PNG/,
    );
    expect(() => decodeImage(Uint8Array.from([0xff, 0xd8, 0xff, 0, 1, 2]), { source: 'cut.jpg' })).toThrow(
      /cut\.jpg is a corrupt JPEG/,
    );
  });

  it('converts channels and resizes bilinearly', () => {
    const rgb = { width: 1, height: 1, channels: 3 as const, data: Uint8Array.from([100, 150, 200]) };
    expect(Array.from(convertChannels(rgb, 1).data)).toEqual([
      Math.round(0.299 * 100 + 0.587 * 150 + 0.114 * 200),
    ]);
    expect(Array.from(convertChannels({ ...rgb, channels: 1, data: Uint8Array.from([9]) }, 4).data)).toEqual([
      9, 9, 9, 255,
    ]);
    const image = { width: 2, height: 1, channels: 1 as const, data: Uint8Array.from([0, 100]) };
    expect(Array.from(resizeImage(image, 1, 4).data)).toEqual([0, 25, 75, 100]);
    expect(
      Array.from(
        resizeImage({ width: 4, height: 1, channels: 1, data: Uint8Array.from([0, 100, 200, 100]) }, 1, 2)
          .data,
      ),
    ).toEqual([50, 150]);
  });
});
