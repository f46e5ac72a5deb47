import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { findPythonWith } from './python-probe.js';

// Stand-in interpreters (shell scripts): one that prints a version, one that fails as Python does.
const dir = mkdtempSync(join(tmpdir(), 'tensorfold-python-probe-'));
const fake = (name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};
const good = fake('good', 'echo "$2" > "$0.args"; echo " 9.8.7 "');
const bad = fake(
  'bad',
  'echo "Traceback" >&2; echo "ModuleNotFoundError: No module named \'numpy\'" >&2; exit 1',
);

afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findPythonWith', () => {
  it("takes TENSORFOLD_BENCH_PYTHON alone when set, and gives the module's version", async () => {
    vi.stubEnv('TENSORFOLD_BENCH_PYTHON', good);
    expect(findPythonWith('numpy', 'apt-get install python3-numpy')).toEqual({
      python: good,
      version: '9.8.7',
      reason: '',
    });

    expect(readFileSync(`${good}.args`, 'utf8').trim()).toBe('import numpy; print(numpy.__version__)');
  });

  it("names each candidate's failure (Python's last line, or why it did not start) and the install", () => {
    vi.stubEnv('TENSORFOLD_BENCH_PYTHON', bad);
    expect(findPythonWith('numpy', 'apt-get install python3-numpy')).toEqual({
      python: null,
      version: null,
      reason: `no Python here imports numpy (${bad}: ModuleNotFoundError: No module named 'numpy'); on Debian: apt-get install python3-numpy`,
    });
    const missing = join(dir, 'missing');
    vi.stubEnv('TENSORFOLD_BENCH_PYTHON', missing);
    const probe = findPythonWith('torch', 'apt-get install python3-torch');
    expect(probe.python).toBeNull();
    expect(probe.reason).toMatch(
      new RegExp(
        `^no Python here imports torch \\(${missing}: .*ENOENT\\); on Debian: apt-get install python3-torch$`,
      ),
    );
  });
});
