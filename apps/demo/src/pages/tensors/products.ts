/** The four tensor products of `@tensorfold/tensor-math` on small matrices, computed on the backend. */
import { tf } from '@tensorfold/core';
import { hadamard, khatriRao, kronecker, outer } from '@tensorfold/tensor-math';

/** A small matrix as rows of numbers. */
export type Matrix = number[][];

/** The inputs: vectors u, v and matrices A, B (2 x 2). */
export const INPUTS = {
  u: [1, 2, 3],
  v: [1, -1],
  A: [
    [1, 2],
    [3, 4],
  ],
  B: [
    [0, 1],
    [1, 2],
  ],
};

async function rows(t: tf.Tensor): Promise<Matrix> {
  const [r, c] = t.shape;
  const data = await t.data();
  t.dispose();
  return Array.from({ length: r }, (_, i) => Array.from(data.slice(i * c, (i + 1) * c)));
}

/** u ∘ v (3 x 2), A ⊗ B (4 x 4), A ⊙ B column-wise Khatri-Rao (4 x 2), A * B element-wise (2 x 2). */
export async function products(): Promise<Record<'outer' | 'kronecker' | 'khatriRao' | 'hadamard', Matrix>> {
  const u = tf.tensor1d(INPUTS.u);
  const v = tf.tensor1d(INPUTS.v);
  const a = tf.tensor2d(INPUTS.A);
  const b = tf.tensor2d(INPUTS.B);
  const result = {
    outer: await rows(outer([u, v])),
    kronecker: await rows(kronecker([a, b])),
    khatriRao: await rows(khatriRao([a, b])),
    hadamard: await rows(hadamard([a, b])),
  };
  tf.dispose([u, v, a, b]);
  return result;
}
