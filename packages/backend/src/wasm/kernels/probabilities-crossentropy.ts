import {
  type KernelConfig,
  type KernelFunc,
  type NamedTensorInfoMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import {
  CROSSENTROPY_EPSILON,
  PROBABILITIES_CROSSENTROPY,
  PROBABILITIES_CROSSENTROPY_GRAD,
  PROBABILITIES_CROSSENTROPY_MEAN,
  PROBABILITIES_CROSSENTROPY_MEAN_GRAD,
  SPARSE_CROSSENTROPY_MEAN,
  SPARSE_CROSSENTROPY_MEAN_GRAD,
} from '@tensorfold/core';
import type { WasmBackendLike } from '../kernel-scope.js';

/** The clip's bounds as float32, as the stock kernels compare with them. */
const LOW = Math.fround(CROSSENTROPY_EPSILON);
const HIGH = Math.fround(1 - CROSSENTROPY_EPSILON);
const f32 = Math.fround;

/** Rows and classes of `[..., classes]` (rows from the leading axes, so also where classes is 0). */
function rowsAndClasses(shape: number[]): [number, number] {
  return [util.sizeFromShape(shape.slice(0, -1)), shape[shape.length - 1]];
}

/** The sum of row `r`'s `classes` values in float32, in order. */
function rowSum(p: Float32Array, at: number, classes: number): number {
  let s = 0;
  for (let j = 0; j < classes; j++) s = f32(s + p[at + j]);
  return s;
}

/** Targets as the kernels read them: float32, or int32 class indicators (read as float32, as a cast). */
type Targets = Float32Array | Int32Array;

/**
 * The loss of the row of `p` at `at`, `-sum(y * log(clip(p / s)))` with `s = sum(p)` and the row's
 * targets at `yAt` in `y`, in float32 arithmetic in the stock kernels' order (`Math.fround` after each
 * operation; the logarithm rounded from float64).
 */
function rowLoss(y: Targets, yAt: number, p: Float32Array, at: number, classes: number): number {
  const s = rowSum(p, at, classes);
  let acc = 0;
  for (let j = 0; j < classes; j++) {
    const q = f32(p[at + j] / s);
    const clipped = Math.min(Math.max(q, LOW), HIGH); // NaN stays NaN
    const target = f32(y[yAt + j]);
    // A zero target adds 0 * log(clipped), a zero (the log of [1e-7, 1 - 1e-7] is finite): the
    // logarithm is skipped there, the same sum (NaN still reaches it).
    if (target === 0 && !Number.isNaN(clipped)) continue;
    acc = f32(acc + f32(target * f32(Math.log(clipped))));
  }
  return -acc;
}

/**
 * The gradient of the row of `p` at `at` with respect to the predictions, written to `dp` at `at`
 * (`s = sum(p)`, `q = p / s`, the row's targets at `yAt` in `y`): `dq = (eps <= q <= 1 - eps) ? -dy *
 * y / q : 0`, then `dp = (dq - sum(dq * q)) / s`, in float32.
 */
function rowGradient(
  minusDy: number,
  y: Targets,
  yAt: number,
  p: Float32Array,
  dp: Float32Array,
  at: number,
  classes: number,
): void {
  const s = rowSum(p, at, classes);
  let t = 0; // sum(dq * q)
  for (let j = 0; j < classes; j++) {
    const q = f32(p[at + j] / s);
    const dq = q >= LOW && q <= HIGH ? f32(f32(f32(y[yAt + j]) / q) * minusDy) : 0;
    dp[at + j] = dq;
    t = f32(t + f32(dq * q));
  }
  for (let j = 0; j < classes; j++) dp[at + j] = f32(f32(dp[at + j] - t) / s);
}

/**
 * Core's {@link PROBABILITIES_CROSSENTROPY} on WASM: one pass over the rows in JavaScript on the
 * heap, float32 arithmetic in the stock kernels' order (`Math.fround` after each operation; the
 * logarithm rounded from float64). Replaces about ten stock kernel calls (sum, divide, clip, log,
 * multiply, sum, negate and the engine's work around each) whose arithmetic is on 10 classes per row:
 * their cost was the calls, not the work, so the one pass is plain JavaScript, not a SIMD module.
 */
export const probabilitiesCrossentropyConfig: KernelConfig = {
  kernelName: PROBABILITIES_CROSSENTROPY,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend: b }) => {
    const { yTrue, yPred } = inputs as { yTrue: TensorInfo; yPred: TensorInfo };
    const backend = b as WasmBackendLike;
    const [rows, classes] = rowsAndClasses(yPred.shape);
    const out = backend.makeOutput(yPred.shape.slice(0, -1), 'float32'); // [...]
    if (rows === 0) return out;
    // Views after the last allocation: an allocation may move the heap.
    const loss = backend.typedArrayFromHeap(out) as Float32Array;
    if (classes === 0) {
      loss.fill(0); // the sum over no classes (the heap's memory is not cleared)
      return out;
    }
    const y = backend.typedArrayFromHeap(yTrue) as Float32Array;
    const p = backend.typedArrayFromHeap(yPred) as Float32Array;
    for (let r = 0, at = 0; r < rows; r++, at += classes) loss[r] = rowLoss(y, at, p, at, classes);
    return out;
  }) as KernelFunc,
};

