/**
 * Text to token ids and back, at word or character level, with a vocabulary limit, an
 * out-of-vocabulary token, lowercasing, character filters and n-grams: Keras 2's `Tokenizer`.
 */
import { ConfigError, DataError } from '@tensorfold/core';
import { checkSequences } from './check-sequences.js';
import { type KerasTokenizerJson, kerasJsonFromState, stateFromKerasJson } from './keras-tokenizer-json.js';
import { sequencesToMatrix, type TextMatrixMode } from './text-matrix.js';

/**
 * Keras's default `filters`: ASCII punctuation except the apostrophe (so "don't" stays one word), plus
 * tab and newline.
 */
export const KERAS_TEXT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

/** A text: a string, or a list of its tokens when it is already split (Keras accepts both). */
export type Text = string | readonly string[];

/** Options of {@link Tokenizer}. */
export interface TokenizerOptions {
  /** `'word'` or `'char'` tokens (Keras's `char_level`). Default `'word'`. */
  level?: 'word' | 'char';
  /**
   * Vocabulary limit: only ids below `numWords` are produced (the `numWords - 1` most frequent tokens,
   * id 0 being reserved for padding), and `textsToMatrix` rows are `numWords` wide. Default: no limit.
   */
  numWords?: number;
  /**
   * Token for words outside the vocabulary; it gets id 1. Default: none (such words are dropped).
   * Unlike Keras, the token keeps id 1 when it also occurs in the texts (Keras then gives it a second
   * id and leaves id 1 to no word).
   */
  oovToken?: string;
  /** Lowercase the text first. Default `true`. */
  lower?: boolean;
  /**
   * Characters that are not part of any word: each one separates words, as Keras's `split` character
   * would ("hello,world" is "hello" and "world"). A string lists the characters (Keras's form); a
   * RegExp matches them; `null` or `''` keeps every character.
   *
   * Default at word level: {@link KERAS_TEXT_FILTERS}. Default at character level: none, as in Keras,
   * where every character (space and punctuation included) is a token. Keras ignores `filters` at
   * character level even when given; here filters you pass are removed from the characters, because
   * silently ignoring an option hides mistakes.
   */
  filters?: RegExp | string | null;
  /**
   * What filtered characters become: `'split'` (a word separator, as in Keras) or `'remove'` (deleted, so
   * "hello,world" becomes "helloworld": how `@tensorfold/data` 0.1 tokenized, kept so that tokenizers
   * saved by it load unchanged). Default `'split'`.
   */
  filterMode?: 'split' | 'remove';
  /**
   * Word separator: a string (Keras's `split`) or a RegExp matching separators. Default `' '`, as in
   * Keras: with the default filters, tabs and newlines separate words too, but other whitespace (a
   * carriage return, a form feed, a no-break space) stays inside words ("a\r\nb" is "a\r" and "b").
   * Pass `split: /\s+/u` to separate words at any whitespace.
   */
  split?: RegExp | string;
  /**
   * Also make n-grams of up to this many consecutive tokens (joined by a space for words, nothing for
   * characters), after all single tokens, as Keras's `TextVectorization(ngrams=n)` orders them (Keras's
   * `Tokenizer` has no n-grams). Default 1.
   */
  ngrams?: number;
}

/**
 * A saved tokenizer: options and vocabulary, as {@link Tokenizer.toJSON} writes it. States written by
 * `@tensorfold/data` 0.1 have no `version`, `filterMode` or `documentCounts`; they load with
 * `filterMode: 'remove'` (how they were fitted) and without document frequencies.
 */
export interface TokenizerState {
  /** Format version: 2. Absent in states of `@tensorfold/data` 0.1. */
  version?: number;
  level: 'word' | 'char';
  numWords: number | null;
  oovToken: string | null;
  lower: boolean;
  /** Characters as given in a string, or a RegExp's parts (0.1 always wrote the latter). */
  filters: string | { source: string; flags: string } | null;
  /** Absent in states of 0.1, which removed filtered characters. */
  filterMode?: 'split' | 'remove';
  split: { source: string; flags: string } | string;
  ngrams: number;
  /** Tokens by frequency order (id = position + 1). */
  vocabulary: string[];
  /** How often each vocabulary token occurred. */
  counts: number[];
  /** In how many documents each vocabulary token occurred (Keras's `word_docs`). Absent in states of 0.1. */
  documentCounts?: number[];
  documentCount: number;
}

