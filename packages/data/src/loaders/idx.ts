/**
 * The IDX format of the MNIST family: a 4-byte magic number (two zero bytes, a type code, the number
 * of dimensions), one big-endian 32-bit size per dimension, then the values, big-endian.
 */
import { DataError } from '@tensorfold/core';
import { checkLimit } from './labeled.js';

/** Element types of IDX files. */
export type IdxDataType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The values of an IDX file: a typed array in row-major order and its shape. */
export interface IdxArray {
  dtype: IdxDataType;
  /** Sizes of the dimensions, e.g. `[60000, 28, 28]` (after `limit`, the first is at most `limit`). */
  shape: number[];
  /** The values, in row-major order, converted to the platform's byte order. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** The parsed header of an IDX file. */
export interface IdxHeader {
  dtype: IdxDataType;
  /** Sizes of all dimensions as declared in the file. */
  shape: number[];
  /** Bytes before the values. */
  headerBytes: number;
  /** Bytes per value. */
  itemBytes: number;
  /** Total file size the header implies, in bytes. */
  expectedBytes: number;
}

/** Options of {@link parseIdx}. */
export interface IdxOptions {
  /** Name of the file, for error messages. Default `'IDX data'`. */
  source?: string;
  /**
   * Read only the first `limit` items (along the first dimension; an integer >= 0). The bytes then
   * only need to hold those items. Default: all.
   */
  limit?: number;
}

const TYPES: Record<number, [IdxDataType, number]> = {
  8: ['uint8', 1],
  9: ['int8', 1],
  11: ['int16', 2],
  12: ['int32', 4],
  13: ['float32', 4],
  14: ['float64', 8],
};

/**
 * Reads and checks an IDX header.
 * @throws DataError naming `source` when the magic number, type code or dimensions are wrong.
 */
export function parseIdxHeader(bytes: Uint8Array, source = 'IDX data'): IdxHeader {
  if (bytes.length < 4)
    throw new DataError(
      `${source} is ${bytes.length} bytes long, too short for an IDX header; the file is truncated or not an IDX file.`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const typeCode = bytes[2];
  const ndims = bytes[3];
  const type = TYPES[typeCode];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || ndims === 0) {
    throw new DataError(
      `${source} has magic number 0x${magic.toString(16).padStart(8, '0')}, which is not an IDX magic number (0x0000TTDD: type 08-0e, 1+ dimensions). Is it gzipped (name it .gz) or another format?`,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes)
    throw new DataError(
      `${source} is truncated inside its header (${bytes.length} of ${headerBytes} bytes).`,
    );
  const shape: number[] = [];
  for (let d = 0; d < ndims; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const [dtype, itemBytes] = type;
  const expectedBytes = headerBytes + shape.reduce((a, b) => a * b, 1) * itemBytes;
  return { dtype, shape, headerBytes, itemBytes, expectedBytes };
}

/**
 * Parses an IDX file's bytes.
 *
 * @throws DataError naming the file when the magic number is wrong, the file is truncated or has
 *   bytes after its values.
 * @example
 * const images = parseIdx(new Uint8Array(await (await fetch(url)).arrayBuffer()), { source: url });
 */
export function parseIdx(bytes: Uint8Array, options: IdxOptions = {}): IdxArray {
  const source = options.source ?? 'IDX data';
  checkLimit(options.limit);
  const header = parseIdxHeader(bytes, source);
  const { shape, headerBytes, itemBytes, dtype } = header;
  const itemSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const count = options.limit === undefined ? shape[0] : Math.min(shape[0], options.limit);
  const needed = headerBytes + count * itemSize * itemBytes;
  if (bytes.length < needed) {
    throw new DataError(
      `${source} is truncated: its header declares [${shape.join(', ')}] ${dtype} values (${header.expectedBytes} bytes) but it has ${bytes.length} bytes. Download the file again.`,
    );
  }
  if (options.limit === undefined && bytes.length > header.expectedBytes) {
    throw new DataError(
      `${source} has ${bytes.length - header.expectedBytes} bytes after the ${shape.join('x')} values its header declares; the file is corrupt.`,
    );
  }
  const length = count * itemSize;
  const start = bytes.byteOffset + headerBytes;
  const data = convert(bytes.buffer as ArrayBuffer, start, length, dtype);
  return { dtype, shape: [count, ...shape.slice(1)], data };
}

function convert(buffer: ArrayBuffer, start: number, length: number, dtype: IdxDataType): IdxArray['data'] {
  if (dtype === 'uint8') return new Uint8Array(buffer.slice(start, start + length));
  if (dtype === 'int8') return new Int8Array(buffer.slice(start, start + length));
  const view = new DataView(buffer, start);
  switch (dtype) {
    case 'int16': {
      const out = new Int16Array(length);
      for (let i = 0; i < length; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(length);
      for (let i = 0; i < length; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(length);
      for (let i = 0; i < length; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    default: {
      const out = new Float64Array(length);
      for (let i = 0; i < length; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

/** Values each integer IDX type holds. */
const INTEGER_RANGES: Partial<Record<IdxDataType, [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

/**
 * Writes values as an IDX file (big-endian), e.g. to save a subset of MNIST or to make test files.
 *
 * @throws DataError when the shape is not whole sizes >= 0, does not match the number of values, or
 *   a value does not fit an integer `dtype` (scale images in [0, 1] to 0-255 and round them first).
 */
export function encodeIdx(
  data: IdxArray['data'],
  shape: readonly number[],
  dtype: IdxDataType = 'uint8',
): Uint8Array {
  const entry = Object.entries(TYPES).find(([, [t]]) => t === dtype);
  if (!entry) throw new DataError(`Unknown IDX type ${dtype}.`);
  const [code, [, itemBytes]] = [Number(entry[0]), entry[1]];
  if (
    shape.length === 0 ||
    shape.length > 255 ||
    !shape.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)
  )
    throw new DataError(`encodeIdx needs a shape of 1 to 255 whole sizes, got [${shape.join(', ')}].`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count)
    throw new DataError(
      `encodeIdx got ${data.length} values for shape [${shape.join(', ')}] (${count} values).`,
    );
  const range = INTEGER_RANGES[dtype];
  if (range) {
    for (let i = 0; i < count; i++) {
      const v = data[i];
      if (!(Number.isInteger(v) && v >= range[0] && v <= range[1]))
        throw new DataError(
          `encodeIdx: value ${i} is ${v}, which ${dtype} cannot hold (integers ${range[0]} to ${range[1]}); round or scale the values, or use float32.`,
        );
    }
  }
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + count * itemBytes);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((s, d) => {
    view.setUint32(4 + 4 * d, s, false);
  });
  for (let i = 0; i < count; i++) {
    const at = headerBytes + i * itemBytes;
    const v = data[i];
    if (dtype === 'uint8') view.setUint8(at, v);
    else if (dtype === 'int8') view.setInt8(at, v);
    else if (dtype === 'int16') view.setInt16(at, v, false);
    else if (dtype === 'int32') view.setInt32(at, v, false);
    else if (dtype === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}
