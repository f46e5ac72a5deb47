import '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { INT8_CPU_KERNELS } from '../int8/cpu.js';
import { KernelReplacement } from '../kernel-replacement.js';
import { cpuMaxPool3DGradConfig } from './max-pool-3d-grad.js';
import { cpuTransformConfig } from './transform.js';

/**
 * Stock tfjs-backend-cpu 4.22 kernels that are replaced because they give wrong results:
 * `Transform` (`tf.image.transform`) leaves every image after the first of a batch blank;
 * `MaxPool3DGrad` misplaces the gradient of pools whose height and width differ.
 */
export const REPLACED_CPU_KERNELS: readonly KernelConfig[] = [
  cpuTransformConfig,
  // Stock MaxPool3DGrad misplaces the gradient when the pool's height and width differ.
  cpuMaxPool3DGradConfig,
];

const replacement = new KernelReplacement('cpu', {
  replaced: REPLACED_CPU_KERNELS,
  // tensorfold's own: integer (int8) inference, see ../int8/int8-kernels.ts
  added: INT8_CPU_KERNELS,
});

/**
 * Replaces the CPU kernels in {@link REPLACED_CPU_KERNELS}. Safe to call any number of times, before
 * or after the CPU backend starts. `initBackend` calls it; call it yourself only if you start the CPU
 * backend with `tf.setBackend`.
 *
 * @returns the names of the kernels this call registered (empty when everything was in place).
 */
export function registerCpuKernels(): string[] {
  return replacement.register();
}

/** Undoes {@link registerCpuKernels} (puts the stock kernels back); returns the names it restored. */
export function unregisterCpuKernels(): string[] {
  return replacement.unregister();
}
