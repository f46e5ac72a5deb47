/**
 * Text to token ids and back, at word or character level, with a vocabulary limit, an
 * out-of-vocabulary token, lowercasing, punctuation stripping and n-grams (Keras's `Tokenizer`).
 */
import { ConfigError, DataError } from '@tensorfold/core';

/** Options of {@link Tokenizer}. */
export interface TokenizerOptions {
  /** `'word'` or `'char'` tokens. Default `'word'`. */
  level?: 'word' | 'char';
  /**
   * Vocabulary limit: only ids below `numWords` are produced (the `numWords - 1` most frequent tokens,
   * id 0 being reserved for padding). Default: no limit.
   */
  numWords?: number;
  /** Token for words outside the vocabulary; it gets id 1. Default: none (such words are dropped). */
  oovToken?: string;
  /** Lowercase the text first. Default `true`. */
  lower?: boolean;
  /** Characters removed before splitting. Default: Unicode punctuation and symbols (`/[\p{P}\p{S}]/gu`). `null` keeps them. */
  filters?: RegExp | null;
  /** Word separator. Default: runs of whitespace. */
  split?: RegExp | string;
  /** Also make n-grams of up to this many consecutive tokens (joined by a space for words, nothing for characters). Default 1. */
  ngrams?: number;
}

/** A saved tokenizer: options and vocabulary. */
export interface TokenizerState {
  level: 'word' | 'char';
  numWords: number | null;
  oovToken: string | null;
  lower: boolean;
  filters: { source: string; flags: string } | null;
  split: { source: string; flags: string } | string;
  ngrams: number;
  /** Tokens by frequency order (id = position + 1). */
  vocabulary: string[];
  counts: number[];
  documentCount: number;
}

const DEFAULT_FILTERS = /[\p{P}\p{S}]/gu;

