import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates `directory` and its missing parents (`mkdir -p`), in a way that cannot hang.
 *
 * Node's own `mkdir(path, { recursive: true })` loops forever where the file system answers ENOENT
 * for a directory it will never create: on Linux, `mkdir /proc/x` fails with ENOENT, so Node makes
 * the parent (which exists) and tries the child again, without end (`--out /proc/x` hung after a
 * whole training run). This creates each missing directory in turn, from the top, so such a path
 * fails with the file system's own error. An existing directory is fine; one created meanwhile by
 * another process too.
 */
export async function makeDirectories(directory: string): Promise<void> {
  const missing: string[] = [];
  for (let path = resolve(directory); ; ) {
    try {
      await fs.stat(path);
      break; // exists (a file here makes the mkdir below fail with ENOTDIR, as it should)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    missing.push(path);
    const parent = dirname(path);
    if (parent === path) break;
    path = parent;
  }
  for (const path of missing.reverse()) {
    try {
      await fs.mkdir(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
