import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';

/**
 * `Identity` (`tf.clone`) without a copy: the output shares the input's memory and the backend's
 * reference count keeps it alive until both are disposed, as the CPU and WebGPU backends do. Tensors
 * are immutable, so sharing is safe. Stock tfjs-backend-wasm copies, and the engine clones every
 * tensor a gradient saves for the backward pass, so a training step copied each layer's input,
 * weights and activations once more (36 copies per step of the MLP 784-512-256-10).
 */
function identity(args: { inputs: { x: TensorInfo }; backend: WasmBackendLike }): TensorInfo {
  const { x } = args.inputs;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Kernel config of {@link identity} for the `wasm` backend (replaces the stock one). */
export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
