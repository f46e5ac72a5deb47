import { tf } from '@tensorfold/core';

/**
 * A tiny image set for tests: class 0 a bright row, class 1 a bright column, class 2 a bright diagonal
 * (classes beyond 2 repeat the cycle), on uniform noise; `[n, size, size, channels]` and int32 labels `[n]`.
 */
export function bars(
  n: number,
  size: number,
  channels = 1,
  numClasses = 3,
): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const x = tf.tidy(() => {
    const buffer = tf.buffer<tf.Rank.R4>([n, size, size, channels]);
    const mid = Math.floor(size / 2);
    for (let i = 0; i < n; i++) {
      const c = (i % numClasses) % 3;
      for (let k = 1; k < size - 1; k++)
        for (let ch = 0; ch < channels; ch++) {
          if (c === 0) buffer.set(1, i, mid, k, ch);
          if (c === 1) buffer.set(1, i, k, mid, ch);
          if (c === 2) buffer.set(1, i, k, k, ch);
        }
    }
    return tf.add(
      buffer.toTensor(),
      tf.randomUniform([n, size, size, channels], 0, 0.3, 'float32', 7),
    ) as tf.Tensor4D;
  });
  const y = tf.tensor1d(
    Array.from({ length: n }, (_, i) => i % numClasses),
    'int32',
  );
  return { x, y };
}
