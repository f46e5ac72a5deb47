// What the fused-recurrence tests share, whatever backend runs the fused kernels (WASM or WebGPU).
import { tf } from '@tensorfold/core';
import type { LSTMArgs } from '../layers/recurrent/lstm.js';

/** One configuration a fused recurrence is compared on. */
export interface FusedCase {
  name: string;
  args: Partial<LSTMArgs>;
  batch: number;
  steps: number;
  features: number;
  masked?: boolean;
  withStates?: boolean;
  /** Run in training mode (dropout on). */
  training?: boolean;
}

/**
 * Unregisters the kernels `names` on `backend` (the layers then take their op-by-op recurrences) and
 * returns the function that registers them again.
 */
export function unregisterKernels(backend: string, names: readonly string[]): () => void {
  const configs = names.map((name) => tf.getKernel(name, backend) as tf.KernelConfig);
  for (const config of configs) tf.unregisterKernel(config.kernelName, backend);
  return () => {
    for (const config of configs) tf.registerKernel(config);
  };
}

/** How many times `f` ran the fused forward kernel `name` on `backend`. */
export function countingFusedCalls(backend: string, name: string, f: () => void): number {
  const config = tf.getKernel(name, backend) as tf.KernelConfig;
  let count = 0;
  tf.unregisterKernel(name, backend);
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      count++;
      return config.kernelFunc(args);
    },
  });
  try {
    f();
  } finally {
    tf.unregisterKernel(name, backend);
    tf.registerKernel(config);
  }
  return count;
}

/** A [batch, steps] mask with padding at the end of some samples and in the middle of others. */
export function sampleMask(batch: number, steps: number): tf.Tensor {
  const values: boolean[] = [];
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < steps; t++) values.push(b % 3 === 0 ? true : b % 3 === 1 ? t < 2 : t !== 1);
  return tf.tensor2d(values, [batch, steps], 'bool');
}
