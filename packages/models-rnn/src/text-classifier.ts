/**
 * Text classifiers over token ids (seed 002 ch. 6): an embedding, then a recurrent or a 1D convolutional
 * body, then a sigmoid (two classes) or softmax head.
 */
import { ConfigError, type Layer, type Sequential, sequential } from '@tensorfold/core';
import {
  bidirectional,
  conv1d,
  dense,
  embedding,
  globalMaxPooling1d,
  gru,
  lstm,
  maxPooling1d,
} from '@tensorfold/layers';

/** The body of a {@link textClassifier}. */
export type TextClassifierBody = 'lstm' | 'gru' | 'bidirectional' | 'conv1d';

/** Options of {@link textClassifier}. */
export interface TextClassifierOptions {
  /**
   * Token ids run from 0 to `vocabulary - 1`, id 0 being padding (as `Tokenizer` and `padSequences` of
   * `@tensorfold/data` make them): give the tokenizer's `numWords`, or its word count + 1.
   */
  vocabulary: number;
  /** Size of each embedding vector. Default 32. */
  embedding?: number;
  /**
   * - `'lstm'` (default), `'gru'`: one recurrent layer reading the sequence, padding masked out.
   * - `'bidirectional'`: an LSTM in both directions, concatenated; padding masked out.
   * - `'conv1d'`: two 1D convolutions (kernel 7) with max pooling and global max pooling, the cheaper
   *   alternative of seed 002 ch. 6; padding is not masked (convolutions take no mask), so pad with `'pre'`.
   */
  body?: TextClassifierBody;
  /** State size of the recurrent layer, or filters of the convolutions. Default 32. */
  units?: number;
  /** Number of classes: 2 gives one sigmoid output, more a softmax. Default 2. */
  numClasses?: number;
  /** Tokens per padded sequence (`null` for any length). Default `null`. */
  sequenceLength?: number | null;
  /** Model name. Default `text_classifier`. */
  name?: string;
}

/**
 * A text classifier: `[batch, tokens]` ids -> `[batch, 1]` probability of class 1 (two classes) or
 * `[batch, numClasses]` probabilities. The recurrent bodies use `maskZero`, so padded steps (id 0) are
 * skipped and the answer does not depend on how much padding a text got.
 *
 * @example
 * const model = textClassifier({ vocabulary: 10_000, embedding: 32, body: 'bidirectional' });
 * model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
 */
export function textClassifier(options: TextClassifierOptions): Sequential {
  const {
    vocabulary,
    embedding: outputDim = 32,
    body = 'lstm',
    units = 32,
    numClasses = 2,
    sequenceLength = null,
    name = 'text_classifier',
  } = options;
  if (!Number.isInteger(vocabulary) || vocabulary < 2)
    throw new ConfigError(
      `vocabulary must be an integer >= 2 (padding id 0 and one token), got ${vocabulary}.`,
    );
  for (const [key, v] of [
    ['embedding', outputDim],
    ['units', units],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${key} must be a positive integer, got ${v}.`);
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new ConfigError(`numClasses must be an integer >= 2, got ${numClasses}.`);
  const masked = body !== 'conv1d';
  const layers: Layer[] = [
    embedding({
      inputDim: vocabulary,
      outputDim,
      maskZero: masked,
      inputShape: [sequenceLength],
      name: 'embedding',
    }),
  ];
  if (body === 'lstm') layers.push(lstm({ units, name: 'lstm' }));
  else if (body === 'gru') layers.push(gru({ units, name: 'gru' }));
  else if (body === 'bidirectional')
    layers.push(bidirectional({ layer: lstm({ units }), name: 'bidirectional' }));
  else if (body === 'conv1d')
    layers.push(
      conv1d({ filters: units, kernelSize: 7, activation: 'relu', padding: 'same', name: 'conv1d_1' }),
      maxPooling1d({ poolSize: 5, padding: 'same', name: 'max_pooling1d' }),
      conv1d({ filters: units, kernelSize: 7, activation: 'relu', padding: 'same', name: 'conv1d_2' }),
      globalMaxPooling1d({ name: 'global_max_pooling1d' }),
    );
  else
    throw new ConfigError(
      `Unknown text classifier body '${body}'; use 'lstm', 'gru', 'bidirectional' or 'conv1d'.`,
    );
  layers.push(
    numClasses === 2
      ? dense({ units: 1, activation: 'sigmoid', name: 'output' })
      : dense({ units: numClasses, activation: 'softmax', name: 'output' }),
  );
  return sequential({ name, layers });
}
