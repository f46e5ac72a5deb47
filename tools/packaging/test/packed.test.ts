/**
 * Installing single packages, as users do: builds and packs every library package (`pnpm pack`, which
 * rewrites `workspace:` and `catalog:` ranges), installs the tarballs with plain npm into a fresh project
 * outside the repository, with what each README's install line names, and runs each package README's
 * examples there: in Node (through tsx, on the built `dist`), and bundled by esbuild for the browser and
 * run in headless Chromium with the WASM files served. A missing `files` entry, a wrong export or an
 * install line that forgets a package fails here. Browser runs are skipped with a notice where
 * Chromium is missing, unless TENSORFOLD_REQUIRE_WEBGPU=1.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Example, extractExamples, programName, runExample } from '@tensorfold/readme-examples';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, DONE, runInPage } from '../src/browser.js';
import { mustRun, pnpmCommand } from '../src/commands.js';
import { catalogVersions, installedPackages } from '../src/install-lines.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tensorfold-packed-'));
const project = join(work, 'app');
const tarballs = join(work, 'tarballs');
const requireBrowser = process.env.TENSORFOLD_REQUIRE_WEBGPU === '1';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !requireBrowser)
  console.warn(
    `[tensorfold] Packaging test: browser runs skipped, ${CHROMIUM} is missing (Debian: apt-get install chromium).`,
  );

/** The library packages: every non-private folder of packages/. */
const packages = readdirSync(join(repo, 'packages')).filter((dir) => {
  const file = join(repo, 'packages', dir, 'package.json');
  return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).private !== true;
});
const readmes = packages
  .map((dir) => join(repo, 'packages', dir, 'README.md'))
  .filter((file) => existsSync(file));
const examples: Example[] = readmes.flatMap((file) => extractExamples(readFileSync(file, 'utf8'), file));

let browser: Browser | null = null;

beforeAll(async () => {
  const started = performance.now();
  const log = (what: string) =>
    console.log(`[packaging] ${what} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  // Build every library package (turbo skips what is up to date), then pack each.
  await mustRun(
    join(repo, 'node_modules', '.bin', 'turbo'),
    ['run', 'build', '--filter=./packages/*', '--output-logs=errors-only'],
    repo,
    400_000,
  );
  log('built');
  mkdirSync(tarballs, { recursive: true });
  const pnpm = pnpmCommand();
  // Packed side by side; pnpm prints the tarball's path last.
  const packed = await Promise.all(
    packages.map(async (dir) => {
      const output = await mustRun(
        pnpm.file,
        [...pnpm.args, 'pack', '--pack-destination', tarballs],
        join(repo, 'packages', dir),
      );
      const tarball = output.trim().split('\n').at(-1)?.trim() ?? '';
      if (!tarball.endsWith('.tgz'))
        throw new Error(`pnpm pack made no tarball for packages/${dir}:\n${output}`);
      const name: string = JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')).name;
      return [name, tarball.startsWith('/') ? tarball : join(tarballs, basename(tarball))] as const;
    }),
  );
  const files = new Map<string, string>(packed);
  log('packed');
  // A fresh npm project outside the repository, with what the READMEs say to install.
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    '{ "name": "packed-app", "private": true, "type": "module" }\n',
  );
  const catalog = catalogVersions(readFileSync(join(repo, 'pnpm-workspace.yaml'), 'utf8'));
  const wanted = new Set<string>(files.values());
  for (const name of readmes.flatMap((file) => installedPackages(readFileSync(file, 'utf8')))) {
    if (files.has(name)) continue;
    if (name.startsWith('@tensorfold/'))
      throw new Error(`A README installs ${name}, which is not a library package here.`);
    wanted.add(catalog.has(name) ? `${name}@${catalog.get(name)}` : name);
  }
  await mustRun(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...wanted],
    project,
    400_000,
  );
  log('installed');
  if (hasChromium || requireBrowser)
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('packed packages, installed with npm', () => {
  it('every library package has a README example and an install line that names it', () => {
    for (const dir of packages) {
      const file = join(repo, 'packages', dir, 'README.md');
      const name = JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')).name;
      expect(existsSync(file), `packages/${dir}/README.md`).toBe(true);
      expect(
        installedPackages(readFileSync(file, 'utf8')),
        `the install line of packages/${dir}/README.md`,
      ).toContain(name);
      expect(
        examples.some((e) => e.file === file),
        `an example in packages/${dir}/README.md`,
      ).toBe(true);
    }
  });

  describe.concurrent('in Node', () => {
    for (const example of examples.filter((e) => e.runsIn !== 'browser')) {
      const name = programName(example, repo);
      it(name, async () => {
        const result = await runExample(example, name, {
          programDir: project,
          env: { TENSORFOLD_BACKEND: undefined },
        });
        expect(
          result.code,
          `${example.file}:${example.line} failed:\n${result.stderr}\n${result.stdout}`,
        ).toBe(0);
      });
    }
  });

  describe.skipIf(!hasChromium && !requireBrowser)('bundled for the browser, in headless Chromium', () => {
    for (const example of examples.filter((e) => e.runsIn !== 'node')) {
      const name = programName(example, repo).replace(/\.mts$/, '.browser.mts');
      it(name, async () => {
        expect(browser, `TENSORFOLD_REQUIRE_WEBGPU=1 but ${CHROMIUM} is missing`).not.toBeNull();
        const entry = join(project, name);
        writeFileSync(entry, `${example.code}\nconsole.log(${JSON.stringify(DONE)});\n`);
        const page = await runInPage(browser as Browser, project, entry);
        const where = `${example.file}:${example.line} in Chromium`;
        expect(page.errors, `${where} threw:\n${page.console.join('\n')}`).toEqual([]);
        expect(page.done, `${where} did not finish:\n${page.console.join('\n')}`).toBe(true);
        // The WASM files were served, so nothing fell back to the slow CPU backend.
        expect(page.console.filter((line) => /cpu backend trains/.test(line))).toEqual([]);
      });
    }
  });
});
