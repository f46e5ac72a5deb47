/**
 * The one driver of the fused recurrences on WASM: a cell (fused-lstm.ts, fused-simple-rnn.ts,
 * fused-gru.ts, fused-gru-reset-before.ts) gives its layout and its step functions, and
 * {@link fusedRecurrenceConfigs} makes its two tfjs kernels: the forward over the whole sequence,
 * input projection included, and the backward pass through time. Each is a JavaScript loop over
 * the time steps that calls, on the WASM heap and with no tfjs dispatch per step, the SIMD matrix
 * product of kernels.wat and the cell's step kernels (recurrent.wat, gru-reset-before.wat).
 *
 * Each step is one product of all the weights with the stacked `[h; x; 1]` (cuDNN's form: the
 * recurrent kernel, the input kernel and the bias side by side, `[width, U + F + 1]`), then the
 * cell's step; backward, the cell's step writes the pre-activations' gradient `dp`, one product
 * `[U; W] dp` gives the state's and the input's gradients, and the weights' gradients are the sums
 * `Σ [h; x; 1] dpᵀ`, added every {@link CHUNK} steps. Layout: every step is features × batch
 * (`[rows, B]`), as the layers' recurrences. A cell may add rows to each step's `[h; x; 1]` (the
 * reset-before GRU keeps `r ⊙ h` there, so that its weight gradient comes out of the same sums).
 *
 * Padding: the SIMD product needs columns % 8 and rows % 4, so the batch is padded to `Bp` (a
 * multiple of 8), the pre-activations to `width` rows (a multiple of 4) and the backward's `[U; W]`
 * to a multiple of 4 rows, all with zeros; zero inputs, zero starting states and a zero "1" row
 * there keep every padded sample at zero through both passes, so they add nothing to the gradients.
 * The weight gradient sums a multiple of 4 rows of the stack (the extra rows read the next step's,
 * always there, and are dropped).
 *
 * Recurrent dropout (an input `recurrentMask` `[U, B]`, see FUSED_RECURRENT_DROPOUT of
 * @tensorfold/core): the stack's h rows then hold `h ⊙ m`, what the products read, and the states
 * themselves (what the cells carry and the outputs copy) lie apart; backward, the state's gradient
 * from the products is multiplied by m.
 *
 * The reserve (the forward's second output, read by the backward) holds, in floats:
 * `[U; W] [R, width] | mask [T, U, Bp] (if masked) | pre-activations [T, width, Bp] |
 * stack [T + 1, rows, Bp] | the cell's own part | with recurrent dropout, m [U, Bp] and the states
 * [T + 1, U, Bp]`, with `E = U + F + 1`, `R` = U + F rounded up to a multiple of 4, `rows` = E and
 * the cell's added rows, and block t of the stack holding the state before step t.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError, FUSED_RECURRENT_DROPOUT, type FusedRecurrenceAttrs } from '@tensorfold/core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import {
  at,
  CHUNK,
  copyRows,
  type Dims,
  dims,
  type FusedKernels,
  heapOf,
  kernelsOf,
  splitWeightGradients,
  stackInputs,
  stackWeights,
} from './fused-recurrence-heap.js';

/** Byte offset of a float offset. */
export const bytes = (floats: number) => floats * 4;

/** What a cell's functions see: the kernels, the heap, the sizes, and where things lie (float offsets). */
export interface FusedRun {
  kernels: FusedKernels;
  heap: Float32Array;
  d: Dims;
  /** Rows of a step's pre-activations. */
  width: number;
  /** Floats of one block of the stack, `rows × Bp`. */
  stride: number;
  /** The backward's weights `[U; W]`, `[R, width]`. */
  weights: number;
  /** The mask `[T, U, Bp]`, or -1 where unmasked. */
  mask: number;
  /** The pre-activations `[T, width, Bp]` (the cell's step leaves there what its backward reads). */
  gates: number;
  /** The stack `[T + 1, rows, Bp]`. */
  hx: number;
  /** The reserve's part that belongs to the cell ({@link FusedCell.ownReserve} floats). */
  own: number;
  /** The cell's scratch ({@link FusedCell.scratch} floats), or -1. */
  scratch: number;
  /** The recurrent dropout mask `[U, Bp]`, or -1 where none. */
  drop: number;
  /** With recurrent dropout, the states `[T + 1, U, Bp]` (the stack's h rows are then masked), or -1. */
  states: number;
}

