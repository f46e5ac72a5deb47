import { spawnSync } from 'node:child_process';
import { DataError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('parseCsv on hostile input', () => {
  it('parses a 12 MB quoted field in linear memory, under a 256 MB heap limit', () => {
    // Run in a child process with --max-old-space-size=256: the old parser added the field one
    // character at a time (418 MB of heap, aborting the process); slices joined once need ~40 MB.
    const csv = new URL('./csv.ts', import.meta.url).href;
    const code = `
      const { parseCsv } = await import(${JSON.stringify(csv)});
      const field = 'ab,c\\n'.repeat(12 * 1024 * 1024 / 5) + 'a ""quote""';
      const table = parseCsv('id,note\\n1,"' + field + '"\\n2,x\\n');
      const note = table.column('note')[0];
      console.log(JSON.stringify({ length: note.length, tail: note.slice(-9), rows: table.rowCount,
        heapMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) }));`;
    const child = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=256',
        '--conditions=@tensorfold/source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        code,
      ],
      { cwd: new URL('.', import.meta.url), encoding: 'utf8', timeout: 50_000 },
    );
    expect(child.stderr).not.toMatch(/heap out of memory/);
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout);
    expect(result).toMatchObject({ length: 12_582_910 + 9, tail: 'a "quote"', rows: 2 });
    expect(result.heapMB).toBeLessThan(150);
  });

  it('keeps line numbers right after quoted fields that span lines', () => {
    const text = 'a,b\n"x\ny\nz",1\n"w",2\n"q",oops"\n';
    expect(() => parseCsv(text, { source: 'f.csv' })).toThrow(
      /f\.csv line 6: a quote inside an unquoted field/,
    );
    expect(() => parseCsv('a,b\n1,"never closed\n', { source: 'g.csv' })).toThrow(
      /g\.csv line 2: a quoted field is never closed/,
    );
  });
});

describe('Table.numbers on a column that is not all numbers', () => {
  it('names the bad cell and its line, not the first value of the column', () => {
    const table = parseCsv('x,y\n1,2\n3,abc\n5,6', { source: 'data.csv' });
    expect(() => table.toTensor(['x', 'y'])).toThrow(DataError);
    expect(() => table.toTensor(['x', 'y'])).toThrow(
      /Column "y" of data\.csv holds "abc" at line 3 \(row 1\), which is not a number, while 2 other values are numbers/,
    );
    // after a multi-line quoted field, lines and rows differ
    const quoted = parseCsv('x,y\n"a\nb",1\nc,x2\n', { source: 'q.csv' });
    expect(() => quoted.numbers('y')).toThrow(/holds "x2" at line 4 \(row 1\)/);
    expect(() => quoted.select(['y']).numbers('y')).toThrow(/at line 4 \(row 1\)/);
    // a text column names its first value
    expect(() => table.select(['x']).numbers('x')).not.toThrow();
    expect(() => parseCsv('n\ncat\ndog\n').numbers('n')).toThrow(/holds text \("cat" at line 2 \(row 0\)\)/);
  });
});