const STATE_VERSION = 2;

/**
 * Learns a vocabulary from texts and maps texts to sequences of token ids, as Keras 2's `Tokenizer`. Ids
 * start at 1 and follow frequency (most frequent first, ties in order of first appearance); 0 is left
 * for padding.
 *
 * @example
 * const tokenizer = new Tokenizer({ numWords: 1000, oovToken: '<oov>' }).fitOnTexts(headlines);
 * const sequences = tokenizer.textsToSequences(headlines);
 */
export class Tokenizer {
  readonly level: 'word' | 'char';
  readonly numWords: number | null;
  readonly oovToken: string | null;
  readonly lower: boolean;
  /** The filtered characters as a global RegExp (`null`: none). */
  readonly filters: RegExp | null;
  /** The filtered characters as given in a string (Keras's form), or `null` when given as a RegExp or none. */
  readonly filterCharacters: string | null;
  readonly filterMode: 'split' | 'remove';
  readonly split: RegExp | string;
  readonly ngrams: number;
  /** Number of texts seen by `fitOnTexts`. */
  documentCount = 0;
  private readonly counts = new Map<string, number>();
  private readonly docs = new Map<string, number>();
  /** False after loading a 0.1 state, which did not record document frequencies. */
  private hasDocumentFrequencies = true;
  private index = new Map<string, number>();
  private tokensById: string[] = [''];

  constructor(options: TokenizerOptions = {}) {
    this.level = options.level ?? 'word';
    if (this.level !== 'word' && this.level !== 'char')
      throw new ConfigError(`level must be 'word' or 'char', got '${this.level}'.`);
    this.numWords = options.numWords ?? null;
    if (this.numWords !== null && !(Number.isInteger(this.numWords) && this.numWords >= 1))
      throw new ConfigError(`numWords must be an integer >= 1, got ${this.numWords}.`);
    this.oovToken = options.oovToken ?? null;
    this.lower = options.lower ?? true;
    const filters =
      options.filters === undefined ? (this.level === 'char' ? null : KERAS_TEXT_FILTERS) : options.filters;
    this.filters = filterPattern(filters);
    this.filterCharacters = typeof filters === 'string' && filters !== '' ? filters : null;
    this.filterMode = options.filterMode ?? 'split';
    if (this.filterMode !== 'split' && this.filterMode !== 'remove')
      throw new ConfigError(`filterMode must be 'split' or 'remove', got '${this.filterMode}'.`);
    this.split = options.split ?? ' ';
    if (this.split === '')
      throw new ConfigError("split must not be empty; use level: 'char' for characters.");
    this.ngrams = options.ngrams ?? 1;
    if (!(Number.isInteger(this.ngrams) && this.ngrams >= 1))
      throw new ConfigError(`ngrams must be an integer >= 1, got ${this.ngrams}.`);
  }

  /**
   * Splits one text into tokens (after lowercasing and filtering), with n-grams appended. A text given
   * as a list of tokens (already split, as Keras accepts) is only lowercased.
   */
  tokenize(text: Text): string[] {
    let units: string[];
    if (Array.isArray(text)) units = text.map((token) => (this.lower ? token.toLowerCase() : token));
    else if (typeof text !== 'string') throw new DataError(`Tokenizer expects strings, got ${typeof text}.`);
    else {
      const lowered = this.lower ? text.toLowerCase() : text;
      units = this.level === 'char' ? this.characters(lowered) : this.words(lowered);
    }
    if (this.ngrams === 1) return units;
    const joiner = this.level === 'char' ? '' : ' ';
    const out = [...units];
    for (let n = 2; n <= this.ngrams; n++)
      for (let i = 0; i + n <= units.length; i++) out.push(units.slice(i, i + n).join(joiner));
    return out;
  }

  /** Every character (code point), filtered ones removed. */
  private characters(text: string): string[] {
    return Array.from(this.filters ? text.replace(this.filters, '') : text);
  }

