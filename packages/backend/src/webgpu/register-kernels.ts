import type { KernelConfig } from '@tensorflow/tfjs-core';
import { KernelReplacement } from '../kernel-replacement.js';
import { webgpuTransformConfig } from './transform.js';

/**
 * Stock tfjs-backend-webgpu 4.22 kernels that are replaced because they give wrong results:
 * `Transform` (`tf.image.transform`) with one transform row for a batch, nearest-interpolation ties,
 * and int32 images.
 */
export const REPLACED_WEBGPU_KERNELS: readonly KernelConfig[] = [webgpuTransformConfig];

const replacement = new KernelReplacement('webgpu', { replaced: REPLACED_WEBGPU_KERNELS });

/**
 * Replaces the WebGPU kernels in {@link REPLACED_WEBGPU_KERNELS}. Call it after
 * `@tensorflow/tfjs-backend-webgpu` is imported (importing it registers the stock kernels over any
 * registered before). Idempotent. `initBackend` calls it when it starts WebGPU.
 *
 * @returns the names of the kernels this call registered (empty when everything was in place).
 */
export function registerWebgpuKernels(): string[] {
  return replacement.register();
}

/** Undoes {@link registerWebgpuKernels} (puts the stock kernels back); returns the names it restored. */
export function unregisterWebgpuKernels(): string[] {
  return replacement.unregister();
}
