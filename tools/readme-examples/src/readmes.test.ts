// Every TypeScript example of every README in the repository, run as written, each in its own Node
// process on the workspace sources: a README whose example stops working fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractExamples } from './extract.js';
import { programName, runExample } from './run.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const programDir = fileURLToPath(new URL('../.examples', import.meta.url));

/** The READMEs of the repository: the root one and one per package, app and tool. */
function readmes(): string[] {
  const found = [join(root, 'README.md')];
  for (const group of ['packages', 'apps', 'tools']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const file = join(root, group, entry.name, 'README.md');
      if (entry.isDirectory() && existsSync(file)) found.push(file);
    }
  }
  return found;
}

const files = readmes();
const examples = files.flatMap((file) => extractExamples(readFileSync(file, 'utf8'), file));

describe('README examples', () => {
  it('every library package has a README with at least one example', () => {
    for (const entry of readdirSync(join(root, 'packages'))) {
      const file = join(root, 'packages', entry, 'README.md');
      expect(files, `packages/${entry} has no README.md`).toContain(file);
      expect(
        examples.some((e) => e.file === file),
        `packages/${entry}/README.md has no \`\`\`ts example`,
      ).toBe(true);
    }
  });

  describe.concurrent('run as written', () => {
    // Browser-only examples run bundled in Chromium, in the packaging test (tools/packaging).
    for (const example of examples.filter((e) => e.runsIn !== 'browser')) {
      const name = programName(example, root);
      it(name, async () => {
        const run = await runExample(example, name, {
          programDir,
          nodeFlags: ['--conditions=@tensorfold/source'],
          // The examples pick their backend themselves; a CI setting must not decide for them.
          env: { TENSORFOLD_BACKEND: undefined },
        });
        expect(run.code, `${example.file}:${example.line} failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
      });
    }
  });
});