  /** Words: filtered characters separate (or are removed), then the text splits at `split`. */
  private words(text: string): string[] {
    let pieces: string[];
    if (!this.filters) pieces = splitAt(text, this.split);
    else if (this.filterMode === 'remove') pieces = splitAt(text.replace(this.filters, ''), this.split);
    else if (typeof this.split === 'string')
      pieces = text.replace(this.filters, this.split).split(this.split);
    else pieces = splitAt(text, this.filters).flatMap((piece) => splitAt(piece, this.split));
    return pieces.filter((word) => word.length > 0);
  }

  /** Counts the tokens of `texts` and (re)builds the vocabulary. Can be called again with more texts. */
  fitOnTexts(texts: readonly Text[]): this {
    checkTexts(texts, 'fitOnTexts');
    for (const text of texts) {
      const tokens = this.tokenize(text);
      for (const token of tokens) this.counts.set(token, (this.counts.get(token) ?? 0) + 1);
      for (const token of new Set(tokens)) this.docs.set(token, (this.docs.get(token) ?? 0) + 1);
      this.documentCount++;
    }
    const order = [...this.counts.entries()].filter(([t]) => t !== this.oovToken);
    // Stable sort: ties keep their order of first appearance.
    order.sort((a, b) => b[1] - a[1]);
    this.tokensById = ['', ...(this.oovToken !== null ? [this.oovToken] : []), ...order.map(([t]) => t)];
    this.index = new Map(this.tokensById.map((t, i) => [t, i]));
    this.index.delete('');
    return this;
  }

  /** Token to id, for every token seen (ids may exceed `numWords`; those are not produced). */
  get wordIndex(): ReadonlyMap<string, number> {
    return this.index;
  }

  /** How often each token occurred in the fitted texts. */
  get wordCounts(): ReadonlyMap<string, number> {
    return this.counts;
  }

  /**
   * In how many fitted texts each token occurred (Keras's `word_docs`); `'tfidf'` reads it. Empty after
   * loading a state saved by `@tensorfold/data` 0.1.
   */
  get wordDocs(): ReadonlyMap<string, number> {
    return this.docs;
  }

  /**
   * Number of ids sequences can hold, padding id 0 included: the size an `embedding` needs
   * (`min(vocabulary + 1, numWords)`). `textsToMatrix` rows are `numWords` wide when it is set, as in Keras.
   */
  get vocabularySize(): number {
    return Math.min(this.tokensById.length, this.numWords ?? Number.POSITIVE_INFINITY);
  }

  /** The token of an id (`undefined` when unknown). */
  token(id: number): string | undefined {
    return id > 0 ? this.tokensById[id] : undefined;
  }

  /** Each text as token ids. Tokens outside the vocabulary become the OOV id, or are dropped without one. */
  textsToSequences(texts: readonly Text[]): number[][] {
    this.checkFitted();
    checkTexts(texts, 'textsToSequences');
    const limit = this.numWords ?? Number.POSITIVE_INFINITY;
    const oov = this.oovToken === null ? null : (this.index.get(this.oovToken) as number);
    return texts.map((text) => {
      const out: number[] = [];
      for (const token of this.tokenize(text)) {
        const id = this.index.get(token);
        if (id !== undefined && id < limit) out.push(id);
        else if (oov !== null) out.push(oov);
      }
      return out;
    });
  }

  /**
   * Token ids back to text (words joined by spaces, characters joined directly: Keras joins characters with
   * spaces too, which cannot be told apart from a space character, so "ab c" would come back as "a b   c").
   * Ids outside the vocabulary (or `>= numWords`) become the OOV token, or are dropped without one. Id 0
   * is skipped: Keras turns it into the OOV token, which fills decoded padded sequences with OOV words;
   * padding is not a word.
   */
  sequencesToTexts(sequences: ReadonlyArray<ArrayLike<number>>): string[] {
    checkSequences(sequences, 'sequencesToTexts');
    const joiner = this.level === 'char' ? '' : ' ';
    const limit = this.numWords ?? Number.POSITIVE_INFINITY;
    return sequences.map((s) => {
      const tokens: string[] = [];
      for (let i = 0; i < s.length; i++) {
        const id = s[i];
        if (id === 0) continue;
        const token = id < limit ? this.tokensById[id] : undefined;
        if (token !== undefined) tokens.push(token);
        else if (this.oovToken !== null) tokens.push(this.oovToken);
      }
      return tokens.join(joiner);
    });
  }

