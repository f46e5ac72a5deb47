/** Tolerance checks that read tensors with `await data()` (safe on every backend). */
import type { tf } from '@tensorfold/core';
import { expect } from 'vitest';

/** Reads a tensor's values. */
export async function values(tensor: tf.Tensor): Promise<number[]> {
  return Array.from(await tensor.data());
}

/** Reads a scalar tensor, then frees it. */
export async function scalar(tensor: tf.Tensor): Promise<number> {
  const [value] = await tensor.data();
  tensor.dispose();
  return value;
}

/**
 * Expects `actual` to equal `expected` elementwise within `atol + rtol·|expected|`, and the shapes to
 * match when `expected` is a tensor.
 */
export async function expectClose(
  actual: tf.Tensor,
  expected: tf.Tensor | readonly number[],
  { atol = 1e-5, rtol = 1e-5 }: { atol?: number; rtol?: number } = {},
): Promise<void> {
  const want = Array.isArray(expected) ? (expected as number[]) : await values(expected as tf.Tensor);
  if (!Array.isArray(expected)) expect(actual.shape).toEqual((expected as tf.Tensor).shape);
  const got = await values(actual);
  expect(got.length).toBe(want.length);
  let worst = 0;
  let worstIndex = -1;
  for (let i = 0; i < got.length; i++) {
    const excess = Math.abs(got[i] - want[i]) - (atol + rtol * Math.abs(want[i]));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
      worstIndex = i;
    }
  }
  if (worstIndex >= 0) {
    expect.fail(
      `element ${worstIndex}: got ${got[worstIndex]}, expected ${want[worstIndex]} (atol ${atol}, rtol ${rtol})`,
    );
  }
}
