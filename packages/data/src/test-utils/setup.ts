/** Test helpers: the CPU backend (exact, available everywhere) and leak checks. Not exported. */
import '@tensorfold/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** Runs the tests of a file on the CPU backend. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Runs `fn` and returns how many tensors it left allocated (0 when it cleaned up). */
export async function leakedBy(fn: () => unknown | Promise<unknown>): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}

/** Values of a tensor as a plain array, then disposes it. */
export async function valuesOf(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}
