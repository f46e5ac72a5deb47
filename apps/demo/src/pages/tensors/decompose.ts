/**
 * CP, Tucker and tensor-train decompositions of the test image with `@tensorfold/tensor-math`, on the
 * running backend: the reconstruction, its relative error and the compression ratio.
 */
import { tf } from '@tensorfold/core';
import { compressionRatio, cp, relativeError, tensorTrain, tucker } from '@tensorfold/tensor-math';
import { testImage } from './image';
import { SIZE } from './state';

export type Method = 'CP' | 'Tucker' | 'TT';

/** One decomposition's result. */
export interface Reconstruction {
  method: Method;
  /** The reconstruction, `[SIZE * SIZE * 3]` row-major. */
  pixels: Float32Array;
  /** ‖X − X̂‖ / ‖X‖. */
  error: number;
  /** Numbers of the image divided by numbers of the decomposition. */
  ratio: number;
}

/** The test image as a `[SIZE, SIZE, 3]` tensor. */
export function imageTensor(): tf.Tensor3D {
  return tf.tensor3d(testImage().flat(2), [SIZE, SIZE, 3]);
}

/** Decomposes `image` by `method` at `rank` and reads the result back. */
export async function reconstruct(image: tf.Tensor3D, method: Method, rank: number): Promise<Reconstruction> {
  const d =
    method === 'CP'
      ? await cp(image, rank, { seed: 1, nIterMax: 50 })
      : method === 'Tucker'
        ? await tucker(image, { ranks: [rank, rank, Math.min(rank, 3)] })
        : await tensorTrain(image, { ranks: [1, rank, Math.min(rank, 3), 1] });
  const dense = d.toTensor(); // [SIZE, SIZE, 3]
  const err = relativeError(image, dense);
  const [pixels, e] = await Promise.all([dense.data() as Promise<Float32Array>, err.data()]);
  const ratio = compressionRatio(d);
  tf.dispose([dense, err]);
  d.dispose();
  return { method, pixels, error: e[0], ratio };
}
