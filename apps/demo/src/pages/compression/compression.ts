/**
 * The Compression page's measurements: the shipped LeNet-5 (trained by `scripts/train-digits.ts`),
 * quantized by `@tensorfold/compress` (float16, affine uint8, per-channel int8) and decomposed by it
 * (SVD and tensor train of the Dense layers, Tucker-2 and CP of the Conv2D layers), each measured for
 * accuracy on the shipped test digits and for the bytes of its weights.
 */
import {
  type DecomposeMethod,
  decompose,
  loadQuantized,
  type QuantizeDtype,
  quantizeModel,
  weightBytes,
} from '@tensorfold/compress';
import { type Model, modelToArtifacts, tf } from '@tensorfold/core';
import '@tensorfold/layers';
import type { Digits } from '../../lib/digits';

/** One row of the comparison. */
export interface Variant {
  /** What was done, e.g. `int8 (per channel)` or `SVD of the Dense layers`. */
  name: string;
  /** Bytes of its weights. */
  bytes: number;
  /** Share of the test digits it classifies right, in [0, 1]. */
  accuracy: number;
  /** What changed, e.g. the ranks chosen. */
  detail: string;
}

/** The quantizations shown. */
export const DTYPES: readonly { dtype: QuantizeDtype; name: string }[] = [
  { dtype: 'float16', name: 'float16' },
  { dtype: 'uint8', name: 'uint8 (affine, per tensor)' },
  { dtype: 'int8', name: 'int8 (symmetric, per channel)' },
];

/** The decompositions shown. */
export const METHODS: readonly { method: DecomposeMethod; name: string }[] = [
  { method: 'svd', name: 'SVD of the Dense layers' },
  { method: 'tt', name: 'tensor train of the Dense layers' },
  { method: 'tucker2', name: 'Tucker-2 of the Conv2D layers' },
  { method: 'cp', name: 'CP of the Conv2D layers' },
];

/** Share of `digits` that `model` classifies right (argmax of its outputs, batches of 100). */
export async function accuracy(model: Model, digits: Digits): Promise<number> {
  const n = digits.labels.length;
  let right = 0;
  for (let start = 0; start < n; start += 100) {
    const size = Math.min(100, n - start);
    const guess = tf.tidy(() => {
      const x = tf.slice(digits.images, [start, 0, 0, 0], [size, 28, 28, 1]); // [size, 28, 28, 1]
      return tf.argMax(model.predict(x) as tf.Tensor2D, 1); // [size]
    });
    const g = await guess.data();
    guess.dispose();
    for (let i = 0; i < size; i++) if (g[i] === digits.labels[start + i]) right++;
  }
  return right / n;
}

/** The float32 model as it was trained. */
export async function original(model: Model, digits: Digits): Promise<Variant> {
  const bytes = weightBytes(await modelToArtifacts(model));
  return {
    name: 'float32 (as trained)',
    bytes,
    accuracy: await accuracy(model, digits),
    detail: `${model.countParams()} parameters`,
  };
}

/** Quantizes the weights, loads them back (decoded to float32 for computing) and measures. */
export async function quantized(
  model: Model,
  digits: Digits,
  dtype: QuantizeDtype,
  name: string,
): Promise<Variant> {
  const artifacts = await quantizeModel(model, { dtype });
  const loaded = await loadQuantized(artifacts);
  try {
    return {
      name,
      bytes: weightBytes(artifacts),
      accuracy: await accuracy(loaded, digits),
      detail: 'weights rounded, then decoded',
    };
  } finally {
    loaded.dispose();
  }
}

/** Decomposes the layers `method` applies to, keeping `energy` of each, and measures (no fine-tuning). */
export async function decomposed(
  model: Model,
  digits: Digits,
  method: DecomposeMethod,
  name: string,
  energy: number,
): Promise<Variant> {
  const result = await decompose(model, { method, energy });
  try {
    const bytes = weightBytes(await modelToArtifacts(result.model));
    const detail = result.layers
      .map((l) =>
        l.status === 'decomposed'
          ? `${l.layer}: rank ${l.ranks.join('×')}, ${l.paramsBefore} → ${l.paramsAfter}`
          : `${l.layer}: kept (no saving)`,
      )
      .join('; ');
    return { name, bytes, accuracy: await accuracy(result.model, digits), detail };
  } finally {
    result.model.dispose();
  }
}