/** Float offset of step `t`'s pre-activations. */
export const gatesAt = (run: FusedRun, t: number) => run.gates + t * run.width * run.d.bp;
/** Float offset of block `t` of the stack (the state before step t, then x, 1 and the added rows). */
export const stackAt = (run: FusedRun, t: number) => run.hx + t * run.stride;
/** Byte offset of step `t`'s mask, or 0 where unmasked (the step kernels' "none"). */
export const maskAt = (run: FusedRun, t: number) => (run.mask < 0 ? 0 : bytes(run.mask + t * run.d.block));
/**
 * Float offset of the state before step `t` `[U, Bp]`, as the cell carries it: the stack's h rows,
 * or with recurrent dropout (where those hold `h ⊙ m`) the states apart.
 */
export const stateAt = (run: FusedRun, t: number) =>
  run.states < 0 ? stackAt(run, t) : run.states + t * run.d.block;
/** Byte offset of the recurrent dropout mask, or 0 where none. */
export const dropAt = (run: FusedRun) => (run.drop < 0 ? 0 : bytes(run.drop));

/** Byte offsets a cell's backward step reads and writes; `dy` is 0 where the step's output has no gradient. */
export interface BackwardStep {
  /** Where the step's pre-activation gradient goes, `[width, Bp]`. */
  dp: number;
  /** The gradient of the step's output `[U, Bp]`, or 0. */
  dy: number;
  /** The part of the state's gradient that does not go through `[U; W] dp` `[U, Bp]`: read, then rewritten. */
  dhNext: number;
  /** `U dp` of the step after (zero at the last) `[U, Bp]`. */
  dhRec: number;
  /** The cell state's gradient `[U, Bp]` (cells with one): read, then rewritten for the step before. */
  dcNext: number;
}

/** A recurrent cell for the driver: its kernels' names, its layout and its step functions. */
export interface FusedCell {
  /** The forward kernel's name (@tensorfold/core's fused-recurrence.ts). */
  forward: string;
  /** The backward kernel's name. */
  backward: string;
  /** Weight columns per unit: the kernel is `[F, gates × U]`. */
  gates: number;
  /**
   * Whether it carries a cell state c besides h (the LSTM): an input `c0`, `c_T` after the outputs
   * `h`, its gradient after theirs, and the output `dc0`; its own reserve starts with c `[T + 1, U, Bp]`.
   */
  cellState?: boolean;
  /** Rows of a step's pre-activations (a multiple of 4). */
  width(units: number): number;
  /**
   * Rows of `dp` that {@link FusedCell.backwardStep} writes (the rest of `width`, padding, is kept
   * zero by the driver). Default `width`.
   */
  writtenRows?(units: number): number;
  /** Rows the cell adds after each step's `[h; x; 1]` in the stack. Default none. */
  extraRows?(units: number): number;
  /** Floats of the reserve's part of its own. Default none. */
  ownReserve?(d: Dims): number;
  /** Floats of scratch, in both passes. Default none. */
  scratch?(d: Dims): number;
  /** The bias's shape. */
  biasShape(units: number): number[];
  /**
   * Writes `[U; W; b]` in the form of `width` columns to `to` (`[E, width]`) from the inputs'
   * `[recurrentKernel, kernel, bias]` (bias -1: none). Without it the inputs are used as they are
   * (their width is `width`).
   */
  spread?(heap: Float32Array, d: Dims, width: number, sources: [number, number, number], to: number): void;
  /** Anything else the forward needs before the first step, from the same inputs. */
  prepare?(run: FusedRun, sources: [number, number, number]): void;
  /**
   * Step t, forward, after the product has put the pre-activations at {@link gatesAt}: writes the
   * new state to block t + 1 of the stack (and whatever its backward reads).
   */
  forwardStep(run: FusedRun, t: number): void;
  /** Step t, backward (see {@link BackwardStep}). */
  backwardStep(run: FusedRun, t: number, at: BackwardStep): void;
  /**
   * Gathers the weights' gradient `[G, width]` at `dw` into the outputs' `[dRecurrentKernel,
   * dKernel, dBias]`. Default: rows U, F and 1 as they are.
   */
  gather?(run: FusedRun, dw: number, outputs: [number, number, number]): void;
}

