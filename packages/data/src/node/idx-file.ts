/**
 * Reading IDX files from disk, reading only the bytes a `limit` needs.
 */
import { promises as fs } from 'node:fs';
import { DataError } from '@tensorfold/core';
import { type IdxArray, type IdxHeader, parseIdx, parseIdxHeader } from '../loaders/idx.js';
import { fileError, readBytes } from './files.js';

/**
 * Reads an IDX file (gzipped when its name ends in `.gz`). With `limit`, only the header and the
 * first `limit` items are read from an uncompressed file; the file's (uncompressed) size is still
 * checked against its header, gzipped or not, so a truncated file is caught either way.
 *
 * @throws DataError naming the file: missing, wrong magic number, truncated, or with trailing bytes.
 */
export async function readIdxFile(path: string, options: { limit?: number } = {}): Promise<IdxArray> {
  if (options.limit === undefined) return parseIdx(await readBytes(path), { source: path });
  if (path.endsWith('.gz')) {
    // The whole file has to be inflated anyway: check its size before taking the first items.
    const bytes = await readBytes(path);
    checkFileSize(path, bytes.length, parseIdxHeader(bytes, path));
    return parseIdx(bytes, { source: path, limit: options.limit });
  }
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    const { size } = await handle.stat();
    const head = new Uint8Array(Math.min(size, 4 + 4 * 255));
    await handle.read(head, 0, head.length, 0);
    const header = parseIdxHeader(head, path);
    checkFileSize(path, size, header);
    const items = Math.min(header.shape[0], options.limit);
    const itemBytes = header.shape.slice(1).reduce((a, b) => a * b, 1) * header.itemBytes;
    const bytes = new Uint8Array(header.headerBytes + items * itemBytes);
    await handle.read(bytes, 0, bytes.length, 0);
    return parseIdx(bytes, { source: path, limit: items });
  } finally {
    await handle.close();
  }
}

/** @throws DataError naming the file when its (uncompressed) size is not the one its header implies. */
function checkFileSize(path: string, size: number, header: IdxHeader): void {
  if (size === header.expectedBytes) return;
  throw new DataError(
    size < header.expectedBytes
      ? `${path} is truncated: its header declares [${header.shape.join(', ')}] ${header.dtype} values (${header.expectedBytes} bytes) but the file has ${size} bytes. Download the file again.`
      : `${path} has ${size - header.expectedBytes} bytes after the ${header.shape.join('x')} values its header declares; the file is corrupt.`,
  );
}
