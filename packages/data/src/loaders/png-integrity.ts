/**
 * Integrity checks of a PNG file before its pixels are trusted: every chunk's CRC-32 (PNG spec 5.3)
 * and the Adler-32 checksum that ends the zlib stream of the image data (RFC 1950). The decoder
 * (fast-png) checks neither, so one flipped byte inside the image data used to decode to wrong pixels
 * without an error.
 */
import { DataError } from '@tensorfold/core';
import { unzlibSync } from 'fflate';

/** CRC-32 table of the PNG/zlib polynomial 0xEDB88320 (reflected), built once on first use. */
let crcTable: Uint32Array | undefined;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

/** The CRC-32 of `bytes` (as PNG chunks and gzip use it), an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  const t = table();
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The Adler-32 of `bytes` (RFC 1950), an unsigned 32-bit number. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 is the largest run before b can overflow 2^32 (zlib's NMAX)
  for (let start = 0; start < bytes.length; start += 5552) {
    const end = Math.min(start + 5552, bytes.length);
    for (let i = start; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Checks the CRC of every chunk up to `IEND` and the Adler-32 of the inflated image data, and returns
 * the same PNG with its image data stored uncompressed (one `IDAT` of zlib "stored" blocks, CRC left 0),
 * so that the decoder copies the data already inflated here instead of inflating it a second time.
 * Returns `bytes` unchanged when there is no image data to check (the decoder then reports it).
 * @throws DataError naming `source`, the chunk and its byte offset when a checksum does not match,
 * a chunk runs past the end of the file, or the image data does not inflate.
 */
export function verifiedPng(bytes: Uint8Array, source: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = 'the file is damaged: export or download it again';
  const chunks: Array<{ at: number; length: number; type: string }> = [];
  let idatBytes = 0;
  let at = 8; // after the signature
  for (let ended = false; !ended; ) {
    if (at + 12 > bytes.length)
      throw new DataError(
        `${source} is a corrupt PNG (it ends at byte ${bytes.length} without an IEND chunk); ${damaged}.`,
      );
    const length = view.getUint32(at, false);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (at + 12 + length > bytes.length)
      throw new DataError(
        `${source} is a corrupt PNG (chunk ${JSON.stringify(type)} at byte ${at} claims ${length} bytes, past the end of the file); ${damaged}.`,
      );
    const stored = view.getUint32(at + 8 + length, false);
    const computed = crc32(bytes.subarray(at + 4, at + 8 + length)); // type and data
    if (stored !== computed)
      throw new DataError(
        `${source} is a corrupt PNG (chunk ${JSON.stringify(type)} at byte ${at} fails its CRC check: stored ${hex(stored)}, computed ${hex(computed)}); ${damaged}.`,
      );
    chunks.push({ at, length, type });
    if (type === 'IDAT') idatBytes += length;
    ended = type === 'IEND';
    at += 12 + length;
  }
  if (idatBytes < 6) return bytes; // no zlib stream to check: the decoder reports the missing data
  const stream = new Uint8Array(idatBytes);
  let offset = 0;
  for (const c of chunks)
    if (c.type === 'IDAT') {
      stream.set(bytes.subarray(c.at + 8, c.at + 8 + c.length), offset);
      offset += c.length;
    }
  let inflated: Uint8Array;
  try {
    inflated = unzlibSync(stream);
  } catch (error) {
    throw new DataError(
      `${source} is a corrupt PNG (its image data does not inflate: ${(error as Error).message}); ${damaged}.`,
      { cause: error },
    );
  }
  const storedAdler = new DataView(stream.buffer).getUint32(idatBytes - 4, false);
  const computedAdler = adler32(inflated);
  if (storedAdler !== computedAdler)
    throw new DataError(
      `${source} is a corrupt PNG (its image data fails the zlib Adler-32 check: stored ${hex(storedAdler)}, computed ${hex(computedAdler)}); ${damaged}.`,
    );
  return withStoredImageData(bytes, chunks, inflated, storedAdler);
}

/** Largest block of a zlib "stored" (uncompressed) deflate block. */
const STORED_BLOCK = 65535;

/**
 * `png` with its `IDAT` chunks replaced by one whose zlib stream holds `raw` in stored blocks (RFC 1951
 * 3.2.4: a header byte, LEN and its complement, then the bytes), ending with `adler`. The new chunk's
 * CRC is 0: its content was made here from checked data, and the decoder does not check CRCs.
 */
function withStoredImageData(
  png: Uint8Array,
  chunks: Array<{ at: number; length: number; type: string }>,
  raw: Uint8Array,
  adler: number,
): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / STORED_BLOCK));
  const zlibBytes = 2 + blocks * 5 + raw.length + 4;
  const kept = chunks.filter((c) => c.type !== 'IDAT');
  const size = 8 + kept.reduce((n, c) => n + 12 + c.length, 0) + 12 + zlibBytes;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(png.subarray(0, 8));
  let at = 8;
  let idatWritten = false;
  for (const c of chunks) {
    if (c.type === 'IDAT') {
      if (idatWritten) continue;
      idatWritten = true;
      view.setUint32(at, zlibBytes);
      out.set([0x49, 0x44, 0x41, 0x54], at + 4); // "IDAT"
      let w = at + 8;
      out[w++] = 0x78; // deflate, 32K window
      out[w++] = 0x01; // no dictionary, fastest; (0x78 << 8 | 0x01) % 31 === 0
      for (let b = 0; b < blocks; b++) {
        const part = raw.subarray(b * STORED_BLOCK, Math.min(raw.length, (b + 1) * STORED_BLOCK));
        out[w] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00
        view.setUint16(w + 1, part.length, true);
        view.setUint16(w + 3, ~part.length & 0xffff, true);
        out.set(part, w + 5);
        w += 5 + part.length;
      }
      view.setUint32(w, adler);
      at += 12 + zlibBytes; // CRC stays 0
      continue;
    }
    out.set(png.subarray(c.at, c.at + 12 + c.length), at);
    at += 12 + c.length;
  }
  return out;
}
