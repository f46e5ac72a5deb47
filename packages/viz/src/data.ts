import type * as tf from '@tensorflow/tfjs-core';
import { DataError } from '@tensorfold/core';

/** Numbers as this package accepts them: a tensor, a flat list, or nested lists (rows). */
export type Values = tf.Tensor | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** Values read back to the CPU with their shape. */
export interface ReadValues {
  data: Float32Array | Int32Array | Uint8Array | Float64Array;
  shape: number[];
}

function isTensor(x: unknown): x is tf.Tensor {
  return (
    typeof x === 'object' &&
    x !== null &&
    'dataId' in x &&
    'shape' in x &&
    typeof (x as tf.Tensor).data === 'function'
  );
}

/**
 * Reads `x` (awaiting the device, so WebGPU tensors work; the tensor is not disposed) into a flat
 * array and a shape. Nested lists must be rectangular (a {@link DataError} otherwise).
 */
export async function readValues(x: Values, what = 'values'): Promise<ReadValues> {
  if (isTensor(x)) {
    const data = (await x.data()) as ReadValues['data'];
    return { data, shape: [...x.shape] };
  }
  const list = x as ArrayLike<number | ArrayLike<number>>;
  if (list.length > 0 && typeof list[0] === 'object' && list[0] !== null) {
    const rows = Array.from(list as ArrayLike<ArrayLike<number>>);
    const width = rows[0].length;
    const data = new Float64Array(rows.length * width);
    rows.forEach((r, i) => {
      if (r.length !== width)
        throw new DataError(
          `${what}: row ${i} has ${r.length} values but row 0 has ${width}; every row needs the same length.`,
        );
      for (let j = 0; j < width; j++) data[i * width + j] = Number(r[j]);
    });
    return { data, shape: [rows.length, width] };
  }
  return { data: Float64Array.from(list as ArrayLike<number>, Number), shape: [list.length] };
}

/** Index of the largest of `n` values starting at `offset` (the first on ties). */
export function argmax(data: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (data[offset + j] > data[offset + best]) best = j;
  return best;
}

/**
 * Class ids from labels or predictions: a 1-D list of ids is taken as is (rounded), a 2-D one
 * (one-hot or probabilities, `[samples, classes]`) by its argmax.
 */
export async function classIds(x: Values, what: string): Promise<Int32Array> {
  const { data, shape } = await readValues(x, what);
  if (shape.length === 1) return Int32Array.from(data, (v) => Math.round(v));
  if (shape.length === 2) {
    const [n, k] = shape;
    if (k === 1) return Int32Array.from(data, (v) => (v >= 0.5 ? 1 : 0));
    return Int32Array.from({ length: n }, (_, i) => argmax(data, i * k, k));
  }
  throw new DataError(
    `${what} has shape [${shape}]; give class ids [samples] or one score per class [samples, classes].`,
  );
}