/**
 * Core's {@link PROBABILITIES_CROSSENTROPY_GRAD} on WASM: per row, the clip's mask and the
 * normalization's gradient in two passes over the row's classes (JavaScript on the heap, float32
 * arithmetic), instead of about eighteen stock kernel calls.
 */
export const probabilitiesCrossentropyGradConfig: KernelConfig = {
  kernelName: PROBABILITIES_CROSSENTROPY_GRAD,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend: b }) => {
    const { dy, yTrue, yPred } = inputs as { dy: TensorInfo; yTrue: TensorInfo; yPred: TensorInfo };
    const backend = b as WasmBackendLike;
    const [rows, classes] = rowsAndClasses(yPred.shape);
    const out = backend.makeOutput(yPred.shape, 'float32'); // [..., classes]
    if (rows * classes === 0) return out;
    const d = backend.typedArrayFromHeap(dy) as Float32Array;
    const y = backend.typedArrayFromHeap(yTrue) as Float32Array;
    const p = backend.typedArrayFromHeap(yPred) as Float32Array;
    const dp = backend.typedArrayFromHeap(out) as Float32Array;
    for (let r = 0, at = 0; r < rows; r++, at += classes) rowGradient(-d[r], y, at, p, dp, at, classes);
    return out;
  }) as KernelFunc,
};

/**
 * Each row's targets, read after the kernel's allocations: `values`, and for row `r` (its predictions
 * at `at`) the offset of its targets in `values`, or -1 where it has none (a class id out of range).
 */
interface RowTargets {
  values: Targets;
  offset(r: number, at: number): number;
}

/** Where a mean kernel's targets come from, given its inputs and the classes a row. */
type TargetsOf = (backend: WasmBackendLike, inputs: NamedTensorInfoMap, classes: number) => RowTargets;

/** `yTrue` `[rows, classes]` (float32, or int32 read as float32): each row's targets beside its predictions. */
const denseTargets: TargetsOf = (backend, inputs) => ({
  values: backend.typedArrayFromHeap(inputs.yTrue as TensorInfo) as Targets,
  offset: (_r, at) => at,
});

/** `labels`, int32 `[rows]` class ids: each row's targets a one-hot row, written in turn into one buffer. */
const sparseTargets: TargetsOf = (backend, inputs, classes) => {
  const ids = backend.typedArrayFromHeap(inputs.labels as TensorInfo) as Int32Array;
  const row = new Float32Array(classes);
  return {
    values: row,
    offset: (r) => {
      const id = ids[r];
      if (!(id >= 0 && id < classes)) return -1;
      row.fill(0);
      row[id] = 1;
      return 0;
    },
  };
};

