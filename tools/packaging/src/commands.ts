import { execFile } from 'node:child_process';

/** What a command gave. */
export interface CommandResult {
  code: number;
  output: string;
}

/** Runs `file args` in `cwd`; never throws: a failure is a non-zero `code` with the output. */
export function run(file: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: timeoutMs, maxBuffer: 32 << 20 }, (error, stdout, stderr) =>
      resolve({
        code: error == null ? 0 : typeof error.code === 'number' ? error.code : 1,
        output: `${stdout}${stderr}`,
      }),
    );
  });
}

/** Like {@link run}, but throws with the command's output when it fails. */
export async function mustRun(
  file: string,
  args: string[],
  cwd: string,
  timeoutMs?: number,
): Promise<string> {
  const result = await run(file, args, cwd, timeoutMs);
  if (result.code !== 0) throw new Error(`${file} ${args.join(' ')} (in ${cwd}) failed:\n${result.output}`);
  return result.output;
}

/** How to call pnpm: the one running this test (`npm_execpath`), else `pnpm` on the PATH. */
export function pnpmCommand(): { file: string; args: string[] } {
  const execPath = process.env.npm_execpath;
  if (execPath != null && /pnpm/.test(execPath)) {
    return execPath.endsWith('.js') || execPath.endsWith('.cjs')
      ? { file: process.execPath, args: [execPath] }
      : { file: execPath, args: [] };
  }
  return { file: 'pnpm', args: [] };
}
