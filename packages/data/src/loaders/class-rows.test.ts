import { DataError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { parseClassRows } from './class-rows.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseClassRows (the fashion-mnist JSON layout)', () => {
  it('reads rows of bytes straight into one Uint8Array, skipping empty rows', () => {
    const rows = parseClassRows(bytes('{"data":[[0,1,255],[7, 8 ,9],[]]}'), 3, 'c.json');
    expect(rows.count).toBe(2);
    expect(Array.from(rows.data)).toEqual([0, 1, 255, 7, 8, 9]);
    const many = `{"data":[${Array.from({ length: 3000 }, (_, i) => `[${i % 256},1]`).join(',')}]}`;
    expect(parseClassRows(bytes(many), 2, 'm.json').count).toBe(3000);
  });

  it('rejects other layouts, wrong row lengths, bad values and truncation, naming the file', () => {
    const bad: Array<[string, RegExp]> = [
      ['[[1,2]]', /c\.json does not start with/],
      ['{"data":[[1,2],[3]]}', /c\.json: row 1 has 1 values, not 2/],
      ['{"data":[[1,2,3]]}', /row 0 has more than 2 values/],
      ['{"data":[[1,256]]}', /value above 255/],
      ['{"data":[[1,-2]]}', /unexpected character '-'/],
      ['{"data":[[1,[2]]]}', /nested array/],
      ['{"data":[[1,2],[3,4]', /truncated/],
    ];
    for (const [text, message] of bad) {
      expect(() => parseClassRows(bytes(text), 2, 'c.json')).toThrow(DataError);
      expect(() => parseClassRows(bytes(text), 2, 'c.json')).toThrow(message);
    }
  });
});