/** What the forward got besides its required inputs. */
interface Options {
  masked: boolean;
  dropped: boolean;
}

/** Float offsets of the reserve's parts (see the module doc), relative to its start, and its length. */
function reserveLayout(cell: FusedCell, d: Dims, width: number, { masked, dropped }: Options) {
  const weights = 0;
  const mask = weights + d.r * width;
  const gates = mask + (masked ? d.steps * d.block : 0);
  const hx = gates + d.steps * width * d.bp;
  const own = hx + (d.steps + 1) * d.rows * d.bp;
  const drop = own + (cell.ownReserve?.(d) ?? 0);
  const states = drop + d.block;
  return {
    weights,
    mask,
    gates,
    hx,
    own,
    drop,
    states,
    length: dropped ? states + (d.steps + 1) * d.block : drop,
  };
}

/** `heap[to + i] = heap[from + i] · heap[by + i]` for `i < n` (float offsets; `to` may be `from`). */
function multiply(heap: Float32Array, from: number, by: number, to: number, n: number): void {
  for (let i = 0; i < n; i++) heap[to + i] = (heap[from + i] as number) * (heap[by + i] as number);
}

/** The sizes, layout and view of one run of `cell` on `reserve`. */
function runOf(
  cell: FusedCell,
  backend: WasmBackendLike,
  d: Dims,
  options: Options,
  reserve: TensorInfo,
  scratch: TensorInfo | null,
): FusedRun {
  const width = cell.width(d.units);
  const layout = reserveLayout(cell, d, width, options);
  const r = at(backend, reserve);
  return {
    kernels: kernelsOf(backend),
    heap: heapOf(backend),
    d,
    width,
    stride: d.rows * d.bp,
    weights: r + layout.weights,
    mask: options.masked ? r + layout.mask : -1,
    gates: r + layout.gates,
    hx: r + layout.hx,
    own: r + layout.own,
    scratch: scratch ? at(backend, scratch) : -1,
    drop: options.dropped ? r + layout.drop : -1,
    states: options.dropped ? r + layout.states : -1,
  };
}

function forwardKernel(cell: FusedCell): KernelFunc {
  return ({ inputs, attrs, backend: kernelBackend }) => {
    const backend = kernelBackend as WasmBackendLike;
    const { x, kernel, recurrentKernel, bias, h0, c0, mask, recurrentMask } = inputs as Record<
      string,
      TensorInfo | undefined
    >;
    const named = attrs as unknown as FusedRecurrenceAttrs;
    const options = {
      masked: named.masked && mask != null,
      dropped: named.recurrentMasked === true && recurrentMask != null,
    };
    const [steps, features, batch] = (x as TensorInfo).shape as [number, number, number];
    const units = (recurrentKernel as TensorInfo).shape[0] as number;
    const d = dims(steps, units, features, batch, cell.extraRows?.(units) ?? 0);
    const width = cell.width(units);
    const scope = new KernelScope(backend);
    const output = backend.makeOutput([steps + (cell.cellState ? 1 : 0), units, batch], 'float32');
    const reserve = backend.makeOutput([reserveLayout(cell, d, width, options).length], 'float32');
    try {
      const forwardWeights = scope.allocate([width * d.e]); // [width, E]: [Uᵀ | Wᵀ | b]
      const spread = cell.spread ? scope.allocate([d.e * width]) : null; // [U; W; b] [E, width]
      const scratch = cell.scratch ? scope.allocate([cell.scratch(d)]) : null;
      // Views after the last allocation: an allocation may move the heap.
      const run = runOf(cell, backend, d, options, reserve, scratch);
      const { heap } = run;
      const { matMul } = run.kernels;
      const fw = at(backend, forwardWeights);
      const sources = [recurrentKernel, kernel, bias].map((t) => (t ? at(backend, t) : -1)) as [
        number,
        number,
        number,
      ];
      let parts = sources;
      if (cell.spread && spread) {
        const to = at(backend, spread);
        cell.spread(heap, d, width, sources, to);
        parts = [to, to + units * width, to + (units + features) * width];
      }
      stackWeights(heap, d, width, parts, run.weights, fw);
      cell.prepare?.(run, sources);
      stackInputs(heap, d, at(backend, x as TensorInfo), at(backend, h0 as TensorInfo), run.hx);
      if (cell.cellState) {
        if (d.bp !== batch) heap.fill(0, run.own, run.own + d.block);
        copyRows(heap, at(backend, c0 as TensorInfo), batch, run.own, d.bp, units, batch);
      }
      if (options.masked) {
        if (d.bp !== batch) heap.fill(0, run.mask, run.mask + steps * d.block);
        copyRows(heap, at(backend, mask as TensorInfo), batch, run.mask, d.bp, steps * units, batch);
      }
      if (options.dropped) {
        if (d.bp !== batch) heap.fill(0, run.drop, run.drop + d.block);
        copyRows(heap, at(backend, recurrentMask as TensorInfo), batch, run.drop, d.bp, units, batch);
        heap.copyWithin(run.states, run.hx, run.hx + d.block);
        multiply(heap, run.hx, run.drop, run.hx, d.block);
      }
      for (let t = 0; t < steps; t++) {
        matMul(bytes(fw), bytes(stackAt(run, t)), bytes(gatesAt(run, t)), width, d.e, d.bp);
        cell.forwardStep(run, t);
        // The next product reads h ⊙ m.
        if (options.dropped) multiply(heap, stateAt(run, t + 1), run.drop, stackAt(run, t + 1), d.block);
      }
      const out = at(backend, output);
      for (let t = 0; t < steps; t++) {
        copyRows(heap, stateAt(run, t + 1), d.bp, out + t * units * batch, batch, units, batch);
      }
      if (cell.cellState) {
        const cLast = run.own + steps * d.block;
        copyRows(heap, cLast, d.bp, out + steps * units * batch, batch, units, batch);
      }
      return [output, reserve];
    } catch (error) {
      backend.disposeData(output.dataId);
      backend.disposeData(reserve.dataId);
      throw error;
    } finally {
      scope.dispose();
    }
  };
}

