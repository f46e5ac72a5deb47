import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Example } from './extract.js';

/** What running an example gave. */
export interface ExampleRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Seconds it took. */
  seconds: number;
}

/** Options of {@link runExample}. */
export interface RunOptions {
  /** Folder the program file is written to; it must see the packages the example imports. */
  programDir: string;
  /** Extra Node flags, e.g. `['--conditions=@tensorfold/source']` to run workspace sources. */
  nodeFlags?: string[];
  /** Environment changes (a variable set to `undefined` is removed). */
  env?: Record<string, string | undefined>;
  /** Milliseconds before the program is killed. Default 150,000. */
  timeoutMs?: number;
}

/** The `--import` flag that makes Node run TypeScript through tsx, found from this package. */
export function tsxImportFlag(): string {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('tsx/package.json'));
  return `--import=${pathToFileURL(join(root, 'dist', 'loader.mjs')).href}`;
}

/** A file name for an example: `packages-core-README-34.mts`. */
export function programName(example: Example, root: string): string {
  const where = relative(root, example.file).replace(/[\\/]/g, '-').replace(/\.md$/i, '');
  return `${where || basename(example.file)}-${example.line}.mts`;
}

/**
 * Writes `example` to a `.mts` file in `options.programDir` and runs it in a fresh Node process
 * (through tsx), in an empty temporary working folder that is removed afterwards, so files the
 * example writes land nowhere else.
 */
export function runExample(example: Example, name: string, options: RunOptions): Promise<ExampleRun> {
  mkdirSync(options.programDir, { recursive: true });
  const program = join(options.programDir, name);
  writeFileSync(program, `// ${example.file}:${example.line}, generated; do not edit.\n${example.code}\n`);
  const cwd = mkdtempSync(join(tmpdir(), 'tensorfold-example-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value === undefined) delete env[key];
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeFlags ?? []), tsxImportFlag(), program],
      { cwd, env, timeout: options.timeoutMs ?? 150_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        rmSync(cwd, { recursive: true, force: true });
        const code = error == null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
      },
    );
  });
}
