import { SerializationError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { type BackupHeader, decodeBackup, encodeBackup } from './backup-file.js';

const valid: BackupHeader = {
  format: 1,
  epoch: 2,
  learningRate: 0.1,
  weightSpecs: [{ name: 'dense/kernel', shape: [2, 1], dtype: 'float32' }],
  randomStates: [[1, 2, 3, 4]],
  globalRandomState: [5, 6, 7, 8],
  callbackStates: [{ wait: 1 }],
};
const bytes = new ArrayBuffer(8); // two float32 values

/** `valid` with `field` replaced, encoded as a backup file. */
function withField(field: string, value: unknown): Uint8Array {
  return encodeBackup({ ...valid, [field]: value } as unknown as BackupHeader, bytes);
}

describe('backup file', () => {
  it('round-trips a header and its tensor bytes', () => {
    const { header, data } = decodeBackup(encodeBackup(valid, bytes), 'b.bin');
    expect(header).toEqual(valid);
    expect(data.byteLength).toBe(8);
  });

  it('refuses a header with a missing or mistyped field with a SerializationError naming it', () => {
    const cases: Array<[string, unknown]> = [
      ['weightSpecs', [{ name: 'dense/kernel', dtype: 'float32' }]], // no shape
      ['weightSpecs', [{ name: 'dense/kernel', shape: [2, 1], dtype: 'string' }]],
      ['epoch', -1],
      ['epoch', '2'],
      ['learningRate', 'fast'],
      ['randomStates', undefined],
      ['randomStates', [[1, 'x']]],
      ['globalRandomState', null],
      ['callbackStates', undefined],
      ['callbackStates', [null]],
    ];
    for (const [field, value] of cases) {
      const file = withField(field, value);
      expect(() => decodeBackup(file, 'b.bin'), `${field} = ${JSON.stringify(value)}`).toThrow(
        SerializationError,
      );
      expect(() => decodeBackup(file, 'b.bin')).toThrow(new RegExp(`${field}.*Delete b\\.bin`));
    }
  });
});
