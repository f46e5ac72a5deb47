/**
 * WebGPU kernels whose stock shaders take fewer axes than tfjs-core allows (reductions, `argMax`:
 * rank 6; `where`: 4; `reverse`: 4; `pad`: fails at rank 5 for some paddings) or give a wrong output
 * shape (`prod` with `keepDims`, `argMax` of a vector): each wrapper runs the stock kernel on a view
 * with neighbouring axes merged, then reshapes the result to the shape tfjs-core expects.
 */
import {
  All,
  Any,
  ArgMax,
  ArgMin,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  Max,
  Mean,
  Min,
  type NamedAttrMap,
  PadV2,
  Prod,
  Reverse,
  Select,
  Sum,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackendLike } from '../wasm/kernel-scope.js';
import { collapsePad } from '../wasm/kernels/collapse-axes.js';
import { emptyReduction } from './empty-reductions.js';

function webgpuScope(backend: unknown): KernelScope {
  return new KernelScope(backend as WasmBackendLike, (name) => getKernel(name, 'webgpu'));
}

/**
 * `shape` with neighbouring axes merged where they are all reduced or all kept (size-1 axes
 * dropped), and the reduced axes of the result. Reducing the merged view over its axes gives the same
 * values, in the same order, as reducing `shape` over `axes`.
 */
export function collapseReduction(
  shape: readonly number[],
  axes: readonly number[],
): { shape: number[]; axes: number[] } {
  const merged: number[] = [];
  const reduced: boolean[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const r = axes.includes(i);
    if (reduced.length > 0 && reduced[reduced.length - 1] === r) merged[merged.length - 1] *= d;
    else {
      merged.push(d);
      reduced.push(r);
    }
  });
  if (merged.length === 0) return { shape: [1], axes: axes.length > 0 ? [0] : [] };
  return { shape: merged, axes: reduced.flatMap((r, i) => (r ? [i] : [])) };
}

/** Reductions over `axis` with `keepDims`: Sum, Mean, Max, Min, Prod, All, Any. */
export const REDUCTION_KERNELS = [Sum, Mean, Max, Min, Prod, All, Any] as const;

function collapsedReduction(stock: KernelConfig): KernelFunc {
  // Max names its axes `reductionIndices`; the others `axis`.
  const axisAttr = stock.kernelName === Max ? 'reductionIndices' : 'axis';
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as Record<string, unknown>;
    const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
    const outShape = x.shape.flatMap((d, i) => (axes.includes(i) ? (attrs.keepDims ? [1] : []) : [d]));
    if (util.sizeFromShape(x.shape) === 0)
      return emptyReduction(args.backend, stock.kernelName, x.dtype, outShape);
    const view = collapseReduction(x.shape, axes);
    const scope = webgpuScope(args.backend);
    const reduce = (t: TensorInfo, over: number[]) =>
      scope.runConfig(stock, { x: t }, { ...attrs, [axisAttr]: over, keepDims: false } as NamedAttrMap);
    try {
      let y = scope.reshape(x, view.shape);
      if (view.shape.length <= 6) {
        y = reduce(y, view.axes);
      } else {
        // Alternating axes beyond the shaders' rank: one axis at a time, last first, on
        // [before, axis, after] views (every one of these reductions composes that way).
        let shape = view.shape;
        for (const axis of [...view.axes].reverse()) {
          const before = util.sizeFromShape(shape.slice(0, axis));
          const after = util.sizeFromShape(shape.slice(axis + 1));
          y = reduce(scope.reshape(y, [before, shape[axis], after]), [1]);
          shape = shape.filter((_, i) => i !== axis);
        }
      }
      return scope.finish(scope.reshape(y, outShape));
    } finally {
      scope.dispose();
    }
  };
}

/** `argMax`/`argMin` over one axis, on a `[before, axis, after]` view. */
function collapsedArgReduction(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const [axis] = util.parseAxisParam((args.attrs as { axis: number }).axis, x.shape);
    if (util.sizeFromShape(x.shape) === 0) {
      return emptyReduction(
        args.backend,
        stock.kernelName,
        x.dtype,
        x.shape.filter((_, i) => i !== axis),
      );
    }
    const before = util.sizeFromShape(x.shape.slice(0, axis));
    const after = util.sizeFromShape(x.shape.slice(axis + 1));
    const scope = webgpuScope(args.backend);
    try {
      const view = scope.reshape(x, [before, x.shape[axis], after]);
      const out = scope.runConfig(stock, { x: view }, { axis: 1 });
      return scope.finish(
        scope.reshape(
          out,
          x.shape.filter((_, i) => i !== axis),
        ),
      );
    } finally {
      scope.dispose();
    }
  };
}