/**
 * A batch-mean kernel: each row's loss as {@link probabilitiesCrossentropyConfig}'s (NaN for a row
 * without targets), added in float32 in row order, then divided by the rows (float32), as the stock
 * `Mean` adds them. Inputs: `yPred` `[rows, classes]` and the targets `targetsOf` reads.
 */
function meanConfig(kernelName: string, targetsOf: TargetsOf): KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend: b }) => {
      const backend = b as WasmBackendLike;
      const yPred = inputs.yPred as TensorInfo;
      const [rows, classes] = rowsAndClasses(yPred.shape);
      const out = backend.makeOutput([], 'float32'); // the mean
      // Views after the last allocation: an allocation may move the heap.
      const y = targetsOf(backend, inputs, classes);
      const p = backend.typedArrayFromHeap(yPred) as Float32Array;
      let sum = 0;
      for (let r = 0, at = 0; r < rows; r++, at += classes) {
        const yAt = y.offset(r, at);
        sum = f32(sum + (yAt < 0 ? Number.NaN : rowLoss(y.values, yAt, p, at, classes)));
      }
      (backend.typedArrayFromHeap(out) as Float32Array)[0] = f32(sum / f32(rows));
      return out;
    }) as KernelFunc,
  };
}

/**
 * A batch-mean kernel's gradient: every row's `dy` is `dy / rows` (float32 division, as `MEAN_GRAD`
 * writes it), then each row's gradient as {@link probabilitiesCrossentropyGradConfig}'s; zeros for a
 * row without targets. Inputs: `dy` (a scalar), `yPred` and the targets `targetsOf` reads.
 */
function meanGradConfig(kernelName: string, targetsOf: TargetsOf): KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend: b }) => {
      const backend = b as WasmBackendLike;
      const yPred = inputs.yPred as TensorInfo;
      const [rows, classes] = rowsAndClasses(yPred.shape);
      const out = backend.makeOutput(yPred.shape, 'float32'); // [rows, classes]
      if (rows * classes === 0) return out;
      const minusDy = -f32(
        (backend.typedArrayFromHeap(inputs.dy as TensorInfo) as Float32Array)[0] / f32(rows),
      );
      const y = targetsOf(backend, inputs, classes);
      const p = backend.typedArrayFromHeap(yPred) as Float32Array;
      const dp = backend.typedArrayFromHeap(out) as Float32Array;
      for (let r = 0, at = 0; r < rows; r++, at += classes) {
        const yAt = y.offset(r, at);
        if (yAt < 0) dp.fill(0, at, at + classes);
        else rowGradient(minusDy, y.values, yAt, p, dp, at, classes);
      }
      return out;
    }) as KernelFunc,
  };
}

/**
 * Core's {@link PROBABILITIES_CROSSENTROPY_MEAN} on WASM: the bits of the per-row kernel followed by
 * `Mean` (and of a `Cast` before it, for int32 targets), in one call.
 */
export const probabilitiesCrossentropyMeanConfig = meanConfig(PROBABILITIES_CROSSENTROPY_MEAN, denseTargets);

/**
 * Core's {@link PROBABILITIES_CROSSENTROPY_MEAN_GRAD} on WASM: the bits of `MEAN_GRAD` followed by the
 * per-row gradient kernel, in one call.
 */
export const probabilitiesCrossentropyMeanGradConfig = meanGradConfig(
  PROBABILITIES_CROSSENTROPY_MEAN_GRAD,
  denseTargets,
);

/**
 * Core's {@link SPARSE_CROSSENTROPY_MEAN} on WASM: the dense mean kernel's arithmetic on one-hot rows
 * (the same bits), NaN for an id outside `[0, classes)`.
 */
export const sparseCrossentropyMeanConfig = meanConfig(SPARSE_CROSSENTROPY_MEAN, sparseTargets);

/**
 * Core's {@link SPARSE_CROSSENTROPY_MEAN_GRAD} on WASM: the dense mean gradient's arithmetic on one-hot
 * rows (the same bits), zeros for an id outside `[0, classes)`.
 */
export const sparseCrossentropyMeanGradConfig = meanGradConfig(SPARSE_CROSSENTROPY_MEAN_GRAD, sparseTargets);
