/**
 * The Khatri-Rao contraction, CP-ALS's tensor-sized product: a transposed MTTKRP that never forms
 * the Khatri-Rao product. Where `@tensorfold/backend` registers its kernel (WASM: a SIMD loop in
 * which the Khatri-Rao rows never leave registers) it runs that; elsewhere a Khatri-Rao product of
 * the two small matrices and one matrix product, which compute the same.
 */
import { ShapeError, tf } from '@tensorfold/core';
import { describeShape } from '../validate.js';
import { contractionKernelActive } from './contraction-kernels.js';

/**
 * The kernel's name, as `@tensorfold/backend` registers it (`KHATRI_RAO_CONTRACTION` there; this
 * package does not depend on that one, and its tests check that the two agree).
 */
export const KHATRI_RAO_CONTRACTION_KERNEL = 'TensorfoldKhatriRaoContraction';

/** Whether {@link khatriRaoContraction} runs the registered kernel on the active backend. */
export function khatriRaoContractionKernelActive(): boolean {
  return contractionKernelActive(KHATRI_RAO_CONTRACTION_KERNEL);
}

/**
 * `out[r, c] = Σ_b left[r, b] · Σ_a right[r, a] · x[b, a, c]`: for a 3-way tensor `x`, the
 * transposed MTTKRP of its last mode, `(X_(3) · (leftᵀ ⊙ rightᵀ))ᵀ`, with the factors given
 * transposed (one row per rank-one component).
 *
 * @param x `[before, after, cols]`, float32
 * @param left `[rows, before]`
 * @param right `[rows, after]`
 * @returns `[rows, cols]`
 * @throws ShapeError when the shapes do not fit together.
 */
export function khatriRaoContraction(x: tf.Tensor3D, left: tf.Tensor2D, right: tf.Tensor2D): tf.Tensor2D {
  const [before, after, cols] = x.shape;
  const rows = left.shape[0];
  if (left.shape[1] !== before || right.shape[0] !== rows || right.shape[1] !== after) {
    throw new ShapeError(
      `khatriRaoContraction() needs left [rows, ${before}] and right [rows, ${after}] for x ${describeShape(x.shape)}; got left ${describeShape(left.shape)} and right ${describeShape(right.shape)}.`,
    );
  }
  if (khatriRaoContractionKernelActive()) {
    return tf.engine().runKernel(KHATRI_RAO_CONTRACTION_KERNEL, { x, left, right }, {}) as tf.Tensor2D;
  }
  return tf.tidy(() => {
    // (leftᵀ ⊙ rightᵀ)ᵀ [rows, before·after]; with one b, right scaled by left's column
    const khatriRao =
      before === 1
        ? tf.mul(right, left)
        : tf.reshape(tf.mul(tf.reshape(left, [rows, before, 1]), tf.reshape(right, [rows, 1, after])), [
            rows,
            before * after,
          ]);
    return tf.matMul(khatriRao, tf.reshape(x, [before * after, cols])) as tf.Tensor2D; // [rows, cols]
  });
}
