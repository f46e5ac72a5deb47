import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';

/**
 * Whether stock tfjs-backend-wasm 4.22's `Prelu` reads `alpha` right for `x`: it passes `alpha` to
 * XNNPACK as one slope per channel, repeated over `x`'s elements, so it is right only when `alpha`
 * (leading size-1 axes aside) is `x`'s trailing axes (a PReLU layer's `x.shape.slice(1)`, a vector
 * over the last axis, a scalar).
 */
export function alphaIsTrailing(xShape: readonly number[], alphaShape: readonly number[]): boolean {
  let first = 0;
  while (first < alphaShape.length && alphaShape[first] === 1) first++;
  const tail = alphaShape.slice(first);
  if (tail.length > xShape.length) return false;
  const xTail = xShape.slice(xShape.length - tail.length);
  return tail.every((d, i) => d === xTail[i]) && alphaShape.length <= xShape.length;
}

/**
 * `prelu(x, alpha)` for every broadcast of `alpha`: where stock would misread it (a slope per
 * row of `[rows, 1]` onto `[.., rows, cols]` gave other elements' slopes), it is computed as
 * `relu(x) - alpha * relu(-x)` with element-wise kernels that broadcast.
 */
export function broadcastPrelu(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x, alpha } = args.inputs as { x: TensorInfo; alpha: TensorInfo };
    if (alphaIsTrailing(x.shape, alpha.shape)) return stock.kernelFunc(args);
    const scope = new KernelScope(args.backend as WasmBackendLike);
    try {
      const negative = scope.run('Relu', { x: scope.run('Neg', { x }) });
      const scaled = scope.run('Multiply', { a: alpha, b: negative });
      return scope.finish(scope.run('Sub', { a: scope.run('Relu', { x }), b: scaled }));
    } finally {
      scope.dispose();
    }
  };
}

/** Wraps the stock WASM `Prelu` config with {@link broadcastPrelu}. */
export function broadcastPreluConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: broadcastPrelu(stock) };
}
