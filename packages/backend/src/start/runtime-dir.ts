import { environmentVariable, nodeEnvironment } from '../environment.js';

/** The variable Dawn's Vulkan and window-system code reads; it prints an error line when it is unset. */
export const RUNTIME_DIR_ENV = 'XDG_RUNTIME_DIR';

/**
 * Node only: when `XDG_RUNTIME_DIR` is unset (containers, CI, cron), points it at a private folder
 * under the temporary directory (`tensorfold-runtime-<uid>`, mode 0700, as the XDG spec asks), so
 * that Dawn does not print "XDG_RUNTIME_DIR is invalid or not set" on every start. A value that is
 * already set is left alone, and nothing else Dawn prints is affected.
 *
 * @returns the folder it set, or null when the variable was already set.
 */
export async function ensureRuntimeDir(): Promise<string | null> {
  if (environmentVariable(RUNTIME_DIR_ENV) != null) return null;
  // Variable specifiers keep bundlers from pulling Node modules into browser builds.
  const [fsName, osName, pathName] = ['node:fs', 'node:os', 'node:path'];
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs');
  const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
  const path = (await import(/* @vite-ignore */ pathName)) as typeof import('node:path');
  const dir = path.join(os.tmpdir(), `tensorfold-runtime-${os.userInfo().uid}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  nodeEnvironment()[RUNTIME_DIR_ENV] = dir;
  return dir;
}