  /**
   * Texts as `[texts, width]` rows, `width` being `numWords` when set, else the vocabulary size + 1
   * (Keras's `texts_to_matrix`): `'binary'` (1 if the token occurs), `'count'`, `'freq'` (count / tokens
   * in the text) or `'tfidf'` (`(1 + ln(count)) * ln(1 + documents / (1 + documents with the token))`).
   * Returned as plain rows; make a tensor with `tf.tensor2d`.
   */
  textsToMatrix(texts: readonly Text[], mode: TextMatrixMode = 'binary'): Float32Array[] {
    this.checkMode(mode);
    return this.sequencesToMatrix(this.textsToSequences(texts), mode);
  }

  /**
   * Sequences of ids as `[sequences, width]` rows, as {@link Tokenizer.textsToMatrix} scores them. As in
   * Keras, a tokenizer with `numWords` needs no fitting for `'binary'`, `'count'` and `'freq'` (`numWords`
   * gives the width); `'tfidf'` needs fitted texts.
   */
  sequencesToMatrix(
    sequences: ReadonlyArray<ArrayLike<number>>,
    mode: TextMatrixMode = 'binary',
  ): Float32Array[] {
    if (this.numWords === null) this.checkFitted();
    this.checkMode(mode);
    checkSequences(sequences, 'sequencesToMatrix');
    const width = this.numWords ?? this.tokensById.length;
    return sequencesToMatrix(sequences, width, mode, {
      documentCount: this.documentCount,
      documentsWith: (id) => this.docs.get(this.tokensById[id] ?? '') ?? 0,
    });
  }

  private checkFitted(): void {
    if (this.documentCount === 0 && this.tokensById.length <= 1)
      throw new ConfigError('The tokenizer has no vocabulary yet: call fitOnTexts(texts) first.');
  }

  private checkMode(mode: TextMatrixMode): void {
    if (mode === 'tfidf' && !this.hasDocumentFrequencies)
      throw new ConfigError(
        "'tfidf' needs per-document counts, which tokenizers saved by @tensorfold/data 0.1 did not record: fit a new Tokenizer on the texts.",
      );
  }

  /** Options and vocabulary, as JSON-friendly values. */
  toJSON(): TokenizerState {
    const vocabulary = this.tokensById.slice(1);
    return {
      version: STATE_VERSION,
      level: this.level,
      numWords: this.numWords,
      oovToken: this.oovToken,
      lower: this.lower,
      filters:
        this.filterCharacters ??
        (this.filters ? { source: this.filters.source, flags: this.filters.flags } : null),
      filterMode: this.filterMode,
      split:
        typeof this.split === 'string' ? this.split : { source: this.split.source, flags: this.split.flags },
      ngrams: this.ngrams,
      vocabulary,
      counts: vocabulary.map((t) => this.counts.get(t) ?? 0),
      ...(this.hasDocumentFrequencies
        ? { documentCounts: vocabulary.map((t) => this.docs.get(t) ?? 0) }
        : {}),
      documentCount: this.documentCount,
    };
  }

  /** A tokenizer restored from {@link Tokenizer.toJSON}, including states saved by `@tensorfold/data` 0.1. */
  static fromJSON(state: TokenizerState): Tokenizer {
    if (!state || !Array.isArray(state.vocabulary))
      throw new DataError('Not a tokenizer state: it has no vocabulary array.');
    if (state.version !== undefined && state.version > STATE_VERSION)
      throw new DataError(
        `This tokenizer state has version ${state.version}; this @tensorfold/data reads up to ${STATE_VERSION}: upgrade it.`,
      );
    const bad = state.vocabulary.findIndex((token) => typeof token !== 'string' || token === '');
    if (bad >= 0)
      throw new DataError(
        `Not a tokenizer state: vocabulary[${bad}] is ${JSON.stringify(state.vocabulary[bad])}, not a token.`,
      );
    if (new Set(state.vocabulary).size !== state.vocabulary.length)
      throw new DataError(
        'Not a tokenizer state: its vocabulary lists a token twice, so ids would be ambiguous.',
      );
    const legacy = state.version === undefined;
    const t = new Tokenizer({
      level: state.level,
      numWords: state.numWords ?? undefined,
      oovToken: state.oovToken ?? undefined,
      lower: state.lower,
      filters:
        typeof state.filters === 'string' || !state.filters
          ? state.filters
          : new RegExp(state.filters.source, state.filters.flags),
      filterMode: legacy ? 'remove' : state.filterMode,
      split:
        typeof state.split === 'string' ? state.split : new RegExp(state.split.source, state.split.flags),
      ngrams: state.ngrams,
    });
    t.tokensById = ['', ...state.vocabulary];
    t.index = new Map(t.tokensById.map((tok, i) => [tok, i]));
    t.index.delete('');
    state.vocabulary.forEach((tok, i) => {
      const count = state.counts?.[i] ?? 0;
      if (count > 0) t.counts.set(tok, count);
      const docs = state.documentCounts?.[i] ?? 0;
      if (docs > 0) t.docs.set(tok, docs);
    });
    t.hasDocumentFrequencies = Array.isArray(state.documentCounts);
    t.documentCount = state.documentCount;
    return t;
  }

