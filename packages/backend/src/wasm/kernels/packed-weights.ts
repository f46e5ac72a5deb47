import { type TensorInfo, util } from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import type { WasmBackendLike } from '../kernel-scope.js';

/** The parts of tfjs-backend-wasm's backend that forgetting a tensor's cached operators needs. */
interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; shape: number[] } | undefined };
  wasm?: {
    tfjs?: {
      disposeData?: (id: number) => void;
      registerTensor?: (id: number, size: number, memoryOffset: number) => void;
    };
  };
}

/**
 * The `[inner, cols]` each tensor (by `dataId`) was last used with as the weights of XNNPACK's
 * fully-connected operator in the stock `BatchMatMul` / `_FusedMatMul`.
 */
const packedShapes = new WeakMap<object, string>();

/**
 * Makes the stock WASM matrix product safe to call with `b` as its weights, `[1, inner, cols]`.
 *
 * tfjs-backend-wasm 4.22 caches the XNNPACK fully-connected operator it builds for `b` under
 * `(b's tensor id, bias id, activation)`, without the shape. A reshape (and tensorfold's
 * memory-sharing `Identity` and same-dtype `Cast`) keeps the id, so once a tensor was the weights of a
 * product as `[k, n]`, a later product with the same tensor as `[k', n']` reuses the operator built for
 * `[k, n]`: it reads `k` values per row and writes `n` per row, past the end of the smaller output,
 * which corrupts the WASM heap (then `memory access out of bounds` in a later `dispose`). tensorfold's
 * matMul wrapper hands the stock kernel reshaped and transposed operands, which made this common
 * (`matMul(a, b, true)` then a product of `reshape(b)`; the unfoldings of a tensor in `mttkrp`).
 *
 * When `b` comes with a shape other than the one its cached operators were built for (or is seen for
 * the first time), the tensor is dropped from the C++ side and registered again at the same memory:
 * that runs the backend's disposal callbacks, which delete the stale operators, and keeps the data.
 */
export function forgetStalePackedWeights(
  backend: WasmBackendLike,
  b: TensorInfo,
  inner: number,
  cols: number,
): void {
  const key = `${inner}x${cols}`;
  if (packedShapes.get(b.dataId) === key) return;
  const internals = backend as unknown as WasmBackendInternals;
  const data = internals.dataIdMap.get(b.dataId);
  const tfjs = internals.wasm?.tfjs;
  if (data == null) return;
  if (tfjs?.disposeData == null || tfjs.registerTensor == null) {
    throw new BackendError(
      'tfjs-backend-wasm has no tfjs.disposeData/registerTensor, which tensorfold needs to keep its matrix ' +
        'products from reusing stale XNNPACK operators. Use the @tensorflow/tfjs-backend-wasm version that ' +
        '@tensorfold/backend declares (see its package.json).',
    );
  }
  tfjs.disposeData(data.id);
  tfjs.registerTensor(data.id, util.sizeFromShape(data.shape), data.memoryOffset);
  packedShapes.set(b.dataId, key);
}
