import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** Runs tests on the CPU backend (exact, everywhere). */
export async function useCpu(): Promise<void> {
  tf.env().set('IS_TEST', true); // silences the CPU backend's "install tfjs-node" banner
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Runs `fn` and returns how many tensors it left allocated. */
export async function leakedBy(fn: () => unknown | Promise<unknown>): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}