  /**
   * A tokenizer from the JSON Keras's `tokenizer.to_json()` writes (the string, or its parsed object): same
   * options, vocabulary, ids and counts, so it produces the ids a Keras model was trained on.
   */
  static fromKerasJson(json: string | KerasTokenizerJson): Tokenizer {
    return Tokenizer.fromJSON(stateFromKerasJson(json));
  }

  /**
   * This tokenizer as the JSON Keras's `tokenizer_from_json` reads. Only tokenizers Keras can express
   * convert: string `split` and `filters`, no n-grams, `filterMode: 'split'` (a ConfigError says what to change).
   */
  toKerasJson(): string {
    return JSON.stringify(kerasJsonFromState(this.toJSON()));
  }
}

/**
 * `text.split(separator)` without the captured groups a RegExp separator would insert (a separator with
 * parentheses must not turn the separators themselves into words).
 */
function splitAt(text: string, separator: RegExp | string): string[] {
  const parts = text.split(separator);
  if (typeof separator === 'string') return parts;
  const groups = captureGroups(separator);
  return groups === 0 ? parts : parts.filter((_, i) => i % (groups + 1) === 0);
}

/** Capture groups of each separator seen, counted once: `splitAt` runs for every text (and word). */
const groupCounts = new WeakMap<RegExp, number>();

/** How many capture groups `pattern` has (matching `pattern|` against '' yields one entry per group). */
function captureGroups(pattern: RegExp): number {
  let count = groupCounts.get(pattern);
  if (count === undefined) {
    count = (new RegExp(`${pattern.source}|`, pattern.flags.replace(/[gy]/g, '')).exec('')?.length ?? 1) - 1;
    groupCounts.set(pattern, count);
  }
  return count;
}

/** The characters of `filters` as one global RegExp, or `null` when nothing is filtered. */
function filterPattern(filters: RegExp | string | null): RegExp | null {
  if (filters === null || filters === '') return null;
  if (typeof filters === 'string') {
    const escaped = Array.from(filters, (c) => (/[\\\]^[-]/.test(c) ? `\\${c}` : c)).join('');
    return new RegExp(`[${escaped}]`, 'gu');
  }
  if (!(filters instanceof RegExp))
    throw new ConfigError(`filters must be a string of characters, a RegExp or null, got ${typeof filters}.`);
  return new RegExp(filters.source, filters.flags.includes('g') ? filters.flags : `${filters.flags}g`);
}

/** Checks that `texts` is an array of texts (a lone string would be read as its characters). */
function checkTexts(texts: readonly Text[], what: string): void {
  if (!Array.isArray(texts))
    throw new DataError(
      `${what} needs an array of texts, got ${typeof texts === 'string' ? "a string: wrap it as ['...']" : typeof texts}.`,
    );
  const bad = texts.findIndex(
    (t) => typeof t !== 'string' && !(Array.isArray(t) && t.every((token) => typeof token === 'string')),
  );
  if (bad >= 0)
    throw new DataError(
      `${what}: text ${bad} is ${Array.isArray(texts[bad]) ? 'a list holding a non-string' : typeof texts[bad]}, not a string or a list of token strings; convert it first.`,
    );
}

/** A new {@link Tokenizer}. */
export function tokenizer(options: TokenizerOptions = {}): Tokenizer {
  return new Tokenizer(options);
}
