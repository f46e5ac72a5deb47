import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { wasmThreadsSetting } from '../threads/wasm-threads.js';

/** A kernel input given as plain values, so the same input can be built on every backend. */
export interface KernelInput {
  values: ArrayLike<number>;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

/** What a kernel returned, read back. */
export interface KernelOutput {
  values: Float32Array;
  shape: number[];
}

/**
 * Runs kernel `name` on `backend` (switching to it) with `inputs` built there, reads the output and
 * frees everything, so a test can compare the WASM kernel with the CPU backend's on the same input.
 * The WASM thread count set before (`setWasmThreads`) stays in force.
 */
export async function runKernelOn(
  backend: 'cpu' | 'wasm' | 'webgpu',
  name: string,
  inputs: Record<string, KernelInput>,
  attrs: Record<string, unknown>,
): Promise<KernelOutput> {
  // initBackend starts WASM's pool at `threads` (default: TENSORFOLD_WASM_THREADS, else 'auto'):
  // pass the setting in force, so that a test's setWasmThreads(n) holds across calls.
  await initBackend({ require: backend, threads: wasmThreadsSetting() });
  const before = tf.memory().numTensors;
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([key, input]) => [
      key,
      tf.tensor(Array.from(input.values), input.shape, input.dtype ?? 'float32'),
    ]),
  );
  const out = tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { values: Float32Array.from(await out.data()), shape: out.shape };
  tf.dispose([out, ...Object.values(tensors)]);
  if (tf.memory().numTensors !== before) throw new Error(`${name} on ${backend} leaked tensors`);
  return result;
}

/** Deterministic values in [-1, 1) (a fixed linear congruential sequence per seed). */
export function sequence(size: number, seed: number): Float32Array {
  const values = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

/** The largest `|a - b| - rtol * |b|` over the elements (<= atol means they agree). */
export function worstExcess(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i] - b[i]) - rtol * Math.abs(b[i]);
    if (!(excess <= worst)) worst = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
  }
  return worst;
}

/**
 * Runs one of the WASM kernels' own paths (`path(backend, inputs, attrs)`, which returns the output or
 * null where it leaves the call to another path) on the WASM backend with `inputs` built there, reads
 * the output and frees everything; throws if a tensor is left behind. Null where the path declined.
 */
export async function runPathOnWasm(
  path: (
    backend: WasmBackendLike,
    inputs: Record<string, tf.TensorInfo | undefined>,
    attrs: tf.NamedAttrMap,
  ) => tf.TensorInfo | null,
  inputs: Record<string, KernelInput>,
  attrs: tf.NamedAttrMap,
): Promise<KernelOutput | null> {
  await initBackend({ require: 'wasm', threads: wasmThreadsSetting() });
  const before = tf.memory().numTensors;
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([key, input]) => [key, tf.tensor(input.values, input.shape)]),
  );
  let output: KernelOutput | null = null;
  try {
    const out = path(tf.backend() as unknown as WasmBackendLike, tensors, attrs);
    if (out != null) {
      const result = tf.engine().makeTensorFromTensorInfo(out);
      output = { values: Float32Array.from(await result.data()), shape: result.shape };
      result.dispose();
    }
  } finally {
    tf.dispose(Object.values(tensors));
  }
  const left = tf.memory().numTensors - before;
  if (left !== 0) throw new Error(`the path left ${left} tensors behind`);
  return output;
}

/**
 * Whether `x` and `y` hold the same bits (-0 is not 0; a NaN equals a NaN of the same bits): compares
 * the bytes each array views (its own elements, also for a view into a larger buffer).
 */
export const sameBits = (x: Float32Array, y: Float32Array): boolean =>
  Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));

/**
 * The bits of each of `t`'s floats, so that -0 differs from 0, with every NaN as one: WebAssembly leaves
 * a NaN's sign and payload to the engine, and V8's baseline and optimizing compilers pick different
 * operands' NaN (where {@link sameBits}, which tells NaNs apart, would fail on the same code).
 */
export async function tensorBits(t: tf.Tensor): Promise<number[]> {
  return Array.from(new Uint32Array(Float32Array.from(await t.data()).buffer), (b) =>
    (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0 ? 0x7fc00000 : b,
  );
}
