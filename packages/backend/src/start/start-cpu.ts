import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import { registerCpuKernels } from '../cpu/register-kernels.js';

/**
 * Starts tfjs's plain JavaScript CPU backend (works everywhere; the slowest), with the kernels that
 * stock tfjs-backend-cpu gets wrong replaced (see `registerCpuKernels`).
 */
export async function startCpu(): Promise<void> {
  registerCpuKernels();
  if (!(await tf.setBackend('cpu'))) {
    throw new BackendError('The CPU backend did not start; see the error tfjs logged above.');
  }
  await tf.ready();
}
