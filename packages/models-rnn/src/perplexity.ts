/**
 * How well a character model predicts held-out text: bits per character (the mean of `-log2 p` of each
 * actual next character) and perplexity (`2^bits`), beside a bigram model's, the baseline to beat.
 */
import { ConfigError, type Model, tf } from '@tensorfold/core';
import { charWindows } from './char-model.js';
import type { CharVocabulary } from './char-vocabulary.js';

/** Bits per character and perplexity of a text under a model. */
export interface TextScore {
  /** Mean of `-log2 p(next character)`, in bits. */
  bitsPerCharacter: number;
  /** `2 ^ bitsPerCharacter`: the number of equally likely characters the model hesitates between. */
  perplexity: number;
  /** Characters scored. */
  characters: number;
  /** Characters of the text outside the vocabulary (scored as the OOV id). */
  unknown: number;
}

/** Options of {@link bitsPerCharacter}. */
export interface BitsPerCharacterOptions {
  /** The vocabulary the model was trained with. */
  vocabulary: CharVocabulary;
  /** Characters the model reads before each prediction. */
  steps: number;
  /** Windows per prediction call. Default 256. */
  batchSize?: number;
  /** Score every `stride`-th character only (faster on long texts). Default 1. */
  stride?: number;
}

/**
 * Scores `text` with a character model: every character after the first `steps` is predicted from the
 * `steps` before it.
 *
 * @throws ConfigError when the text is not longer than `steps`.
 */
export async function bitsPerCharacter(
  model: Model,
  text: string,
  options: BitsPerCharacterOptions,
): Promise<TextScore> {
  const { vocabulary, steps, batchSize = 256, stride = 1 } = options;
  const { ids, unknown } = vocabulary.encode(text);
  const { xs, ys } = charWindows(ids, { steps, stride });
  const n = xs.shape[0];
  let bits = 0;
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const picked = tf.tidy(() => {
        const x = tf.slice(xs, [start, 0], [size, steps]); // [size, steps]
        const p = model.predict(x) as tf.Tensor2D; // [size, vocabulary]
        const t = tf.slice(ys, [start], [size]);
        // p[i, t[i]] -> [size]
        return tf.sum(tf.mul(p, tf.oneHot(t, p.shape[1])), 1);
      });
      const values = await picked.data();
      picked.dispose();
      for (const v of values) bits -= Math.log2(Math.max(v, 1e-12));
    }
  } finally {
    tf.dispose([xs, ys]);
  }
  const perChar = bits / n;
  return { bitsPerCharacter: perChar, perplexity: 2 ** perChar, characters: n, unknown };
}

/** A bigram character model with add-`smoothing` counts: p(next | previous). */
export interface BigramModel {
  /** p(next | previous) for ids of the vocabulary. */
  probability(previous: number, next: number): number;
  /** Scores a text as {@link bitsPerCharacter} does (every character after the first `skip`). */
  score(text: string, skip?: number): TextScore;
}

/**
 * Fits a bigram model on `text`: counts of each pair of consecutive ids, plus `smoothing` (Laplace, default
 * 1) for every pair, so an unseen pair is not impossible. The baseline a recurrent model must beat.
 *
 * @example
 * const bigram = bigramModel(trainText, vocabulary);
 * bigram.score(testText).bitsPerCharacter;
 */
export function bigramModel(text: string, vocabulary: CharVocabulary, smoothing = 1): BigramModel {
  if (!(smoothing > 0)) throw new ConfigError(`smoothing must be > 0, got ${smoothing}.`);
  const v = vocabulary.size;
  const counts = new Float64Array(v * v).fill(smoothing);
  const totals = new Float64Array(v).fill(smoothing * v);
  const { ids } = vocabulary.encode(text);
  for (let i = 1; i < ids.length; i++) {
    const a = ids[i - 1] as number;
    counts[a * v + (ids[i] as number)] += 1;
    totals[a] += 1;
  }
  const probability = (previous: number, next: number) =>
    (counts[previous * v + next] as number) / (totals[previous] as number);
  return {
    probability,
    score(heldOut, skip = 1) {
      const { ids: t, unknown } = vocabulary.encode(heldOut);
      const from = Math.max(1, skip);
      if (t.length <= from)
        throw new ConfigError(`The text has ${t.length} characters; it needs more than ${from}.`);
      let bits = 0;
      for (let i = from; i < t.length; i++)
        bits -= Math.log2(probability(t[i - 1] as number, t[i] as number));
      const n = t.length - from;
      return { bitsPerCharacter: bits / n, perplexity: 2 ** (bits / n), characters: n, unknown };
    },
  };
}
