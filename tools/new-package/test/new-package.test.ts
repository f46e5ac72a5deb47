// `pnpm new-package <name>` lays out a package that type-checks and passes its tests as generated:
// generated into a temporary copy of the repository's root files, with its dependencies linked as
// pnpm would link them.
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module without types
import { createPackage } from '../new-package.mjs';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tensorfold-new-package-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, timeout: 200_000, maxBuffer: 8 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error.code as number) ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/** Links `name` into `root/node_modules`, from where `from` (a repo folder) resolves it. */
function link(name: string, from: string): void {
  const target = realpathSync(join(from, 'node_modules', name));
  mkdirSync(dirname(join(root, 'node_modules', name)), { recursive: true });
  symlinkSync(target, join(root, 'node_modules', name), 'dir');
}

describe('pnpm new-package', () => {
  it('lays out a package like the others, which type-checks and passes its tests', async () => {
    for (const file of ['tsconfig.base.json', 'vitest.shared.ts'])
      copyFileSync(join(repo, file), join(root, file));
    mkdirSync(join(root, 'tools', 'readme-examples'), { recursive: true });
    writeFileSync(
      join(root, 'tools', 'readme-examples', 'package.json'),
      '{"dependencies": {"@tensorfold/core": "workspace:^"}}',
    );

    const written: string[] = createPackage({
      name: 'demo-widgets',
      description: 'Widgets for a demo.',
      root,
    });
    expect(written).toEqual(
      expect.arrayContaining([
        'packages/demo-widgets/package.json',
        'packages/demo-widgets/src/index.ts',
        'packages/demo-widgets/src/index.test.ts',
        'packages/demo-widgets/README.md',
        'packages/demo-widgets/vitest.config.ts',
        '.changeset/demo-widgets-first.md',
        'tools/readme-examples/package.json',
      ]),
    );
    const dir = join(root, 'packages', 'demo-widgets');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const peer = JSON.parse(readFileSync(join(repo, 'packages', 'tensor-math', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@tensorfold/demo-widgets');
    expect(Object.keys(pkg.exports['.'])).toEqual(Object.keys(peer.exports['.'])); // source condition first
    expect(pkg.exports['.']['@tensorfold/source']).toBe('./src/index.ts');
    expect(pkg.files).toEqual(peer.files);
    expect(pkg.peerDependencies).toEqual({ '@tensorflow/tfjs-core': 'catalog:' });
    expect(
      JSON.parse(readFileSync(join(root, 'tools', 'readme-examples', 'package.json'), 'utf8')).dependencies,
    ).toEqual({
      '@tensorfold/core': 'workspace:^',
      '@tensorfold/demo-widgets': 'workspace:^',
    });
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(
      /```ts\n[\s\S]*from '@tensorfold\/demo-widgets'/,
    );

    // The package beside it that vitest.shared.ts takes its per-test seeding from.
    symlinkSync(join(repo, 'packages', 'core'), join(root, 'packages', 'core'), 'dir');
    // What `pnpm install` would link.
    mkdirSync(join(root, 'node_modules', '@tensorfold'), { recursive: true });
    symlinkSync(join(repo, 'packages', 'core'), join(root, 'node_modules', '@tensorfold', 'core'), 'dir');
    for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu'])
      link(name, join(repo, 'packages', 'core'));
    for (const name of ['@types/node', 'typescript', 'vitest']) link(name, repo);

    const types = await run(
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'],
      dir,
    );
    expect(types.code, types.output).toBe(0);
    const tests = await run([join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], dir);
    expect(tests.code, tests.output).toBe(0);
    expect(tests.output).toMatch(/2 passed/);
  });

  it('refuses a bad name and an existing package, changing nothing', () => {
    expect(() => createPackage({ name: 'Bad_Name', root })).toThrow(/lower-case words/);
    expect(() => createPackage({ name: 'demo-widgets', root })).toThrow(/already exists/);
  });
});
