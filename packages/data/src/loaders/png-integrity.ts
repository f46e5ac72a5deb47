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
 * Checks the CRC of every chunk up to `IEND` and the Adler-32 of the inflated image data.
 * @throws DataError naming `source`, the chunk and its byte offset when a checksum does not match,
 * a chunk runs past the end of the file, or the image data does not inflate.
 */
export function checkPngIntegrity(bytes: Uint8Array, source: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = 'the file is damaged: export or download it again';
  const idat: Uint8Array[] = [];
  let idatBytes = 0;
  let at = 8; // after the signature
  let ended = false;
  while (!ended) {
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
    if (type === 'IDAT') {
      idat.push(bytes.subarray(at + 8, at + 8 + length));
      idatBytes += length;
    }
    ended = type === 'IEND';
    at += 12 + length;
  }
  if (idatBytes < 6) return; // no zlib stream to check: the decoder reports the missing data
  const stream = new Uint8Array(idatBytes);
  let offset = 0;
  for (const part of idat) {
    stream.set(part, offset);
    offset += part.length;
  }
  let inflated: Uint8Array;
  try {
    inflated = unzlibSync(stream);
  } catch (error) {
    throw new DataError(
      `${source} is a corrupt PNG (its image data does not inflate: ${(error as Error).message}); ${damaged}.`,
      {
        cause: error,
      },
    );
  }
  const storedAdler = new DataView(stream.buffer).getUint32(idatBytes - 4, false);
  const computedAdler = adler32(inflated);
  if (storedAdler !== computedAdler)
    throw new DataError(
      `${source} is a corrupt PNG (its image data fails the zlib Adler-32 check: stored ${hex(storedAdler)}, computed ${hex(computedAdler)}); ${damaged}.`,
    );
}
