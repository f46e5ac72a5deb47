import { dirname, resolve } from 'node:path';

/** The package script that runs the CLI from a clone (`pnpm tensorfold ...`, `npm run tensorfold -- ...`). */
const SCRIPT_NAME = 'tensorfold';

/**
 * The folder the user typed the command in, which relative paths on the command line are taken from.
 *
 * pnpm and npm run a package script in the package's folder, not where it was typed; they pass that
 * folder as `INIT_CWD`. It counts only when this process is that script run: the script is `tensorfold`
 * (`npm_lifecycle_event`) and the working directory is the folder of the package that defines it
 * (`npm_package_json`). A stale `INIT_CWD` inherited from some other script, or a script of another
 * package whose arguments its author wrote, leaves paths relative to the working directory.
 *
 * @param env - the environment to read (default `process.env`)
 * @param cwd - the working directory (default `process.cwd()`)
 */
export function userDirectory(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const { INIT_CWD: typedIn, npm_lifecycle_event: script, npm_package_json: packageJson } = env;
  if (typedIn && script === SCRIPT_NAME && packageJson && resolve(dirname(packageJson)) === resolve(cwd))
    return resolve(typedIn);
  return cwd;
}

/**
 * `path` as an absolute path, a relative one taken from the folder the user typed the command in
 * (see {@link userDirectory}).
 */
export function userPath(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string {
  return resolve(userDirectory(env, cwd), path);
}
