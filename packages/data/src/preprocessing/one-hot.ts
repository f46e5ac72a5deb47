/**
 * One-hot and multi-hot encodings: class ids to indicator rows, and sequences of token ids to
 * "bag of tokens" vectors (Chollet's `vectorize_sequences`).
 */

import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '@tensorfold/core';

/**
 * One row per label with a 1 in the label's column: `[n]` class ids to `[n, numClasses]` float32.
 *
 * @param labels Class ids in `[0, numClasses)`: an array or typed array.
 * @param numClasses Number of columns. Default: the largest label + 1.
 * @throws DataError when a label is not an integer in range.
 * @example
 * oneHot([0, 2, 1], 3); // [[1,0,0],[0,0,1],[0,1,0]]
 */
export function oneHot(labels: ArrayLike<number>, numClasses?: number): tf.Tensor2D {
  if (labels instanceof tf.Tensor)
    throw new DataError(
      'oneHot takes labels as an array; for a tensor of ids use tf.oneHot(ids, numClasses).',
    );
  const ids = labels;
  let max = -1;
  for (let i = 0; i < ids.length; i++) max = Math.max(max, ids[i]);
  const classes = numClasses ?? max + 1;
  if (!(Number.isInteger(classes) && classes >= 1))
    throw new DataError(`oneHot needs numClasses >= 1, got ${classes}.`);
  const out = new Float32Array(ids.length * classes);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= classes) {
      throw new DataError(
        `Label ${i} is ${id}, not a class id in [0, ${classes}); map labels to 0..${classes - 1} first (or raise numClasses).`,
      );
    }
    out[i * classes + id] = 1;
  }
  return tf.tensor2d(out, [ids.length, classes]);
}

/**
 * Multi-hot vectors: row `i` has a 1 in every column that appears in `sequences[i]` (repeats count
 * once). Turns token-id sequences of any length into fixed-size `[n, dimension]` float32 inputs.
 *
 * @param sequences Token ids per sample.
 * @param dimension Vocabulary size (columns). Ids >= dimension are an error.
 * @example
 * multiHot([[1, 3], [0, 0, 2]], 4); // [[0,1,0,1],[1,0,1,0]]
 */
export function multiHot(sequences: ReadonlyArray<ArrayLike<number>>, dimension: number): tf.Tensor2D {
  if (!(Number.isInteger(dimension) && dimension >= 1))
    throw new DataError(`multiHot needs dimension >= 1, got ${dimension}.`);
  const out = new Float32Array(sequences.length * dimension);
  sequences.forEach((sequence, i) => {
    for (let j = 0; j < sequence.length; j++) {
      const id = sequence[j];
      if (!Number.isInteger(id) || id < 0 || id >= dimension) {
        throw new DataError(
          `Sequence ${i} holds token id ${id}, outside [0, ${dimension}); raise dimension or limit the vocabulary (Tokenizer numWords).`,
        );
      }
      out[i * dimension + id] = 1;
    }
  });
  return tf.tensor2d(out, [sequences.length, dimension]);
}
