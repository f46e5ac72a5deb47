import {
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';

/**
 * The gradient of `maxPool`. Stock tfjs-backend-wasm 4.22's MaxPoolGrad (and MaxPoolWithArgmax)
 * start each window's maximum at 0 instead of -Infinity, so a window whose values are all negative
 * gets no gradient at all; the parity suite catches it. This replacement shifts the input to be
 * positive (`x - min(x) + 1`, which keeps every window's argmax), finds each window's maximum with
 * WASM's MaxPoolWithArgmax and adds `dy` there with ScatterNd: `dx[argmax(window)] += dy[window]`.
 */
function maxPoolGrad(args: {
  inputs: MaxPoolGradInputs;
  backend: WasmBackendLike;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs;
  if (dimRoundingMode != null) {
    throw new Error(
      'The WASM MaxPoolGrad kernel of @tensorfold/backend does not support dimRoundingMode; leave it unset.',
    );
  }
  const scope = new KernelScope(args.backend);
  try {
    // Every value >= 1, so the stock argmax (which starts at 0) is right.
    const axes = input.shape.map((_, i) => i);
    const lowest = scope.run('Min', { x: input }, { axis: axes, keepDims: false });
    const one = scope.run('Fill', {}, { shape: [], value: 1, dtype: 'float32' });
    const positive = scope.run('Add', { a: scope.run('Sub', { a: input, b: lowest }), b: one });
    const [, argmax] = maxPoolWithArgmax(scope, positive, {
      filterSize,
      strides,
      pad,
      includeBatchInIndex: true,
    });
    const count = util.sizeFromShape(dy.shape);
    // [windows, 1] flat input positions and [windows] gradients.
    const indices = scope.reshape(argmax, [count, 1]);
    const updates = scope.reshape(dy, [count]);
    const flat = scope.run('ScatterNd', { indices, updates }, { shape: [util.sizeFromShape(input.shape)] });
    return scope.finish(scope.reshape(flat, input.shape));
  } finally {
    scope.dispose();
  }
}

function maxPoolWithArgmax(scope: KernelScope, x: TensorInfo, attrs: Record<string, unknown>): TensorInfo[] {
  const config = scope.kernel('MaxPoolWithArgmax');
  const outputs = config.kernelFunc({
    inputs: { x },
    attrs: attrs as never,
    backend: scope.backend,
  }) as unknown as TensorInfo[];
  scope.adopt(...outputs);
  return outputs;
}

/** Kernel config of {@link maxPoolGrad} for the `wasm` backend (replaces the stock one). */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
