import {
  accessSync,
  constants,
  mkdirSync,
  rmdirSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Why `path` cannot take a saved model, or `null` when it can: it must not be empty, it (or the
 * nearest part of it that exists) must be a directory, and a file must be writable in it. Access bits
 * do not settle that (as root every directory looks writable, `/proc` included), so this makes the
 * missing directories, writes and removes a probe file, and removes the directories it made: it
 * leaves the path as it found it.
 */
export function outDirectoryProblem(path: string): string | null {
  if (path.trim() === '')
    return '--out needs a directory, got an empty path; pass one, e.g. --out runs/lenet5.';
  const dir = resolve(path);
  let existing = dir;
  const missing: string[] = [];
  for (;;) {
    let stats: Stats | undefined;
    try {
      stats = statIfPresent(existing);
    } catch (error) {
      return `--out ${dir} cannot be checked (${(error as Error).message}); pass another directory.`;
    }
    if (stats) {
      if (!stats.isDirectory()) {
        return existing === dir
          ? `--out ${dir} is not a directory (it is a file); pass a directory to save the model in.`
          : `--out ${dir} is not a directory: ${existing} is a file; pass a path inside a directory.`;
      }
      break;
    }
    missing.push(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    return `--out ${dir} cannot be written: ${existing} is not writable; pass a directory you can write to.`;
  }
  return probeWrite(dir, missing.reverse());
}

/**
 * Makes `missing` (parents first; one at a time, as Node's recursive mkdir can loop forever under
 * /proc), writes and removes a probe file in `dir`, then removes what it made. The problem in words,
 * or `null` when the probe was written.
 */
function probeWrite(dir: string, missing: string[]): string | null {
  const made: string[] = [];
  try {
    for (const path of missing) {
      mkdirSync(path);
      made.push(path);
    }
    const probe = join(dir, `.tensorfold-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return `--out ${dir} cannot be written (${code}: ${(error as Error).message.replace(/^\w+: /, '')}); pass a directory you can write to.`;
  } finally {
    for (const path of made.reverse()) {
      try {
        rmdirSync(path);
      } catch {
        // something else wrote there meanwhile: leave it
      }
    }
  }
}

/** The stats of `path`, or `undefined` when nothing is there (also when a parent is a file). */
function statIfPresent(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
