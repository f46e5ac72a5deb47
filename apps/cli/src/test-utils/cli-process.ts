/**
 * Running the `tensorfold` executable from its TypeScript sources in a child process, as the tests that
 * need exit codes, signals or real stdout/stderr do.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI app's folder, where the child processes run. */
export const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Node's arguments that load TypeScript sources (then `src/main.ts` runs the CLI). */
const TYPESCRIPT = ['--conditions=@tensorfold/source', '--import', 'tsx'];

/** Node's arguments that run `src/main.ts` from source. */
const FROM_SOURCE = [...TYPESCRIPT, 'src/main.ts'];

/** This process's environment without `TENSORFOLD_BACKEND` (so `--backend` decides), then `env`. */
function childEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...process.env, TENSORFOLD_BACKEND: undefined, ...env };
}

/**
 * Runs `tensorfold <args>` and waits for it to end.
 *
 * @param env - variables set for the child (default: none beyond this process's)
 * @param preload - modules the child imports before the CLI (`node --import`), paths relative to the app
 *   folder (default: none)
 * @returns the exit code and everything printed on stdout and stderr
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, preload: string[] = []) {
  const imports = preload.flatMap((module) => ['--import', module]);
  const result = spawnSync(process.execPath, [...TYPESCRIPT, ...imports, 'src/main.ts', ...args], {
    cwd: appDir,
    encoding: 'utf8',
    env: childEnvironment(env),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `tensorfold <args>` (to read its output as it comes, or interrupt it). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...FROM_SOURCE, ...args], { cwd: appDir, env: childEnvironment(env) });
}
