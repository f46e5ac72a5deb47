/**
 * More WebGPU kernels that tfjs-backend-webgpu 4.22 limits to rank 6 ("GPU for rank 7 is not yet
 * supported"), each run on views of fewer axes: `cumsum`/`cumprod` on `[before, axis, after]`,
 * `mirrorPad` one padded axis at a time on such views, `batchNorm` composed of element-wise kernels
 * (which take any rank), and the element-wise kernels that `high-rank.ts` does not list (`prelu`,
 * the gradient of `elu`, `isFinite`, `isInf`).
 */
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  Cumprod,
  Cumsum,
  EluGrad,
  FusedBatchNorm,
  getKernel,
  IsFinite,
  IsInf,
  type KernelConfig,
  type KernelFunc,
  MirrorPad,
  Prelu,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../wasm/kernel-scope.js';
import { collapsedBinary, flatUnary, WEBGPU_MAX_RANK } from './high-rank.js';

/** Highest rank whose stock `mirrorPad` shader compiles. */
const MAX_STOCK_MIRROR_PAD_RANK = 4;

function webgpuScope(backend: unknown): KernelScope {
  return new KernelScope(backend as WasmBackendLike, (name) => getKernel(name, 'webgpu'));
}

/** `[before, shape[axis], after]`: the 3-D view of `shape` around `axis`. */
function aroundAxis(shape: readonly number[], axis: number): number[] {
  return [util.sizeFromShape(shape.slice(0, axis)), shape[axis], util.sizeFromShape(shape.slice(axis + 1))];
}

/**
 * `cumsum`/`cumprod` along one axis, on the `[before, axis, after]` view (stock shaders stop at rank
 * 4: "Cumulative + for rank 5 is not yet supported"). Reversed ones run forwards between two `reverse`s: stock bakes the axis length into the
 * shader of a reversed cumulative op but caches it under a key without it, so a later call on
 * another length reused the first length's shader and read the wrong elements
 * (`cumsum([a, b, c], 0, false, true)` after one of length 18 gave wrong sums).
 */
function cumulativeOnView(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as unknown as { axis: number; exclusive: boolean; reverse: boolean };
    if (x.shape.length <= 3 && !attrs.reverse) return stock.kernelFunc(args);
    const [axis] = util.parseAxisParam(attrs.axis, x.shape);
    const scope = webgpuScope(args.backend);
    try {
      const view = scope.reshape(x, aroundAxis(x.shape, axis));
      const flip = (t: TensorInfo) => (attrs.reverse ? scope.run('Reverse', { x: t }, { dims: [1] }) : t);
      const out = scope.runConfig(stock, { x: flip(view) }, { ...attrs, axis: 1, reverse: false });
      return scope.finish(scope.reshape(flip(out), x.shape));
    } finally {
      scope.dispose();
    }
  };
}

/**
 * `mirrorPad` above rank 4 (stock's shader does not compile at rank 5 and 6: "cannot index type
 * 'vec5'", and stops at 6): one padded axis at a time, on `[before, axis, after]` views.
 */
function mirrorPadByAxis(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.shape.length <= MAX_STOCK_MIRROR_PAD_RANK) return stock.kernelFunc(args);
    const { paddings, mode } = args.attrs as unknown as { paddings: Array<[number, number]>; mode: string };
    const scope = webgpuScope(args.backend);
    try {
      let y = scope.reshape(x, x.shape);
      paddings.forEach(([before, after], axis) => {
        if (before === 0 && after === 0) return;
        const view = aroundAxis(y.shape, axis);
        const padded = scope.runConfig(
          stock,
          { x: scope.reshape(y, view) },
          {
            paddings: [
              [0, 0],
              [before, after],
              [0, 0],
            ],
            mode,
          },
        );
        y = scope.reshape(
          padded,
          y.shape.map((d, i) => (i === axis ? d + before + after : d)),
        );
      });
      return scope.finish(y);
    } finally {
      scope.dispose();
    }
  };
}

/**
 * `batchNorm` above rank 6: `(x - mean) * rsqrt(variance + epsilon) * scale + offset`, each step an
 * element-wise kernel with broadcasting (wrapped for every rank).
 */
function composedBatchNorm(stock: KernelConfig): KernelFunc {
  return (args) => {
    const inputs = args.inputs as Record<
      'x' | 'mean' | 'variance' | 'offset' | 'scale',
      TensorInfo | undefined
    >;
    const x = inputs.x as TensorInfo;
    if (x.shape.length <= WEBGPU_MAX_RANK) return stock.kernelFunc(args);
    const { varianceEpsilon } = args.attrs as unknown as { varianceEpsilon: number };
    const backend = args.backend as WasmBackendLike;
    const scope = webgpuScope(backend);
    try {
      const epsilon = (backend as unknown as WebGPUBackend).makeTensorInfo(
        [],
        'float32',
        new Float32Array([varianceEpsilon]),
      );
      scope.adopt(epsilon);
      const inverse = scope.run('Rsqrt', {
        x: scope.run('Add', { a: inputs.variance as TensorInfo, b: epsilon }),
      });
      let y = scope.run('Multiply', {
        a: scope.run('Sub', { a: x, b: inputs.mean as TensorInfo }),
        b: inverse,
      });
      if (inputs.scale != null) y = scope.run('Multiply', { a: y, b: inputs.scale });
      if (inputs.offset != null) y = scope.run('Add', { a: y, b: inputs.offset });
      return scope.finish(y);
    } finally {
      scope.dispose();
    }
  };
}

/**
 * A binary element-wise kernel whose inputs are not named `a` and `b` (`prelu`: `x`, `alpha`;
 * `eluGrad`: `dy`, `y`), wrapped like those of `high-rank.ts`.
 */
function renamedBinary(first: string, second: string) {
  return (stock: KernelConfig): KernelFunc => {
    const asAB: KernelConfig = {
      ...stock,
      kernelFunc: (args) => {
        const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
        return stock.kernelFunc({ ...args, inputs: { [first]: a, [second]: b } });
      },
    };
    const collapsed = collapsedBinary(asAB);
    return (args) => {
      const inputs = args.inputs as Record<string, TensorInfo>;
      return collapsed({ ...args, inputs: { a: inputs[first], b: inputs[second] } });
    };
  };
}

const wrap = (make: (stock: KernelConfig) => KernelFunc) => (stock: KernelConfig) => ({
  ...stock,
  kernelFunc: make(stock),
});

/** The wrappers of this module, by kernel name. */
export const ANY_RANK_VIEW_WRAPPERS: Readonly<Record<string, (stock: KernelConfig) => KernelConfig>> = {
  [Cumsum]: wrap(cumulativeOnView),
  [Cumprod]: wrap(cumulativeOnView),
  [MirrorPad]: wrap(mirrorPadByAxis),
  [FusedBatchNorm]: wrap(composedBatchNorm),
  [Prelu]: wrap(renamedBinary('x', 'alpha')),
  [EluGrad]: wrap(renamedBinary('dy', 'y')),
  [IsFinite]: wrap(flatUnary),
  [IsInf]: wrap(flatUnary),
};
