import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  backend_util,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../wasm/kernel-scope.js';
import { collapseBroadcast } from '../wasm/kernels/collapse-axes.js';

/** tfjs-backend-webgpu 4.22's shaders index tensors of rank 6 at most ("GPU for rank 7 is not yet supported"). */
export const WEBGPU_MAX_RANK = 6;

/** Element-wise kernels of one input `x` (output of `x`'s shape) wrapped by {@link flatUnary}. */
export const WEBGPU_UNARY_KERNELS = [
  'Abs',
  'Acos',
  'Acosh',
  'Asin',
  'Asinh',
  'Atan',
  'Atanh',
  'Cast',
  'Ceil',
  'ClipByValue',
  'Cos',
  'Cosh',
  'Elu',
  'Erf',
  'Exp',
  'Expm1',
  'Floor',
  'IsNan',
  'LeakyRelu',
  'Log',
  'Log1p',
  'LogicalNot',
  'Neg',
  'OnesLike',
  'Reciprocal',
  'Relu',
  'Relu6',
  'Round',
  'Rsqrt',
  'Selu',
  'Sigmoid',
  'Sign',
  'Sin',
  'Sinh',
  'Softplus',
  'Sqrt',
  'Square',
  'Step',
  'Tan',
  'Tanh',
  'ZerosLike',
] as const;

/** Element-wise kernels of two broadcast inputs `a`, `b` wrapped by {@link collapsedBinary}. */
export const WEBGPU_BINARY_KERNELS = [
  'Add',
  'Atan2',
  'Equal',
  'FloorDiv',
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'LogicalAnd',
  'LogicalOr',
  'Maximum',
  'Minimum',
  'Mod',
  'Multiply',
  'NotEqual',
  'Pow',
  'RealDiv',
  'SquaredDifference',
  'Sub',
] as const;

function webgpuScope(backend: unknown): KernelScope {
  return new KernelScope(backend as WasmBackendLike, (name) => getKernel(name, 'webgpu'));
}

/** A unary element-wise kernel for any rank: it runs on `x` flattened. */
export function flatUnary(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.shape.length <= 1) return stock.kernelFunc(args);
    const scope = webgpuScope(args.backend);
    try {
      const flat = scope.reshape(x, [util.sizeFromShape(x.shape)]);
      const out = scope.runConfig(stock, { ...args.inputs, x: flat }, args.attrs);
      return scope.finish(scope.reshape(out, x.shape));
    } finally {
      scope.dispose();
    }
  };
}

/**
 * A binary element-wise kernel for any rank: axes that broadcast alike are merged
 * ({@link collapseBroadcast}) where that leaves fewer axes; where more than 6 remain (broadcasts on alternate axes), the op runs
 * once per entry of the outermost axis on rank-lower slices, and the results are stacked.
 */
export function collapsedBinary(stock: KernelConfig): KernelFunc {
  const run = (
    backend: unknown,
    a: TensorInfo,
    b: TensorInfo,
    attrs: NamedAttrMap | undefined,
  ): TensorInfo => {
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const scope = webgpuScope(backend);
    try {
      const shapes = collapseBroadcast(a.shape, b.shape);
      const x = scope.reshape(a, shapes.a);
      const y = scope.reshape(b, shapes.b);
      if (shapes.out.length <= WEBGPU_MAX_RANK) {
        const out = scope.runConfig(stock, { a: x, b: y }, attrs);
        return scope.finish(scope.reshape(out, outShape));
      }
      // [outer, rest]: one rank-(n-1) op per entry of the outermost axis.
      const rows = (t: TensorInfo, shape: number[]) =>
        scope.reshape(t, [shape[0], util.sizeFromShape(shape.slice(1))]);
      const xRows = rows(x, shapes.a);
      const yRows = rows(y, shapes.b);
      const pieces: TensorInfo[] = [];
      for (let i = 0; i < shapes.out[0]; i++) {
        const row = (t: TensorInfo, shape: number[]) => {
          const r = shape[0] === 1 ? 0 : i;
          const sliced = scope.run('Slice', { x: t }, { begin: [r, 0], size: [1, t.shape[1]] });
          return scope.reshape(sliced, shape.slice(1));
        };
        const piece = run(backend, row(xRows, shapes.a), row(yRows, shapes.b), attrs);
        scope.adopt(piece);
        pieces.push(scope.reshape(piece, [1, util.sizeFromShape(piece.shape)]));
      }
      const stacked = pieces.length === 1 ? pieces[0] : scope.run('Concat', pieces as never, { axis: 0 });
      return scope.finish(scope.reshape(stacked, outShape));
    } finally {
      scope.dispose();
    }
  };
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const rank = Math.max(a.shape.length, b.shape.length);
    // Stock shaders also fail below rank 7 for some broadcasts (an invalid pipeline for
    // [1, 5, 9, 1, 18, 5] + [5]): every op that merging makes smaller runs merged.
    if (rank <= WEBGPU_MAX_RANK && collapseBroadcast(a.shape, b.shape).out.length >= rank) {
      return stock.kernelFunc(args);
    }
    return run(args.backend as WebGPUBackend, a, b, args.attrs);
  };
}

export function flatUnaryConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: flatUnary(stock) };
}

export function collapsedBinaryConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: collapsedBinary(stock) };
}
