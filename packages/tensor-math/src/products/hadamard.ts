import { ShapeError, tf } from '@tensorfold/core';
import { assertCount, describeShape } from '../validate.js';

/**
 * Hadamard (element-wise) product `A * B * ...` of tensors of one shape (seed text, eq. 4).
 *
 * Unlike `tf.mul` it does not broadcast: the seed text defines it for equal shapes only, and a silent
 * broadcast would hide a mistake.
 *
 * @param tensors Two or more tensors of the same shape.
 * @returns A tensor of that shape.
 * @throws ShapeError naming the first shape that differs.
 *
 * @example
 * hadamard([tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 4]])]); // [[3, 8]]
 */
export function hadamard(tensors: readonly tf.Tensor[]): tf.Tensor {
  assertCount(tensors.length, 1, 'hadamard() tensors');
  const shape = tensors[0].shape;
  tensors.forEach((t, i) => {
    if (!tf.util.arraysEqual(t.shape, shape)) {
      throw new ShapeError(
        `hadamard() needs tensors of one shape: tensor 0 is ${describeShape(shape)} but tensor ${i} is ${describeShape(t.shape)}. Use tf.mul() if you want broadcasting.`,
      );
    }
  });
  return tf.tidy(() => {
    let result = tensors[0];
    for (let k = 1; k < tensors.length; k++) result = tf.mul(result, tensors[k]);
    return tensors.length === 1 ? tf.clone(result) : result;
  });
}
