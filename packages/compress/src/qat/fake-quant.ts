/**
 * Fake quantization: rounds values to the levels of a `bits`-bit affine grid in float arithmetic,
 * so training sees the quantization error, with the straight-through estimator as gradient (the
 * rounding counts as the identity inside the range, zero outside, where the value was clipped).
 */
import { ConfigError, tf } from '@tensorfold/core';

/**
 * `x` rounded to the 2^bits levels between `min` and `max` (widened to hold 0, which stays exact).
 * Gradient: `dy` where `min <= x <= max`, 0 elsewhere.
 * @param min lower end of the range (same unit as `x`), a number or a scalar tensor
 * @param max upper end of the range
 * @param bits levels are 2^bits. Default 8.
 */
export function fakeQuantize(
  x: tf.Tensor,
  min: number | tf.Scalar,
  max: number | tf.Scalar,
  bits = 8,
): tf.Tensor {
  if (!Number.isInteger(bits) || bits < 2 || bits > 16)
    throw new ConfigError(`bits must be a whole number from 2 to 16, got ${bits}.`);
  const levels = 2 ** bits - 1;
  return tf.tidy(() => {
    const lo = tf.minimum(tf.scalar(0), min); // the range holds 0
    const hi = tf.maximum(tf.scalar(0), max);
    const scale = tf.maximum(tf.div(tf.sub(hi, lo), levels), tf.scalar(1e-12));
    const zero = tf.round(tf.div(tf.neg(lo), scale)); // level of 0
    const nudgedMin = tf.mul(tf.neg(zero), scale);
    const nudgedMax = tf.add(nudgedMin, tf.mul(scale, levels));
    // the bounds are inputs of the op (saved for the gradient, which is zero for them)
    const forward = (input: tf.Tensor, low: tf.Tensor, high: tf.Tensor, save: tf.GradSaveFunc) => {
      const clipped = tf.minimum(tf.maximum(input, low), high);
      const value = tf.add(tf.mul(tf.round(tf.div(tf.sub(clipped, low), scale)), scale), low);
      save([input, low, high]);
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [kept, a, b] = saved;
          const inside = tf.logicalAnd(tf.greaterEqual(kept, a), tf.lessEqual(kept, b));
          return [tf.mul(dy, tf.cast(inside, dy.dtype)), tf.zerosLike(a), tf.zerosLike(b)];
        },
      };
    };
    const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
    return op(x, nudgedMin, nudgedMax);
  });
}

/** Symmetric fake quantization with the range `[-max|x|, max|x|]` of `x` itself (weights; dynamic activations). */
export function fakeQuantizeDynamic(x: tf.Tensor, bits = 8): tf.Tensor {
  return tf.tidy(() => {
    // the range follows x; the custom gradient is taken with respect to x only, not through the range
    const range = tf.max(tf.abs(x)) as tf.Scalar;
    return fakeQuantize(x, tf.neg(range) as tf.Scalar, range, bits);
  });
}

/**
 * Symmetric fake quantization with one scale per slice, as the int8 layers quantize: levels in
 * `[-(2^(bits-1) - 1), 2^(bits-1) - 1]` (int8: [-127, 127]), the scale of each slice its largest
 * `|x|` over `axes` divided by the top level (the slices are the other axes: `axes` [0, 1, 2] of a
 * convolution's kernel `[kh, kw, in, filters]` give one scale per filter; [1, 2, 3] of images
 * `[batch, h, w, c]` one per image). Nothing is clipped, so the straight-through gradient is `dy`
 * everywhere (the scales, taken from `x`, get none).
 * @param axes the axes each scale covers
 * @param bits 2 to 16. Default 8.
 */
export function fakeQuantizeSymmetric(x: tf.Tensor, axes: number[], bits = 8): tf.Tensor {
  if (!Number.isInteger(bits) || bits < 2 || bits > 16)
    throw new ConfigError(`bits must be a whole number from 2 to 16, got ${bits}.`);
  const top = 2 ** (bits - 1) - 1;
  const forward = (input: tf.Tensor) => {
    const value = tf.tidy(() => {
      const scale = tf.maximum(tf.div(tf.max(tf.abs(input), axes, true), top), 1e-30); // 1 along axes
      return tf.mul(tf.round(tf.div(input, scale)), scale);
    });
    return { value, gradFunc: (dy: tf.Tensor) => tf.clone(dy) };
  };
  return tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0])(x);
}
