/**
 * Padding and truncating sequences of token ids to one length, so they stack into a tensor.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@tensorfold/core';
import { checkSequences } from './check-sequences.js';

/** Options of {@link padSequences}. */
export interface PadOptions {
  /** Length of every output row. Default: the longest sequence. */
  maxLength?: number;
  /** Where padding goes: `'pre'` (before, Keras's default) or `'post'`. Default `'pre'`. */
  padding?: 'pre' | 'post';
  /** Which end of a long sequence is cut: `'pre'` (drop the start, Keras's default) or `'post'`. Default `'pre'`. */
  truncating?: 'pre' | 'post';
  /**
   * The padding value. Default 0. With `dtype: 'int32'` it must be an integer: Keras silently truncates
   * 0.5 to 0 there, which hides a forgotten `dtype: 'float32'`.
   */
  value?: number;
  /** Data type of the result. Default `'int32'`. */
  dtype?: 'int32' | 'float32';
}

/**
 * Pads (and truncates) sequences to a `[count, maxLength]` tensor, as Keras's `pad_sequences`. Each
 * sequence holds numbers (Keras also pads sequences of vectors; this does not). Values are stored as
 * `dtype`, so with `'int32'` fractions are cut toward zero, as in Keras.
 *
 * @example
 * padSequences([[1, 2], [3, 4, 5, 6]], { maxLength: 3 }); // [[0, 1, 2], [4, 5, 6]]
 */
export function padSequences(
  sequences: ReadonlyArray<ArrayLike<number>>,
  options: PadOptions = {},
): tf.Tensor2D {
  const padding = options.padding ?? 'pre';
  const truncating = options.truncating ?? 'pre';
  if (padding !== 'pre' && padding !== 'post')
    throw new ConfigError(`padding must be 'pre' or 'post', got '${padding}'.`);
  if (truncating !== 'pre' && truncating !== 'post')
    throw new ConfigError(`truncating must be 'pre' or 'post', got '${truncating}'.`);
  checkSequences(sequences, 'padSequences');
  const maxLength = options.maxLength ?? sequences.reduce((m, s) => Math.max(m, s.length), 0);
  if (!(Number.isInteger(maxLength) && maxLength >= 0))
    throw new ConfigError(`maxLength must be an integer >= 0, got ${maxLength}.`);
  const dtype = options.dtype ?? 'int32';
  const value = options.value ?? 0;
  if (dtype !== 'int32' && dtype !== 'float32')
    throw new ConfigError(`dtype must be 'int32' or 'float32', got '${dtype}'.`);
  if (typeof value !== 'number') throw new ConfigError(`value must be a number, got ${typeof value}.`);
  if (dtype === 'int32' && !Number.isInteger(value))
    throw new ConfigError(
      `value ${value} cannot pad an int32 result without changing it; use an integer or dtype: 'float32'.`,
    );
  const out =
    dtype === 'int32'
      ? new Int32Array(sequences.length * maxLength)
      : new Float32Array(sequences.length * maxLength);
  out.fill(value);
  sequences.forEach((s, i) => {
    const length = Math.min(s.length, maxLength);
    const from = truncating === 'pre' ? s.length - length : 0;
    const to = padding === 'pre' ? maxLength - length : 0;
    for (let k = 0; k < length; k++) out[i * maxLength + to + k] = s[from + k];
  });
  return tf.tensor2d(out, [sequences.length, maxLength], dtype);
}

/**
 * Every prefix of length >= `minLength` of every sequence (the "n-gram sequences" used to train
 * next-word models: `[a, b, c]` gives `[a, b]` and `[a, b, c]`; pad them and split off the last
 * token as the target).
 */
export function prefixSequences(sequences: ReadonlyArray<ArrayLike<number>>, minLength = 2): number[][] {
  const out: number[][] = [];
  for (const s of sequences) {
    const values = Array.from(s);
    for (let end = Math.max(minLength, 1); end <= values.length; end++) out.push(values.slice(0, end));
  }
  return out;
}
