import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { parseCsv } from './csv.js';
import { parseJson, tableFromRecords } from './json.js';

beforeAll(useCpu);

describe('parseCsv', () => {
  it('reads a header, infers number, boolean and string columns, and treats missing values', () => {
    const table = parseCsv('a,b,c,d\n1,true,x,\n2.5,false,"y, z",NA\n-3e2,TRUE,,7\n');
    expect(table.columnNames).toEqual(['a', 'b', 'c', 'd']);
    expect(table.rowCount).toBe(3);
    expect(Array.from(table.numbers('a'))).toEqual([1, 2.5, -300]);
    expect(table.typeOf('b')).toBe('boolean');
    expect(table.column('b')).toEqual([true, false, true]);
    expect(table.column('c')).toEqual(['x', 'y, z', null]);
    const d = table.numbers('d');
    expect(Number.isNaN(d[0]) && Number.isNaN(d[1]) && d[2] === 7).toBe(true);
    expect(table.rows()[1]).toEqual({ a: 2.5, b: false, c: 'y, z', d: Number.NaN });
  });

  it('handles quotes, doubled quotes, newlines in fields, CRLF, BOM, comments and tabs', () => {
    const text = '\ufeffname\tnote\r\n# a comment\r\n"Ann"\t"said ""hi""\r\nthen left"\r\nBob\tplain\r\n\r\n';
    const table = parseCsv(text, { delimiter: '\t', comment: '#' });
    expect(table.column('name')).toEqual(['Ann', 'Bob']);
    expect(table.column('note')).toEqual(['said "hi"\r\nthen left', 'plain']);
  });

  it('reads files without a header, with given names and declared types', () => {
    const table = parseCsv('1,007\n2,010\n', {
      header: false,
      columnNames: ['id', 'code'],
      columnTypes: { code: 'string' },
    });
    expect(table.column('code')).toEqual(['007', '010']);
    expect(Array.from(table.numbers('id'))).toEqual([1, 2]);
    expect(parseCsv('5,6\n', { header: false }).columnNames).toEqual(['column0', 'column1']);
  });

  it('turns numeric columns into a tensor and a text column into class ids', async () => {
    const table = parseCsv('x,y,label\n1,2,cat\n3,4,dog\n5,6,cat\n');
    const t = table.toTensor();
    expect(t.shape).toEqual([3, 2]);
    expect(await t.array()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    t.dispose();
    const { ids, names } = table.categories('label');
    expect(Array.from(ids)).toEqual([0, 1, 0]);
    expect(names).toEqual(['cat', 'dog']);
    expect(Array.from(table.categories('label', ['dog', 'cat']).ids)).toEqual([1, 0, 1]);
    expect(() => table.categories('label', ['dog'])).toThrow(/"cat" in column "label"/);
    expect(() => table.numbers('label')).toThrow(/holds text/);
    expect(() => table.column('nope')).toThrow(/no column "nope"/);
    expect(table.select(['y']).columnNames).toEqual(['y']);
    expect(table.head(1).rowCount).toBe(1);
    expect(table.head(10).rowCount).toBe(3);
    // A negative count is not "all but the last rows".
    for (const count of [-1, 1.5, Number.NaN]) expect(() => table.head(count)).toThrow(ConfigError);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('infers numbers from quoted numeric fields, as the parseCsv example promises', async () => {
    const table = parseCsv('x,y\n1,2\n3,"4"\n');
    expect(table.typeOf('y')).toBe('number');
    const xy = table.toTensor(['x', 'y']);
    expect(await xy.array()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    xy.dispose();
    // Quoting all fields (as many exporters do) keeps numeric columns numeric.
    expect(Array.from(parseCsv('"a","b"\n"1.5","x"\n"-2","y"\n').numbers('a'))).toEqual([1.5, -2]);
  });

  it('reads a quoted missing marker in a numeric column as missing (quote-everything exports)', () => {
    const table = parseCsv('"a","b","s"\n"1","NA","x"\n"","2",""\n');
    expect(Array.from(table.numbers('a'))).toEqual([1, Number.NaN]);
    expect(Array.from(table.numbers('b'))).toEqual([Number.NaN, 2]);
    // In a text column a quoted "" is an empty string, not a missing value.
    expect(table.column('s')).toEqual(['x', '']);
    const declared = parseCsv('a\n"3"\n""\n', { columnTypes: { a: 'number' } });
    expect(Array.from(declared.numbers('a'))).toEqual([3, Number.NaN]);
  });

  it('reads only decimal numbers as numbers: binary, octal and hex literals stay text', () => {
    const table = parseCsv('bin,oct,hex,big\n0b11,0o17,0x1f,1e400\n1,2,3,-1e400\n');
    expect(table.column('bin')).toEqual(['0b11', '1']);
    expect(table.column('oct')).toEqual(['0o17', '2']);
    expect(table.column('hex')).toEqual(['0x1f', '3']);
    // An overflowing decimal is still a number (infinite), not text.
    expect(Array.from(table.numbers('big'))).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  });

  it('rejects malformed CSV with a DataError naming the source and line', () => {
    const bad: Array<[string, RegExp]> = [
      ['a,b\n1,2\n3\n', /data\.csv line 3 has 1 fields but the header has 2/],
      ['a,b\n1,"2\n3,4\n', /data\.csv line 2: a quoted field is never closed/],
      ['a,b\n1,"2"x\n', /data\.csv line 2: text after a closing quote/],
      ['a,b\n1,2"\n', /data\.csv line 2: a quote inside an unquoted field/],
      ['a,a\n1,2\n', /two columns named "a"/],
      ['', /data\.csv is empty/],
    ];
    for (const [text, message] of bad) {
      expect(() => parseCsv(text, { source: 'data.csv' })).toThrow(DataError);
      expect(() => parseCsv(text, { source: 'data.csv' })).toThrow(message);
    }
    expect(() => parseCsv('a\n1\nx\n', { source: 'data.csv', columnTypes: { a: 'number' } })).toThrow(
      /line 3: column "a" is numeric but holds "x"/,
    );
    expect(() => parseCsv('a\n1\n', { columnTypes: { b: 'number' } })).toThrow(/not a column/);
  });
});

describe('JSON', () => {
  it('parses records into typed columns with missing values', () => {
    const table = tableFromRecords(
      parseJson('[{"x": 1, "s": "a", "f": true}, {"x": null, "s": "b"}, {"s": null, "x": 3}]'),
    );
    expect(table.columnNames).toEqual(['x', 's', 'f']);
    const x = table.numbers('x');
    expect([x[0], Number.isNaN(x[1]), x[2]]).toEqual([1, true, 3]);
    expect(table.column('s')).toEqual(['a', 'b', null]);
    expect(table.column('f')).toEqual([true, null, null]);
  });

  it('rejects invalid JSON and records it cannot flatten, naming the source', () => {
    expect(() => parseJson('{"a": ', 'in.json')).toThrow(/in\.json is not valid JSON/);
    expect(() => tableFromRecords({ a: 1 }, 'in.json')).toThrow(/in\.json is object, not an array/);
    expect(() => tableFromRecords([1], 'in.json')).toThrow(/record 0 is not an object/);
    expect(() => tableFromRecords([{ a: [1] }], 'in.json')).toThrow(/nested array in "a"/);
    expect(() => tableFromRecords([{ a: 1 }, { a: 'x' }], 'in.json')).toThrow(/mixes number and string/);
  });
});
