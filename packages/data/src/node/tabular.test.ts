import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv, readJson, readJsonTable } from './tabular.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tensorfold-tabular-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('CSV and JSON files', () => {
  it('reads CSV (also gzipped) and JSON records from disk', async () => {
    await writeFile(join(dir, 'a.csv'), 'x,label\n1,a\n2,b\n');
    await writeFile(join(dir, 'b.csv.gz'), gzipSync('x\n5\n'));
    await writeFile(join(dir, 'c.json'), '[{"x": 1}, {"x": 2}]');
    expect(Array.from((await readCsv(join(dir, 'a.csv'))).numbers('x'))).toEqual([1, 2]);
    expect(Array.from((await readCsv(join(dir, 'b.csv.gz'))).numbers('x'))).toEqual([5]);
    expect((await readJsonTable(join(dir, 'c.json'))).rowCount).toBe(2);
    expect(await readJson(join(dir, 'c.json'))).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it('names the file in every error', async () => {
    await writeFile(join(dir, 'bad.csv'), 'x,y\n1\n');
    await writeFile(join(dir, 'bad.json'), '{"x": ');
    await writeFile(join(dir, 'bad.csv.gz'), 'not gzip');
    await expect(readCsv(join(dir, 'bad.csv'))).rejects.toThrow(/bad\.csv line 2 has 1 fields/);
    await expect(readJson(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json is not valid JSON/);
    await expect(readCsv(join(dir, 'bad.csv.gz'))).rejects.toThrow(/bad\.csv\.gz is not valid gzip/);
    await expect(readCsv(join(dir, 'none.csv'))).rejects.toThrow(DataError);
    await expect(readCsv(join(dir, 'none.csv'))).rejects.toThrow(/none\.csv does not exist/);
    await expect(readCsv(dir)).rejects.toThrow(/is a directory/);
  });

  it('refuses text that is not UTF-8 instead of replacing its bytes', async () => {
    // "café" in Latin-1: the é byte (0xe9) is not valid UTF-8 and was silently read as U+FFFD.
    await writeFile(join(dir, 'latin1.csv'), Uint8Array.from([...Buffer.from('name\ncaf'), 0xe9, 0x0a]));
    await expect(readCsv(join(dir, 'latin1.csv'))).rejects.toThrow(DataError);
    await expect(readCsv(join(dir, 'latin1.csv'))).rejects.toThrow(/latin1\.csv is not valid UTF-8/);
    await writeFile(join(dir, 'utf8.csv'), 'name\ncafé\n');
    expect((await readCsv(join(dir, 'utf8.csv'))).column('name')).toEqual(['café']);
  });
});
