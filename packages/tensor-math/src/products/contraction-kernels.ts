/**
 * Whether the CP-ALS contraction kernels that `@tensorfold/backend` registers (on WASM) run, or their
 * tfjs-op and host forms (see `khatri-rao-contraction.ts` and `row-contraction.ts`).
 */
import { tf } from '@tensorfold/core';

let enabled = true;

/**
 * Lets the contractions run the kernels `@tensorfold/backend` registers (`true`, the default) or
 * keeps their other forms on every backend (`false`): for tests and benchmarks that compare them.
 */
export function setContractionKernels(on: boolean): void {
  enabled = on;
}

/** Whether kernel `name` is registered for the active backend (and kernels are allowed). */
export function contractionKernelActive(name: string): boolean {
  return enabled && tf.getKernel(name, tf.getBackend()) !== undefined;
}
