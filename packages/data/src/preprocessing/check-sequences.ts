import { DataError } from '@tensorfold/core';

/**
 * Checks that `sequences` is a list of sequences of numbers (a flat list of ids, or a string, would be
 * read wrongly).
 *
 * @param what - the function checking, named in the message (`'padSequences'`)
 * @throws DataError naming the first item that is not a sequence.
 */
export function checkSequences(sequences: ReadonlyArray<ArrayLike<number>>, what: string): void {
  const bad = Array.isArray(sequences)
    ? sequences.findIndex((s) => typeof s?.length !== 'number' || typeof s === 'string')
    : -1;
  if (Array.isArray(sequences) && bad < 0) return;
  throw new DataError(
    `${what} needs a list of sequences of numbers ([[1, 2], [3]])${bad >= 0 ? `; item ${bad} is not one` : ''}: wrap a single sequence in an array.`,
  );
}
