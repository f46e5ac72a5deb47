import {
  backend_util,
  Cumprod,
  Cumsum,
  type KernelConfig,
  type KernelFunc,
  Prelu,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';

/**
 * `cumsum`, `cumprod` and `prelu` of empty tensors: stock tfjs-backend-wasm 4.22 divides by the
 * empty axis (or the empty input's size) and traps ("RuntimeError: divide by zero"). Their output is
 * empty too (`x`'s shape; for `prelu`, `x` and `alpha` broadcast), so it is returned without a call
 * into the module. Other inputs go to `kernel`.
 */
export function emptyOutputFirst(kernel: KernelFunc): KernelFunc {
  return (args) => {
    const inputs = args.inputs as Record<string, TensorInfo>;
    const x = inputs.x;
    const outShape =
      inputs.alpha != null ? backend_util.assertAndGetBroadcastShape(x.shape, inputs.alpha.shape) : x.shape;
    const empty = [x, ...(inputs.alpha != null ? [inputs.alpha] : [])].some(
      (t) => util.sizeFromShape(t.shape) === 0,
    );
    if (!empty) return kernel(args);
    return (args.backend as WasmBackendLike).makeOutput(outShape, x.dtype === 'int32' ? 'int32' : 'float32');
  };
}

/** The kernels {@link emptyOutputFirst} guards. */
export const EMPTY_OUTPUT_KERNELS = [Cumsum, Cumprod, Prelu] as const;

/** Wraps `stock` (or the wrapper `inner` builds from it) with {@link emptyOutputFirst}. */
export function emptyOutputFirstConfig(
  stock: KernelConfig,
  inner: (stock: KernelConfig) => KernelConfig = (c) => c,
): KernelConfig {
  const config = inner(stock);
  return { ...config, kernelFunc: emptyOutputFirst(config.kernelFunc) };
}
