/**
 * CP-ALS's row contraction: the front modes' MTTKRPs from the tensor times the last factor, where
 * `@tensorfold/backend` registers its kernel (WASM: float64 sums in a SIMD loop, on the tensor where
 * it lies). Elsewhere `cp` reads the product back and sums on the host (`cp-products.ts`); the
 * tfjs-op form here computes the same in float32, for comparison.
 */
import { ShapeError, tf } from '@tensorfold/core';
import { describeShape } from '../validate.js';
import { contractionKernelActive } from './contraction-kernels.js';

/** The kernel's name, as `@tensorfold/backend` registers it (`ROW_CONTRACTION` there). */
export const ROW_CONTRACTION_KERNEL = 'TensorfoldRowContraction';

/** Whether {@link rowContraction} runs the registered kernel on the active backend. */
export function rowContractionKernelActive(): boolean {
  return contractionKernelActive(ROW_CONTRACTION_KERNEL);
}

/**
 * `out[r, i] = Σ_b left[r, b] · Σ_a right[r, a] · p[r, b, i, a]`, each row of `p` read as
 * `[before, size, after]` (its first `before·size·after` values).
 *
 * @param p `[rows, stride]`, float32, `stride >= before·size·after`
 * @param left `[rows, before]`
 * @param right `[rows, after]`
 * @param size `n`, the free index's range
 * @returns `[rows, size]`
 * @throws ShapeError when the shapes do not fit together.
 */
export function rowContraction(
  p: tf.Tensor2D,
  left: tf.Tensor2D,
  right: tf.Tensor2D,
  size: number,
): tf.Tensor2D {
  const [rows, stride] = p.shape;
  const before = left.shape[1];
  const after = right.shape[1];
  if (left.shape[0] !== rows || right.shape[0] !== rows || before * size * after > stride) {
    throw new ShapeError(
      `rowContraction() needs left [${rows}, before] and right [${rows}, after] with before·${size}·after <= ${stride} for p ${describeShape(p.shape)}; got left ${describeShape(left.shape)} and right ${describeShape(right.shape)}.`,
    );
  }
  if (rowContractionKernelActive()) {
    return tf.engine().runKernel(ROW_CONTRACTION_KERNEL, { p, left, right }, { size }) as tf.Tensor2D;
  }
  return tf.tidy(() => {
    const used = tf.reshape(tf.slice(p, [0, 0], [rows, before * size * after]), [rows, before, size, after]);
    const inner = tf.sum(tf.mul(used, tf.reshape(right, [rows, 1, 1, after])), 3); // [rows, before, size]
    return tf.sum(tf.mul(inner, tf.reshape(left, [rows, before, 1])), 1) as tf.Tensor2D; // [rows, size]
  });
}
