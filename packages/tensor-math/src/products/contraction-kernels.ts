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

/**
 * Runs the kernel registered as `name` for the active backend by calling its kernel function
 * itself, not through the engine: no tensor object, no tracking, no gradient tape. For CP-ALS, which
 * runs the same few kernels every sweep: through the engine, V8 also spends its first sweeps
 * compiling the engine's large dispatch functions on helper threads (CPU time the process pays).
 * The result is the backend's own `TensorInfo`, unknown to the engine (`tf.memory()` does not count
 * it): free it with {@link releaseKernelOutput}. Call it only where {@link contractionKernelActive}.
 */
export function runKernelDirectly(
  name: string,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, number> = {},
): tf.TensorInfo {
  const config = tf.getKernel(name, tf.getBackend());
  if (config === undefined) {
    throw new Error(`runKernelDirectly: no ${name} kernel is registered for ${tf.getBackend()}.`);
  }
  const backend = tf.backend();
  return config.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
}

/** Frees a kernel result: a tensor, or a {@link runKernelDirectly} output (freed on the backend). */
export function releaseKernelOutput(output: tf.TensorInfo): void {
  if (output instanceof tf.Tensor) output.dispose();
  else tf.backend().disposeData(output.dataId);
}
