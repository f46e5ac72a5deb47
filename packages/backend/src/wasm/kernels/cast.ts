import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';

/**
 * `Cast` to the dtype a tensor already has, without a copy (as `Identity`): the gradient of `relu`
 * (`dy * cast(step(x), 'float32')`) casts a float32 tensor to float32 on every training step, which
 * stock tfjs-backend-wasm copies. Other casts convert as before.
 */
export function sameTypeCast(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as NamedAttrMap & { dtype: string };
    if (dtype !== x.dtype || dtype === 'string' || dtype === 'complex64') return stock.kernelFunc(args);
    (args.backend as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/** Wraps the stock `Cast` config with {@link sameTypeCast}. */
export function sameTypeCastConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: sameTypeCast(stock) };
}
