import { ConfigError, DataError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { encodeIdx, type IdxDataType, parseIdx } from './idx.js';

describe('parseIdx', () => {
  it('round-trips every IDX type through encodeIdx, big-endian', () => {
    const cases = [
      ['uint8', Uint8Array.from([0, 7, 255, 3, 4, 5])],
      ['int8', Int8Array.from([-128, -1, 0, 1, 2, 127])],
      ['int16', Int16Array.from([-30000, -2, 0, 2, 300, 30000])],
      ['int32', Int32Array.from([-2e9, -1, 0, 1, 65536, 2e9])],
      ['float32', Float32Array.from([-1.5, 0, 0.25, 3, 1e6, -7])],
      ['float64', Float64Array.from([Math.PI, -1e-300, 0, 1, 2, 3])],
    ] as const;
    for (const [dtype, values] of cases) {
      const bytes = encodeIdx(values, [3, 2], dtype);
      const parsed = parseIdx(bytes);
      expect(parsed.dtype).toBe(dtype);
      expect(parsed.shape).toEqual([3, 2]);
      expect(Array.from(parsed.data)).toEqual(Array.from(values));
    }
    // big-endian on disk: 300 = 0x012c
    const bytes = encodeIdx(Int16Array.from([300]), [1], 'int16');
    expect(Array.from(bytes.subarray(8))).toEqual([0x01, 0x2c]);
  });

  it('reads only the first items with limit, and a limit beyond the count reads all', () => {
    const bytes = encodeIdx(Uint8Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
    expect(parseIdx(bytes, { limit: 2 })).toMatchObject({
      shape: [2, 2],
      data: Uint8Array.from([1, 2, 3, 4]),
    });
    expect(parseIdx(bytes.subarray(0, 8 + 4 + 2), { limit: 1 }).shape).toEqual([1, 2]);
    expect(parseIdx(bytes, { limit: 10 }).shape).toEqual([3, 2]);
    expect(parseIdx(bytes, { limit: 0 }).shape).toEqual([0, 2]);
    for (const limit of [-1, 1.5, Number.NaN]) expect(() => parseIdx(bytes, { limit })).toThrow(ConfigError);
  });

  it('encodeIdx refuses values its integer type cannot hold instead of wrapping or truncating them', () => {
    const bad: Array<[number[], IdxDataType]> = [
      [[0.5], 'uint8'], // an image in [0, 1]: every pixel would become 0
      [[300], 'uint8'],
      [[-1], 'uint8'],
      [[128], 'int8'],
      [[40000], 'int16'],
      [[2 ** 31], 'int32'],
      [[Number.NaN], 'int32'],
    ];
    for (const [values, dtype] of bad) {
      expect(() => encodeIdx(Float64Array.from(values), [1], dtype)).toThrow(DataError);
      expect(() => encodeIdx(Float64Array.from(values), [1], dtype)).toThrow(/value 0 is/);
    }
    expect(() => encodeIdx(Uint8Array.from([1, 2]), [2.5])).toThrow(DataError);
    expect(() => encodeIdx(Uint8Array.from([]), [-1])).toThrow(DataError);
    // Floats keep NaN and infinities.
    const special = parseIdx(
      encodeIdx(Float32Array.from([Number.NaN, Number.POSITIVE_INFINITY]), [2], 'float32'),
    );
    expect(Array.from(special.data)).toEqual([Number.NaN, Number.POSITIVE_INFINITY]);
  });

  it('rejects a wrong magic number, naming the file', () => {
    const bytes = encodeIdx(Uint8Array.from([1, 2]), [2]);
    bytes[0] = 0x1f; // looks like gzip
    expect(() => parseIdx(bytes, { source: 'labels.idx' })).toThrow(DataError);
    expect(() => parseIdx(bytes, { source: 'labels.idx' })).toThrow(
      /labels\.idx has magic number 0x1f000801/,
    );
    const badType = encodeIdx(Uint8Array.from([1, 2]), [2]);
    badType[2] = 0x0a;
    expect(() => parseIdx(badType)).toThrow(/not an IDX magic number/);
  });

  it('rejects a truncated file and trailing bytes', () => {
    const bytes = encodeIdx(Uint8Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1), { source: 'a.idx' })).toThrow(
      /a\.idx is truncated/,
    );
    expect(() => parseIdx(bytes.subarray(0, 6), { source: 'a.idx' })).toThrow(/truncated inside its header/);
    expect(() => parseIdx(bytes.subarray(0, 2))).toThrow(DataError);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => parseIdx(longer, { source: 'a.idx' })).toThrow(/3 bytes after/);
  });
});