function backwardKernel(cell: FusedCell): KernelFunc {
  return ({ inputs, attrs, backend: kernelBackend }) => {
    const backend = kernelBackend as WasmBackendLike;
    const { dy, reserve } = inputs as Record<string, TensorInfo>;
    const { allOutputsUsed, masked, features, recurrentMasked } = attrs as unknown as FusedRecurrenceAttrs;
    const options = { masked, dropped: recurrentMasked === true };
    const [outputSteps, units, batch] = (dy as TensorInfo).shape as [number, number, number];
    const steps = outputSteps - (cell.cellState ? 1 : 0);
    const d = dims(steps, units, features, batch, cell.extraRows?.(units) ?? 0);
    const width = cell.width(units);
    const scope = new KernelScope(backend);
    const outputs = [
      backend.makeOutput([steps, features, batch], 'float32'),
      backend.makeOutput([features, cell.gates * units], 'float32'),
      backend.makeOutput([units, cell.gates * units], 'float32'),
      backend.makeOutput(cell.biasShape(units), 'float32'),
      backend.makeOutput([units, batch], 'float32'),
      ...(cell.cellState ? [backend.makeOutput([units, batch], 'float32')] : []),
    ];
    try {
      const dp = scope.allocate([steps * width * d.bp]); // [T, width, Bp]
      const dyPadded = scope.allocate([outputSteps * d.block]); // [T (+ 1), U, Bp]
      const carry = scope.allocate([2 * d.block + d.r * d.bp]); // dhNext, dcNext [U, Bp]; [dh; dx] [R, Bp]
      const dWeights = scope.allocate([d.g * width]); // [G, width]: [dU; dW; db; added rows]
      const scratch = cell.scratch ? scope.allocate([cell.scratch(d)]) : null;
      const run = runOf(cell, backend, d, options, reserve as TensorInfo, scratch);
      const { heap } = run;
      const { step, matMul } = run.kernels;
      const [dx, dKernel, dRecurrentKernel, dBias, dh0, dc0] = outputs as [
        TensorInfo,
        TensorInfo,
        TensorInfo,
        TensorInfo,
        TensorInfo,
        TensorInfo?,
      ];
      const dpp = at(backend, dp);
      // The rows past the gates' (padding) stay zero: [U; W] dp and the weight gradient read them.
      const written = (cell.writtenRows?.(units) ?? width) * d.bp;
      for (let t = 0; t < steps; t++)
        heap.fill(0, dpp + t * width * d.bp + written, dpp + (t + 1) * width * d.bp);
      const dyp = at(backend, dyPadded);
      if (d.bp !== batch) heap.fill(0, dyp, dyp + outputSteps * d.block);
      copyRows(heap, at(backend, dy as TensorInfo), batch, dyp, d.bp, outputSteps * units, batch);
      const dhNext = at(backend, carry);
      const dcNext = dhNext + d.block;
      const dhRec = dcNext + d.block;
      heap.fill(0, dhNext, dhRec + d.r * d.bp);
      if (cell.cellState) heap.copyWithin(dcNext, dyp + steps * d.block, dyp + (steps + 1) * d.block);
      const dw = at(backend, dWeights);
      heap.fill(0, dw, dw + d.g * width);
      const dxOut = at(backend, dx);
      for (let t = steps - 1; t >= 0; t--) {
        const dpt = dpp + t * width * d.bp;
        cell.backwardStep(run, t, {
          dp: bytes(dpt),
          dy: allOutputsUsed || t === steps - 1 ? bytes(dyp + t * d.block) : 0,
          dhNext: bytes(dhNext),
          dhRec: bytes(dhRec),
          dcNext: bytes(dcNext),
        });
        // [dh; dx] = [U; W] dp: the previous state's gradient (rows of U) and this step's input's.
        matMul(bytes(run.weights), bytes(dpt), bytes(dhRec), d.r, width, d.bp);
        if (options.dropped) multiply(heap, dhRec, run.drop, dhRec, d.block); // the products read h ⊙ m
        copyRows(heap, dhRec + units * d.bp, d.bp, dxOut + t * features * batch, batch, features, batch);
        // [dU; dW; db] += Σ [h; x; 1]_s dp_sᵀ over the steps s from t up to the last ones added, every
        // CHUNK steps (while they are in the cache; fewer sums across lanes than one step at a time).
        if (t % CHUNK === 0) {
          step.matMulTransposedAdd(
            bytes(stackAt(run, t)),
            bytes(dpt),
            bytes(dw),
            d.g,
            d.bp,
            width,
            Math.min(CHUNK, steps - t),
            bytes(run.stride),
            bytes(width * d.bp),
          );
        }
      }
      const gradients = [dRecurrentKernel, dKernel, dBias].map((t) => at(backend, t)) as [
        number,
        number,
        number,
      ];
      if (cell.gather) cell.gather(run, dw, gradients);
      else splitWeightGradients(heap, d, width, dw, gradients);
      const dh = at(backend, dh0);
      for (let u = 0; u < units; u++) {
        for (let b = 0; b < batch; b++) {
          heap[dh + u * batch + b] =
            (heap[dhNext + u * d.bp + b] as number) + (heap[dhRec + u * d.bp + b] as number);
        }
      }
      if (dc0) copyRows(heap, dcNext, d.bp, at(backend, dc0), batch, units, batch);
      return outputs;
    } catch (error) {
      for (const info of outputs) backend.disposeData(info.dataId);
      throw error;
    } finally {
      scope.dispose();
    }
  };
}

/**
 * The marker that says the fused recurrences on WASM take recurrent dropout (see
 * FUSED_RECURRENT_DROPOUT of @tensorfold/core): registered, never run.
 */
export const fusedRecurrentDropoutConfig: KernelConfig = {
  kernelName: FUSED_RECURRENT_DROPOUT,
  backendName: 'wasm',
  kernelFunc: () => {
    throw new BackendError(
      `${FUSED_RECURRENT_DROPOUT} only marks that the fused recurrent kernels take a recurrentMask: run those instead.`,
    );
  },
};

/** The forward and backward kernel configs of `cell` on WASM. */
export function fusedRecurrenceConfigs(cell: FusedCell): [KernelConfig, KernelConfig] {
  return [
    { kernelName: cell.forward, backendName: 'wasm', kernelFunc: forwardKernel(cell) },
    { kernelName: cell.backward, backendName: 'wasm', kernelFunc: backwardKernel(cell) },
  ];
}
