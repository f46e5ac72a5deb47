import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../tf/register-gradients.js';

/** Runs tests on the CPU backend (exact, everywhere). */
export async function useCpu(): Promise<void> {
  tf.env().set('IS_TEST', true); // silences the CPU backend's "install tfjs-node" banner
  await tf.setBackend('cpu');
  await tf.ready();
}
