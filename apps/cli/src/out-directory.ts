import { accessSync, constants, type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why `path` cannot take a saved model, or `null` when it can: it must not be empty, and it (or the
 * nearest part of it that exists) must be a writable directory; missing directories below it are created when saving. Looks
 * only; creates nothing.
 */
export function outDirectoryProblem(path: string): string | null {
  if (path.trim() === '')
    return '--out needs a directory, got an empty path; pass one, e.g. --out runs/lenet5.';
  const dir = resolve(path);
  let existing = dir;
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
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    return `--out ${dir} cannot be written: ${existing} is not writable; pass a directory you can write to.`;
  }
  return null;
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
