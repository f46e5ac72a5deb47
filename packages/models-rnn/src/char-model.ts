/**
 * A character-level language model (seed 002 ch. 8, seed 003): the last `steps` characters in, the
 * probabilities of the next one out.
 */
import { ConfigError, type Sequential, sequential, tf } from '@tensorfold/core';
import { dense, embedding } from '@tensorfold/layers';
import { type RecurrentCell, recurrentLayer } from './sequence-regressor.js';

/** Options of {@link charLanguageModel}. */
export interface CharLanguageModelOptions {
  /** Ids the model reads and predicts: a `CharVocabulary`'s `size` (padding and OOV included). */
  vocabulary: number;
  /** State size of each recurrent layer. Default 128 (seed 002's). */
  units?: number;
  /** Stacked recurrent layers. Default 1. */
  layers?: number;
  /** The recurrent cell. Default `'lstm'`. */
  cell?: RecurrentCell;
  /** Size of the character embedding (in place of the texts' one-hot vectors). Default 32. */
  embedding?: number;
  /** Characters per input window (`null`: any). Default `null`. */
  steps?: number | null;
  /** Model name. Default `char_language_model`. */
  name?: string;
}

/**
 * `[batch, steps]` character ids (id 0 = padding, masked) -> `[batch, vocabulary]` probabilities of the
 * next character. Train with `'sparseCategoricalCrossentropy'` on {@link charWindows}.
 *
 * @example
 * const model = charLanguageModel({ vocabulary: vocab.size, units: 128 });
 * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
 */
export function charLanguageModel(options: CharLanguageModelOptions): Sequential {
  const {
    vocabulary,
    units = 128,
    layers = 1,
    cell = 'lstm',
    embedding: outputDim = 32,
    steps = null,
    name = 'char_language_model',
  } = options;
  if (!Number.isInteger(vocabulary) || vocabulary < 3)
    throw new ConfigError(
      `vocabulary must be an integer >= 3 (padding, OOV and a character), got ${vocabulary}.`,
    );
  for (const [key, v] of [
    ['units', units],
    ['layers', layers],
    ['embedding', outputDim],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${key} must be a positive integer, got ${v}.`);
  const body = [];
  for (let i = 0; i < layers; i++)
    body.push(
      recurrentLayer(cell, {
        units,
        returnSequences: i < layers - 1,
        name: `${cell.toLowerCase()}_${i + 1}`,
      }),
    );
  return sequential({
    name,
    layers: [
      embedding({ inputDim: vocabulary, outputDim, maskZero: true, inputShape: [steps], name: 'embedding' }),
      ...body,
      dense({ units: vocabulary, activation: 'softmax', name: 'next_char' }),
    ],
  });
}

/** Options of {@link charWindows}. */
export interface CharWindowOptions {
  /** Characters per window. */
  steps: number;
  /** Characters between window starts. Default 1. */
  stride?: number;
}

/**
 * Windows of an encoded text and the character after each: xs `[n, steps]` int32, ys `[n]` int32.
 *
 * @throws ConfigError when the text is not longer than one window.
 */
export function charWindows(
  ids: ArrayLike<number>,
  options: CharWindowOptions,
): { xs: tf.Tensor2D; ys: tf.Tensor1D } {
  const { steps, stride = 1 } = options;
  if (!Number.isInteger(steps) || steps < 1)
    throw new ConfigError(`steps must be a positive integer, got ${steps}.`);
  if (!Number.isInteger(stride) || stride < 1)
    throw new ConfigError(`stride must be a positive integer, got ${stride}.`);
  if (ids.length <= steps)
    throw new ConfigError(
      `The text has ${ids.length} characters; it needs more than one window of ${steps}.`,
    );
  const n = Math.floor((ids.length - steps - 1) / stride) + 1;
  const xs = new Int32Array(n * steps);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const start = i * stride;
    for (let s = 0; s < steps; s++) xs[i * steps + s] = ids[start + s] as number;
    ys[i] = ids[start + steps] as number;
  }
  return { xs: tf.tensor2d(xs, [n, steps], 'int32'), ys: tf.tensor1d(ys, 'int32') };
}
