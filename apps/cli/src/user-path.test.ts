import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { userDirectory, userPath } from './user-path.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const typedIn = mkdtempSync(join(tmpdir(), 'tensorfold-typed-in-'));
// A name no one else uses, so that a model saved in the wrong place is found (and removed) for sure.
const relative = join(basename(typedIn), 'mlp');
afterAll(() => {
  rmSync(typedIn, { recursive: true, force: true });
  rmSync(join(repoRoot, basename(typedIn)), { recursive: true, force: true });
});

describe('relative paths on the command line', () => {
  it('are taken from INIT_CWD only when this process is the `tensorfold` package script run', () => {
    const script = {
      INIT_CWD: '/home/me/work',
      npm_lifecycle_event: 'tensorfold',
      npm_package_json: '/repo/package.json',
    };
    expect(userDirectory(script, '/repo')).toBe('/home/me/work');
    expect(userPath('runs/a', script, '/repo')).toBe('/home/me/work/runs/a');
    expect(userPath('/abs/b', script, '/repo')).toBe('/abs/b');
    // A stale INIT_CWD: another script, another package's folder, or no script at all.
    expect(userDirectory({ ...script, npm_lifecycle_event: 'test' }, '/repo')).toBe('/repo');
    expect(userDirectory(script, '/repo/apps/cli')).toBe('/repo/apps/cli');
    expect(userDirectory({ INIT_CWD: '/home/me/work' }, '/repo')).toBe('/repo');
    expect(userDirectory({}, '/repo')).toBe('/repo');
  });

  it('resolve against the folder `pnpm tensorfold` was typed in, not the repository root', () => {
    // pnpm runs the root script in the repository root; the user typed the command in `typedIn`.
    const pnpm = (args: string[]) =>
      spawnSync('pnpm', ['--silent', '--dir', repoRoot, 'tensorfold', ...args], {
        cwd: typedIn,
        encoding: 'utf8',
        env: { ...process.env, TENSORFOLD_BACKEND: undefined },
      });
    const train = pnpm([
      'train',
      'mlp',
      '--limit',
      '64',
      '--epochs',
      '1',
      '--backend',
      'wasm',
      '--out',
      relative,
      '--json',
    ]);
    expect(train.stderr).not.toMatch(/^error:/m);
    expect(train.status).toBe(0);
    const saved = join(typedIn, relative);
    expect(JSON.parse(train.stdout.trim().split('\n').at(-1) as string).savedTo).toBe(saved);
    expect(existsSync(join(saved, 'model.json'))).toBe(true);
    expect(existsSync(join(repoRoot, relative))).toBe(false);

    const summary = pnpm(['summary', relative]);
    expect(summary.stdout).toContain('Total params: 535,818');
    expect(summary.status).toBe(0);
    const missing = pnpm(['summary', 'runs/none']);
    expect(missing.stderr).toContain(`no such directory or file: ${join(typedIn, 'runs', 'none')}`);
    expect(missing.status).toBe(2);
  });
});
