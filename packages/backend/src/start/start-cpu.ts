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
  silenceNodeBackendAdvice(tf.backend());
}

/**
 * tfjs-backend-cpu prints, with its first tensor in Node, advice to install `@tensorflow/tfjs-node`.
 * tensorfold does not use that package (its install downloads a native binary), and where the CPU
 * backend runs in Node the choice was made on purpose (`initBackend` says why WASM or WebGPU were
 * passed over), so the advice only misleads. The backend prints it once, when its `firstUse` flag is
 * set; clearing the flag skips it and nothing else.
 */
function silenceNodeBackendAdvice(backend: tf.KernelBackend): void {
  const cpu = backend as tf.KernelBackend & { firstUse?: boolean };
  if (cpu.firstUse === true) cpu.firstUse = false;
}
