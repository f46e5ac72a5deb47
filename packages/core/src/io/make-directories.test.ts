import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSystem } from './file-system.js';
import { makeDirectories } from './make-directories.js';

const root = mkdtempSync(join(tmpdir(), 'tensorfold-mkdir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('makeDirectories', () => {
  it('creates missing parents, and accepts a directory that exists', async () => {
    const dir = join(root, 'a', 'b', 'c');
    await makeDirectories(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    await makeDirectories(dir);
    await makeDirectories(root);
  });

  it('fails with ENOTDIR when a file stands in the path', async () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    await expect(makeDirectories(join(file, 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it.skipIf(!existsSync('/proc/self'))(
    "fails, instead of hanging as Node's recursive mkdir does, under Linux's /proc",
    async () => {
      await expect(makeDirectories('/proc/tensorfold-test/model')).rejects.toMatchObject({ code: 'ENOENT' });
    },
    5000,
  );

  it.skipIf(!existsSync('/proc/self'))(
    'lets a model saved under /proc fail instead of hanging',
    async () => {
      const handler = fileSystem('/proc/tensorfold-test/model');
      const artifacts = { modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(0) };
      await expect(handler.save!(artifacts)).rejects.toMatchObject({ code: 'ENOENT' });
    },
    5000,
  );
});
