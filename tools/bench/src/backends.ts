/**
 * Backend selection for benchmarks. Returns a description of the backend for the report header.
 */
import * as tf from '@tensorflow/tfjs-core';

export async function useBackend(name: string): Promise<string> {
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else throw new Error(`Backend "${name}" is not available to the benchmarks yet.`);
  if (!(await tf.setBackend(name))) throw new Error(`Backend "${name}" failed to start.`);
  await tf.ready();
  return name;
}
