import {
  backend_util,
  Cumprod,
  Cumsum,
  type KernelConfig,
  type KernelFunc,
  Prelu,
  type TensorInfo,
  Transpose,
  util,
} from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';

type Args = Parameters<KernelFunc>[0];

/** Output shape of each guarded kernel, from its inputs and attributes. */
const OUTPUT_SHAPES: Readonly<Record<string, (inputs: Record<string, TensorInfo>, args: Args) => number[]>> =
  {
    [Cumsum]: ({ x }) => x.shape,
    [Cumprod]: ({ x }) => x.shape,
    [Prelu]: ({ x, alpha }) => backend_util.assertAndGetBroadcastShape(x.shape, alpha.shape),
    [Transpose]: ({ x }, args) =>
      (args.attrs as unknown as { perm: number[] }).perm.map((axis) => x.shape[axis]),
  };

/** The kernels {@link emptyOutputFirst} guards. */
export const EMPTY_OUTPUT_KERNELS = Object.keys(OUTPUT_SHAPES);

/**
 * `cumsum`, `cumprod`, `prelu` and `transpose` of empty tensors: stock tfjs-backend-wasm 4.22
 * divides by an empty axis (or the empty input's size) and traps ("RuntimeError: divide by zero",
 * found by the fuzz suite for `transpose` of a `[0, 5, 1, 1, 18, 5, 0]` tensor). Their output is
 * empty too, so it is returned without a call into the module. Other inputs go to `kernel`.
 */
export function emptyOutputFirst(kernelName: string, kernel: KernelFunc): KernelFunc {
  const outputShape = OUTPUT_SHAPES[kernelName];
  if (outputShape == null) throw new Error(`emptyOutputFirst does not guard ${kernelName}.`);
  return (args) => {
    const inputs = args.inputs as Record<string, TensorInfo>;
    if (!Object.values(inputs).some((t) => util.sizeFromShape(t.shape) === 0)) return kernel(args);
    const { x } = inputs;
    const dtype = kernelName === Prelu ? 'float32' : x.dtype;
    return (args.backend as WasmBackendLike).makeOutput(outputShape(inputs, args), dtype);
  };
}

/** Wraps `stock` (or the wrapper `inner` builds from it) with {@link emptyOutputFirst}. */
export function emptyOutputFirstConfig(
  stock: KernelConfig,
  inner: (stock: KernelConfig) => KernelConfig = (c) => c,
): KernelConfig {
  const config = inner(stock);
  return { ...config, kernelFunc: emptyOutputFirst(stock.kernelName, config.kernelFunc) };
}
