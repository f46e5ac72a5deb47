/** Test setup: the CPU backend (exact and available everywhere). */
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '@tensorfold/core';

/**
 * Runs tests on the CPU backend. Importing `@tensorfold/core` has registered the gradients.
 *
 * `IS_TEST` is on only while the backend writes its first tensor, to silence its "install
 * tfjs-node" banner. Left on, it makes tfjs treat every tensor a custom-gradient op saves for its
 * backward pass (batch statistics, recurrent states) as a kernel leak; real leaks are caught by
 * the tests' `tf.memory().numTensors` checks instead.
 */
export async function useCpu(): Promise<void> {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
  await tf.ready();
  tf.scalar(0).dispose();
  tf.env().set('IS_TEST', false);
}

/** A tensor of `shape` with values from a seeded stream, uniform in [low, high). */
export function seededUniform(shape: number[], seed: number, low = -1, high = 1): tf.Tensor {
  return tf.randomUniform(shape, low, high, 'float32', seed);
}

/** Reads a tensor's values as a plain array (works on every backend). */
export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Largest absolute difference between two tensors of the same shape. */
export async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new Error(`Shapes differ: [${a.shape}] vs [${b.shape}].`);
  }
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.cast(a, 'float32'), tf.cast(b, 'float32')))));
  const value = (await d.data())[0];
  d.dispose();
  return value;
}

/**
 * Runs `step` once (to build weights and caches), then `times` more, and returns how many tensors
 * the repeated calls left behind (0 when nothing leaks).
 */
export async function leakedTensors(step: () => unknown | Promise<unknown>, times = 3): Promise<number> {
  const settle = async (result: unknown) => {
    const out = result instanceof Promise ? await result : result;
    tf.dispose(out as tf.TensorContainer);
  };
  await settle(step());
  const before = tf.memory().numTensors;
  for (let i = 0; i < times; i++) await settle(step());
  return tf.memory().numTensors - before;
}
