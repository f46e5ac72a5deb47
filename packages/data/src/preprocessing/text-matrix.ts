/**
 * Sequences of token ids to one row of numbers per sequence: Keras's `sequences_to_matrix`.
 */
import { ConfigError, DataError } from '@tensorfold/core';

/** How {@link sequencesToMatrix} scores a token in a sequence. */
export type TextMatrixMode = 'binary' | 'count' | 'freq' | 'tfidf';

const MODES: readonly TextMatrixMode[] = ['binary', 'count', 'freq', 'tfidf'];

/** What `'tfidf'` needs from the fitted corpus. */
export interface DocumentFrequencies {
  /** Number of documents the vocabulary was fitted on. */
  documentCount: number;
  /** Number of documents that contain the token of an id (0 when none). */
  documentsWith(id: number): number;
}

/**
 * Scores each sequence as a row of `width` numbers, column = token id. Ids `>= width` are skipped (as
 * in Keras); they still count in the sequence length that `'freq'` divides by.
 *
 * - `'binary'`: 1 where the id occurs.
 * - `'count'`: how often it occurs.
 * - `'freq'`: count / sequence length.
 * - `'tfidf'`: `(1 + ln(count)) * ln(1 + documents / (1 + documentsWith(id)))`, Keras's weighting.
 *
 * @throws ConfigError for an unknown mode, or `'tfidf'` without document frequencies.
 * @throws DataError for an id that is not an integer >= 0 (Keras would index from the end for a negative one).
 */
export function sequencesToMatrix(
  sequences: ReadonlyArray<ArrayLike<number>>,
  width: number,
  mode: TextMatrixMode,
  frequencies?: DocumentFrequencies,
): Float32Array[] {
  if (!MODES.includes(mode))
    throw new ConfigError(`mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}; got '${mode}'.`);
  if (mode === 'tfidf' && !(frequencies && frequencies.documentCount > 0))
    throw new ConfigError("'tfidf' needs document frequencies: fit the tokenizer on some texts first.");
  return sequences.map((sequence, row) => {
    const counts = new Map<number, number>();
    for (let k = 0; k < sequence.length; k++) {
      const id = sequence[k];
      if (!(Number.isInteger(id) && id >= 0))
        throw new DataError(`Sequence ${row} holds ${id} at position ${k}; token ids are integers >= 0.`);
      if (id < width) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const out = new Float32Array(width); // [width]
    for (const [id, count] of counts) out[id] = score(mode, count, sequence.length, id, frequencies);
    return out;
  });
}

function score(
  mode: TextMatrixMode,
  count: number,
  length: number,
  id: number,
  frequencies: DocumentFrequencies | undefined,
): number {
  if (mode === 'binary') return 1;
  if (mode === 'count') return count;
  if (mode === 'freq') return count / length;
  const corpus = frequencies as DocumentFrequencies;
  return (1 + Math.log(count)) * Math.log(1 + corpus.documentCount / (1 + corpus.documentsWith(id)));
}
