import type { KernelConfig, KernelFunc, OneHotAttrs, OneHotInputs, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';

/**
 * Stock tfjs-backend-wasm 4.22's OneHot writes 32-bit integers whatever the requested dtype, so
 * `tf.oneHot(ids, n, 1, 0, 'float32')` returns float32 tensors holding the bit patterns of 1 and 0
 * (1.4e-45 instead of 1): any loss or metric built on a float one-hot silently becomes zero. This
 * wrapper keeps the stock kernel for int32 and, for other dtypes, builds the 0/1 mask in int32, casts
 * it, and maps it to `offValue + (onValue - offValue) * mask`.
 */
export function fixedOneHot(stock: KernelConfig): KernelFunc {
  return (args) => {
    const attrs = args.attrs as unknown as OneHotAttrs;
    if (attrs.dtype === 'int32') return stock.kernelFunc(args);
    const { indices } = args.inputs as unknown as OneHotInputs & { indices: TensorInfo };
    const scope = new KernelScope(args.backend as WasmBackendLike);
    try {
      // [...indices.shape, depth] of 0/1
      const mask = scope.cast(
        scope.runConfig(stock, { indices }, { ...attrs, dtype: 'int32', onValue: 1, offValue: 0 } as never),
        attrs.dtype,
      );
      if (attrs.onValue === 1 && attrs.offValue === 0) return scope.finish(mask);
      const scale = scope.run(
        'Fill',
        {},
        { shape: [], value: attrs.onValue - attrs.offValue, dtype: attrs.dtype },
      );
      const offset = scope.run('Fill', {}, { shape: [], value: attrs.offValue, dtype: attrs.dtype });
      return scope.finish(scope.run('Add', { a: scope.run('Multiply', { a: mask, b: scale }), b: offset }));
    } finally {
      scope.dispose();
    }
  };
}

/** Wraps the stock `OneHot` config with {@link fixedOneHot}. */
export function fixedOneHotConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: fixedOneHot(stock) };
}