/** `where(condition, t, e)` above rank 4: on flat views (or `[rows, rest]` for a per-row condition). */
function flatSelect(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { condition, t, e } = args.inputs as { condition: TensorInfo; t: TensorInfo; e: TensorInfo };
    if (t.shape.length <= 4) return stock.kernelFunc(args);
    const size = util.sizeFromShape(t.shape);
    const scope = webgpuScope(args.backend);
    try {
      const perRow = condition.shape.length === 1 && t.shape.length > 1;
      const view = perRow ? [t.shape[0], size / Math.max(1, t.shape[0])] : [size];
      const out = scope.runConfig(
        stock,
        {
          condition: perRow ? condition : scope.reshape(condition, [size]),
          t: scope.reshape(t, view),
          e: scope.reshape(e, view),
        },
        args.attrs,
      );
      return scope.finish(scope.reshape(out, t.shape));
    } finally {
      scope.dispose();
    }
  };
}

/**
 * `reverse` above rank 4: reversing neighbouring axes that are all reversed (or all kept) is
 * reversing their merged axis; what remains beyond 4 axes is reversed one axis at a time on a
 * `[before, axis, after]` view.
 */
function collapsedReverse(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.shape.length <= 4) return stock.kernelFunc(args);
    const axes = util.parseAxisParam((args.attrs as { dims: number | number[] }).dims, x.shape);
    const view = collapseReduction(x.shape, axes);
    const scope = webgpuScope(args.backend);
    try {
      let y = scope.reshape(x, view.shape);
      if (view.shape.length <= 4) {
        y = scope.runConfig(stock, { x: y }, { dims: view.axes });
      } else {
        for (const axis of view.axes) {
          const before = util.sizeFromShape(view.shape.slice(0, axis));
          const after = util.sizeFromShape(view.shape.slice(axis + 1));
          y = scope.runConfig(
            stock,
            { x: scope.reshape(y, [before, view.shape[axis], after]) },
            { dims: [1] },
          );
        }
      }
      return scope.finish(scope.reshape(y, x.shape));
    } finally {
      scope.dispose();
    }
  };
}

/** `pad` on a view with unpadded inner axes merged into the padded ones (see {@link collapsePad}). */
function collapsedPad(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { paddings } = args.attrs as unknown as { paddings: Array<[number, number]> };
    if (x.shape.length <= 1) return stock.kernelFunc(args);
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const scope = webgpuScope(args.backend);
    const pad = (t: TensorInfo, pads: Array<[number, number]>) => {
      const view = collapsePad(t.shape, pads);
      const grown = t.shape.map((d, i) => pads[i][0] + d + pads[i][1]);
      const out = scope.runConfig(
        stock,
        { x: scope.reshape(t, view.shape) },
        { ...args.attrs, paddings: view.paddings },
      );
      return { out: scope.reshape(out, grown), rank: view.shape.length };
    };
    try {
      if (collapsePad(x.shape, paddings).shape.length <= 4) return scope.finish(pad(x, paddings).out);
      // Stock PadProgram is an invalid pipeline at rank 5 and up: one padded axis at a time (each
      // collapses to at most 2 axes).
      let y = x;
      paddings.forEach((p, axis) => {
        if (p[0] === 0 && p[1] === 0) return;
        y = pad(
          y,
          paddings.map((q, i) => (i === axis ? q : [0, 0])),
        ).out;
      });
      return scope.finish(scope.reshape(y, outShape));
    } finally {
      scope.dispose();
    }
  };
}

const wrap = (make: (stock: KernelConfig) => KernelFunc) => (stock: KernelConfig) => ({
  ...stock,
  kernelFunc: make(stock),
});

/** The wrappers of this module, by kernel name. */
export const SHAPE_LIMIT_WRAPPERS: Readonly<Record<string, (stock: KernelConfig) => KernelConfig>> = {
  ...Object.fromEntries(REDUCTION_KERNELS.map((name) => [name, wrap(collapsedReduction)])),
  [ArgMax]: wrap(collapsedArgReduction),
  [ArgMin]: wrap(collapsedArgReduction),
  [Select]: wrap(flatSelect),
  [Reverse]: wrap(collapsedReverse),
  [PadV2]: wrap(collapsedPad),
};
