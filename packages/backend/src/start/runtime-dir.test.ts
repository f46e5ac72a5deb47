import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureRuntimeDir, RUNTIME_DIR_ENV } from './runtime-dir.js';

describe('ensureRuntimeDir', () => {
  const original = process.env[RUNTIME_DIR_ENV];
  afterEach(() => {
    if (original == null) delete process.env[RUNTIME_DIR_ENV];
    else process.env[RUNTIME_DIR_ENV] = original;
  });

  it('points an unset XDG_RUNTIME_DIR at a private folder that exists, and leaves a set one alone', async () => {
    delete process.env[RUNTIME_DIR_ENV];
    const dir = await ensureRuntimeDir();
    expect(dir).not.toBeNull();
    expect(process.env[RUNTIME_DIR_ENV]).toBe(dir);
    const stats = statSync(dir!);
    expect(stats.isDirectory()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o700);
    expect(await ensureRuntimeDir()).toBeNull();
    process.env[RUNTIME_DIR_ENV] = '/run/user/elsewhere';
    expect(await ensureRuntimeDir()).toBeNull();
    expect(process.env[RUNTIME_DIR_ENV]).toBe('/run/user/elsewhere');
  });
});
