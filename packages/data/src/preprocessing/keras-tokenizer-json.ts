/**
 * Keras's tokenizer JSON (`tokenizer.to_json()` / `tokenizer_from_json`) to and from a
 * {@link TokenizerState}.
 */
import { ConfigError, DataError } from '@tensorfold/core';
import { parseJson } from '../loaders/json.js';
import type { TokenizerState } from './tokenizer.js';

/** The object Keras's `Tokenizer.to_json()` writes; the count tables are JSON strings inside it. */
export interface KerasTokenizerJson {
  class_name: 'Tokenizer';
  config: {
    num_words: number | null;
    filters: string | null;
    lower: boolean;
    split: string;
    char_level: boolean;
    oov_token: string | null;
    document_count: number;
    /** JSON of `{token: count}`. */
    word_counts: string;
    /** JSON of `{token: documents}`. */
    word_docs: string;
    /** JSON of `{id: documents}`. */
    index_docs: string;
    /** JSON of `{id: token}`. */
    index_word: string;
    /** JSON of `{token: id}`. */
    word_index: string;
  };
}

/** A {@link TokenizerState} from Keras's tokenizer JSON (a string or its parsed object). */
export function stateFromKerasJson(json: string | KerasTokenizerJson): TokenizerState {
  const parsed = typeof json === 'string' ? parseJson(json, 'the tokenizer JSON') : json;
  const config = (parsed as Partial<KerasTokenizerJson>)?.config;
  if (
    (parsed as Partial<KerasTokenizerJson>)?.class_name !== 'Tokenizer' ||
    typeof config !== 'object' ||
    !config
  )
    throw new DataError(
      'Not a Keras tokenizer JSON: expected {"class_name": "Tokenizer", "config": {...}} as tokenizer.to_json() writes.',
    );
  const wordIndex = table(config.word_index, 'word_index');
  const wordCounts = table(config.word_counts, 'word_counts');
  const wordDocs = table(config.word_docs, 'word_docs');
  const byId = Object.entries(wordIndex).sort((a, b) => a[1] - b[1]);
  byId.forEach(([token, id], position) => {
    if (id !== position + 1)
      throw new DataError(
        `Keras word_index gives '${token}' id ${id} where ${position + 1} was expected (ids must run 1, 2, 3...). ` +
          'Keras leaves such a gap when the texts contain the oov_token itself; refit without it.',
      );
  });
  const level = config.char_level ? 'char' : 'word';
  if (typeof config.split !== 'string' || config.split === '')
    throw new DataError(`Keras split must be a non-empty string, got ${JSON.stringify(config.split)}.`);
  const vocabulary = byId.map(([token]) => token);
  return {
    version: 2,
    level,
    numWords: config.num_words ? config.num_words : null, // Keras reads 0 as no limit
    oovToken: config.oov_token ?? null,
    lower: config.lower !== false,
    // Keras applies no filters at character level.
    filters: level === 'char' || !config.filters ? null : config.filters,
    filterMode: 'split',
    split: config.split,
    ngrams: 1,
    vocabulary,
    counts: vocabulary.map((token) => own(wordCounts, token)),
    documentCounts: vocabulary.map((token) => own(wordDocs, token)),
    documentCount: config.document_count ?? 0,
  };
}

/**
 * Keras's tokenizer JSON for a {@link TokenizerState}.
 *
 * @throws ConfigError when the tokenizer does something Keras's cannot (n-grams, a RegExp split or
 * filters, removed filter characters, filters at character level).
 */
export function kerasJsonFromState(state: TokenizerState): KerasTokenizerJson {
  const refuse = (why: string): never => {
    throw new ConfigError(`Keras's Tokenizer cannot load this tokenizer: ${why}.`);
  };
  if (state.filterMode !== 'split')
    refuse("it removes filtered characters (filterMode 'remove', as 0.1 did)");
  if (state.ngrams > 1) refuse('it makes n-grams');
  if (typeof state.split !== 'string') refuse("its split is a RegExp (pass split: ' ' or another string)");
  if (state.filters !== null && typeof state.filters !== 'string')
    refuse('its filters are a RegExp (pass the characters as a string)');
  if (state.level === 'char' && state.filters) refuse('Keras ignores filters at character level');
  if (!state.documentCounts) refuse('it has no per-document counts (saved by @tensorfold/data 0.1)');
  const documentCounts = state.documentCounts as number[];
  // Without a prototype, so that words such as '__proto__' are plain keys.
  const wordCounts: Record<string, number> = Object.create(null);
  const wordDocs: Record<string, number> = Object.create(null);
  const indexDocs: Record<string, number> = Object.create(null);
  const indexWord: Record<string, string> = Object.create(null);
  const wordIndex: Record<string, number> = Object.create(null);
  state.vocabulary.forEach((token, i) => {
    if (state.counts[i] > 0) wordCounts[token] = state.counts[i];
    if (documentCounts[i] > 0) {
      wordDocs[token] = documentCounts[i];
      indexDocs[i + 1] = documentCounts[i];
    }
    indexWord[i + 1] = token;
    wordIndex[token] = i + 1;
  });
  return {
    class_name: 'Tokenizer',
    config: {
      num_words: state.numWords,
      filters: state.level === 'char' ? '' : ((state.filters as string | null) ?? ''),
      lower: state.lower,
      split: state.split as string,
      char_level: state.level === 'char',
      oov_token: state.oovToken,
      document_count: state.documentCount,
      word_counts: JSON.stringify(wordCounts),
      word_docs: JSON.stringify(wordDocs),
      index_docs: JSON.stringify(indexDocs),
      index_word: JSON.stringify(indexWord),
      word_index: JSON.stringify(wordIndex),
    },
  };
}

/** The table's own entry for `key` (not one inherited, as `'constructor'` would be), or 0. */
function own(table: Record<string, number>, key: string): number {
  return Object.hasOwn(table, key) ? table[key] : 0;
}

/** A `{key: number}` table stored as a JSON string (or already parsed). */
function table(value: unknown, name: string): Record<string, number> {
  const parsed = typeof value === 'string' ? parseJson(value, name) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new DataError(
      `Keras tokenizer ${name} must be a JSON object, got ${JSON.stringify(value)?.slice(0, 40)}.`,
    );
  for (const [key, count] of Object.entries(parsed))
    if (!(Number.isInteger(count) && (count as number) >= 0))
      throw new DataError(`Keras tokenizer ${name}['${key}'] is ${JSON.stringify(count)}, not a count.`);
  return parsed as Record<string, number>;
}
