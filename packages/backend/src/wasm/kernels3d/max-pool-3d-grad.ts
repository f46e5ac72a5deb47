import {
  type KernelConfig,
  type KernelFunc,
  MaxPool3DGrad,
  type MaxPool3DGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { maxPool3DGradValues } from '../../kernels3d/max-pool-3d-grad-values.js';
import { pool3DInfo } from '../../kernels3d/pool-3d-info.js';
import type { WasmBackendLike } from '../kernel-scope.js';

/**
 * The gradient of `maxPool3d` (NDHWC) for the `wasm` backend: each window's `dy` goes to the last
 * position that holds the window's maximum (see `maxPool3DGradValues`), computed on the WASM heap.
 * Stock tfjs-backend-wasm 4.22 sends it elsewhere.
 */
function maxPool3DGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: WasmBackendLike;
  attrs: MaxPool3DGradAttrs;
}): TensorInfo {
  const { dy, input } = args.inputs;
  const info = pool3DInfo(input.shape, args.attrs);
  const { backend } = args;
  const out = backend.makeOutput(input.shape, 'float32');
  // Views after the last allocation: an allocation may move the heap.
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  maxPool3DGradValues(
    backend.typedArrayFromHeap(input) as Float32Array,
    backend.typedArrayFromHeap(dy) as Float32Array,
    dx,
    info,
  );
  return out;
}

/** Kernel config of {@link maxPool3DGrad} for the `wasm` backend (replaces the stock one). */
export const maxPool3DGradConfig: KernelConfig = {
  kernelName: MaxPool3DGrad,
  backendName: 'wasm',
  kernelFunc: maxPool3DGrad as unknown as KernelFunc,
};
