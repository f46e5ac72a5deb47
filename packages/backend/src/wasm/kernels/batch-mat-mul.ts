import {
  _FusedMatMul,
  BatchMatMul,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';

/**
 * Stock tfjs-backend-wasm sends every `matMul` with `transposeA`, `transposeB` or a batch
 * dimension to a scalar triple loop, 10 to 20 times slower than its XNNPACK path, and the gradient of
 * every dense layer needs exactly those transposes. This wrapper brings such products to the form
 * the fast path takes: it transposes operands explicitly (a cheap copy next to the product) and folds
 * the batch of `a` into its rows when `b` has no batch of its own (a dense layer on 3-D input).
 * Products that keep a real batch on both sides still go to the stock loop, with transposes removed.
 */
export function fastMatMul(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const attrs = args.attrs as NamedAttrMap & { transposeA: boolean; transposeB: boolean };
    const backend = args.backend as WasmBackendLike;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock.kernelFunc(args);
    const aBatch = util.sizeFromShape(a.shape.slice(0, -2));
    const bBatch = util.sizeFromShape(b.shape.slice(0, -2));
    const fast = !attrs.transposeA && !attrs.transposeB && aBatch === 1 && bBatch === 1;
    if (fast) return stock.kernelFunc(args);

    const scope = new KernelScope(backend);
    try {
      const rank = (t: TensorInfo) => t.shape.length;
      const swapLast = (t: TensorInfo) => [
        ...t.shape.slice(0, -2).map((_, i) => i),
        rank(t) - 1,
        rank(t) - 2,
      ];
      // a: [...batchA, rows, inner]; b: [...batchB, inner, cols]
      const aPlain = attrs.transposeA ? scope.transpose(a, swapLast(a)) : a;
      const bPlain = attrs.transposeB ? scope.transpose(b, swapLast(b)) : b;
      const rows = aPlain.shape[rank(aPlain) - 2];
      const inner = aPlain.shape[rank(aPlain) - 1];
      const cols = bPlain.shape[rank(bPlain) - 1];
      const batchShape = aBatch >= bBatch ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
      const inputs: Record<string, TensorInfo> = { ...(args.inputs as Record<string, TensorInfo>) };
      const bias = inputs.bias as TensorInfo | undefined;
      const biasPerColumn = bias == null || util.sizeFromShape(bias.shape) === cols;
      if (bBatch === 1 && biasPerColumn) {
        // Fold a's batch into its rows: [1, batchA * rows, inner] x [1, inner, cols].
        inputs.a = scope.reshape(aPlain, [1, aBatch * rows, inner]);
        inputs.b = scope.reshape(bPlain, [1, inner, cols]);
      } else {
        inputs.a = aPlain;
        inputs.b = bPlain;
      }
      const product = scope.runConfig(stock, inputs, { ...attrs, transposeA: false, transposeB: false });
      // [...batch, rows, cols]
      return scope.finish(scope.reshape(product, [...batchShape, rows, cols]));
    } finally {
      scope.dispose();
    }
  };
}

/** Wraps the stock `BatchMatMul` or `_FusedMatMul` config with {@link fastMatMul}. */
export function fastMatMulConfig(stock: KernelConfig): KernelConfig {
  if (stock.kernelName !== BatchMatMul && stock.kernelName !== _FusedMatMul) {
    throw new Error(`fastMatMulConfig wraps BatchMatMul or _FusedMatMul, not ${stock.kernelName}.`);
  }
  return { ...stock, kernelFunc: fastMatMul(stock) };
}