/**
 * Learns a vocabulary from texts and maps texts to sequences of token ids. Ids start at 1 and follow
 * frequency (most frequent first, ties in order of first appearance); 0 is left for padding.
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
  readonly filters: RegExp | null;
  readonly split: RegExp | string;
  readonly ngrams: number;
  /** Number of texts seen by `fitOnTexts`. */
  documentCount = 0;
  private readonly counts = new Map<string, number>();
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
    this.filters = options.filters === undefined ? DEFAULT_FILTERS : options.filters;
    this.split = options.split ?? /\s+/u;
    this.ngrams = options.ngrams ?? 1;
    if (!(Number.isInteger(this.ngrams) && this.ngrams >= 1))
      throw new ConfigError(`ngrams must be an integer >= 1, got ${this.ngrams}.`);
  }

  /** Splits one text into tokens (after lowercasing and filtering), with n-grams appended. */
  tokenize(text: string): string[] {
    if (typeof text !== 'string') throw new DataError(`Tokenizer expects strings, got ${typeof text}.`);
    let t = this.lower ? text.toLowerCase() : text;
    if (this.filters)
      t = t.replace(
        new RegExp(
          this.filters.source,
          this.filters.flags.includes('g') ? this.filters.flags : `${this.filters.flags}g`,
        ),
        '',
      );
    const units = this.level === 'char' ? Array.from(t) : t.split(this.split).filter((w) => w.length > 0);
    if (this.ngrams === 1) return units;
    const joiner = this.level === 'char' ? '' : ' ';
    const out = [...units];
    for (let n = 2; n <= this.ngrams; n++)
      for (let i = 0; i + n <= units.length; i++) out.push(units.slice(i, i + n).join(joiner));
    return out;
  }

  /** Counts the tokens of `texts` and (re)builds the vocabulary. Can be called again with more texts. */
  fitOnTexts(texts: readonly string[]): this {
    checkTexts(texts, 'fitOnTexts');
    for (const text of texts) {
      for (const token of this.tokenize(text)) this.counts.set(token, (this.counts.get(token) ?? 0) + 1);
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

  /** Number of ids sequences can hold, padding id 0 included: the size an `embedding` needs. */
  get vocabularySize(): number {
    return Math.min(this.tokensById.length, this.numWords ?? Number.POSITIVE_INFINITY);
  }

  /** The token of an id (`undefined` when unknown). */
  token(id: number): string | undefined {
    return id > 0 ? this.tokensById[id] : undefined;
  }

  /** Each text as token ids. Tokens outside the vocabulary become the OOV id, or are dropped without one. */
  textsToSequences(texts: readonly string[]): number[][] {
    if (this.documentCount === 0 && this.tokensById.length <= 1)
      throw new ConfigError('The tokenizer has no vocabulary yet: call fitOnTexts(texts) first.');
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

  /** Token ids back to text (words joined by spaces, characters joined directly). Id 0 (padding) is skipped. */
  sequencesToTexts(sequences: ReadonlyArray<ArrayLike<number>>): string[] {
    if (
      !Array.isArray(sequences) ||
      sequences.some((s) => typeof s?.length !== 'number' || typeof s === 'string')
    )
      throw new DataError(
        'sequencesToTexts needs a list of sequences of ids ([[1, 2], [3]]); wrap a single sequence in an array.',
      );
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
   * Texts as `[texts, vocabularySize]` rows: `'binary'` (1 if the token occurs), `'count'`, or
   * `'freq'` (count / tokens in the text). Returned as plain rows; make a tensor with `tf.tensor2d`.
   */
  textsToMatrix(texts: readonly string[], mode: 'binary' | 'count' | 'freq' = 'binary'): Float32Array[] {
    const size = this.vocabularySize;
    return this.textsToSequences(texts).map((sequence) => {
      const row = new Float32Array(size);
      for (const id of sequence) row[id] = mode === 'binary' ? 1 : row[id] + 1;
      if (mode === 'freq' && sequence.length > 0) for (let i = 0; i < size; i++) row[i] /= sequence.length;
      return row;
    });
  }

  /** Options and vocabulary, as JSON-friendly values. */
  toJSON(): TokenizerState {
    return {
      level: this.level,
      numWords: this.numWords,
      oovToken: this.oovToken,
      lower: this.lower,
      filters: this.filters ? { source: this.filters.source, flags: this.filters.flags } : null,
      split:
        typeof this.split === 'string' ? this.split : { source: this.split.source, flags: this.split.flags },
      ngrams: this.ngrams,
      vocabulary: this.tokensById.slice(1),
      counts: this.tokensById.slice(1).map((t) => this.counts.get(t) ?? 0),
      documentCount: this.documentCount,
    };
  }

  /** A tokenizer restored from {@link Tokenizer.toJSON}. */
  static fromJSON(state: TokenizerState): Tokenizer {
    if (!state || !Array.isArray(state.vocabulary))
      throw new DataError('Not a tokenizer state: it has no vocabulary array.');
    const t = new Tokenizer({
      level: state.level,
      numWords: state.numWords ?? undefined,
      oovToken: state.oovToken ?? undefined,
      lower: state.lower,
      filters: state.filters ? new RegExp(state.filters.source, state.filters.flags) : null,
      split:
        typeof state.split === 'string' ? state.split : new RegExp(state.split.source, state.split.flags),
      ngrams: state.ngrams,
    });
    t.tokensById = ['', ...state.vocabulary];
    t.index = new Map(t.tokensById.map((tok, i) => [tok, i]));
    t.index.delete('');
    state.vocabulary.forEach((tok, i) => {
      t.counts.set(tok, state.counts[i] ?? 0);
    });
    t.documentCount = state.documentCount;
    return t;
  }
}

/** Checks that `texts` is an array of strings (a lone string would be read as its characters). */
function checkTexts(texts: readonly string[], what: string): void {
  if (!Array.isArray(texts))
    throw new DataError(
      `${what} needs an array of texts, got ${typeof texts === 'string' ? "a string: wrap it as ['...']" : typeof texts}.`,
    );
  const bad = texts.findIndex((t) => typeof t !== 'string');
  if (bad >= 0)
    throw new DataError(`${what}: text ${bad} is ${typeof texts[bad]}, not a string; convert it first.`);
}

/** A new {@link Tokenizer}. */
export function tokenizer(options: TokenizerOptions = {}): Tokenizer {
  return new Tokenizer(options);
}
