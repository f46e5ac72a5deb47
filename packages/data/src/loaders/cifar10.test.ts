import { ConfigError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { CIFAR10_RECORD_BYTES, parseCifar10 } from './cifar10.js';

/** `count` records: label r % 10, red plane r, green plane 100 + r, blue plane 200 + r. */
function records(count: number): Uint8Array {
  const bytes = new Uint8Array(count * CIFAR10_RECORD_BYTES);
  for (let r = 0; r < count; r++) {
    const at = r * CIFAR10_RECORD_BYTES;
    bytes[at] = r % 10;
    for (let c = 0; c < 3; c++) bytes.fill(100 * c + r, at + 1 + c * 1024, at + 1 + (c + 1) * 1024);
  }
  return bytes;
}

describe('parseCifar10', () => {
  it('reads records channels-last, up to limit', () => {
    const parsed = parseCifar10(records(3), { limit: 2 });
    expect(parsed.count).toBe(2);
    expect(Array.from(parsed.labels)).toEqual([0, 1]);
    // second record, first pixel: r, g, b = 1, 101, 201
    expect(Array.from(parsed.pixels.subarray(3072, 3075)).map((v) => Math.round(v * 255))).toEqual([
      1, 101, 201,
    ]);
    expect(parseCifar10(records(3), { limit: 0 }).count).toBe(0);
  });

  it('rejects a limit that is not an integer >= 0 with a ConfigError', () => {
    for (const limit of [-1, 1.5, Number.NaN])
      expect(() => parseCifar10(records(2), { limit })).toThrow(ConfigError);
  });
});
