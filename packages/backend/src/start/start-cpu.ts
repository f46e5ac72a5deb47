import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';

/** Starts tfjs's plain JavaScript CPU backend (works everywhere; the slowest). */
export async function startCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) {
    throw new BackendError('The CPU backend did not start; see the error tfjs logged above.');
  }
  await tf.ready();
}
