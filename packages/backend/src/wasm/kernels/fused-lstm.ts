/**
 * The fused LSTM on WASM ({@link FUSED_LSTM} and {@link FUSED_LSTM_GRAD} of @tensorfold/core): one
 * tfjs kernel runs the whole sequence, a JavaScript loop over the time steps that calls, on the
 * WASM heap and with no tfjs dispatch per step, the SIMD matrix product of kernels.wat (the
 * recurrent product of all four gates) and the step kernels of recurrent.wat (gates, cell, state,
 * and their gradients).
 *
 * Padding: the SIMD product needs rows % 4 and columns % 8, so the loop works on a copy whose units
 * are padded to `Up` (a multiple of 4) and batch to `Bp` (a multiple of 8), with zeros. Zero
 * projection, zero starting state and zero kernel rows keep every padded unit and sample at zero
 * through the forward and backward passes, so they add nothing to the gradients.
 *
 * The reserve (the forward's second output, read by the backward) holds, in floats:
 * `kernel [Up, 4Up] | mask [T, Up, Bp] (if masked) | gates [T, 4Up, Bp] | h [T + 1, Up, Bp] |
 * c [T + 1, Up, Bp] | tanh(c) [T, Up, Bp]`, where `h[t]`, `c[t]` are the states before step t.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError, FUSED_LSTM, FUSED_LSTM_GRAD, type FusedLstmAttrs } from '@tensorfold/core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { type RecurrentKernels, recurrentKernels } from '../simd/recurrent-kernels.js';
import { type SimdKernels, simdKernels } from '../simd/simd-kernels.js';
import { scalarMatMul, scalarRecurrentKernels } from './fused-lstm-scalar.js';

/** Steps whose kernel gradients the backward pass sums in one call (their h and dz stay in the cache). */
const CHUNK = 8;

/** Sizes of one fused LSTM. */
interface Dims {
  steps: number;
  units: number;
  batch: number;
  /** Units padded to a multiple of 4. */
  up: number;
  /** Batch padded to a multiple of 8. */
  bp: number;
  /** Floats of one padded state block, `up × bp`. */
  block: number;
}

function dims(steps: number, units: number, batch: number): Dims {
  const up = Math.ceil(units / 4) * 4;
  const bp = Math.ceil(batch / 8) * 8;
  return { steps, units, batch, up, bp, block: up * bp };
}

/** Float offsets of the reserve's parts (see the module doc), and its length. */
function reserveLayout(d: Dims, masked: boolean) {
  const kernel = 0;
  const mask = kernel + 4 * d.up * d.up;
  const gates = mask + (masked ? d.steps * d.block : 0);
  const h = gates + 4 * d.steps * d.block;
  const c = h + (d.steps + 1) * d.block;
  const tc = c + (d.steps + 1) * d.block;
  return { kernel, mask, gates, h, c, tc, length: tc + d.steps * d.block };
}

/** The kernels to run: the SIMD ones, or their scalar JavaScript equivalents where SIMD cannot run. */
function kernelsOf(backend: WasmBackendLike): {
  step: RecurrentKernels;
  matMul: SimdKernels['matMul'];
} {
  const step = recurrentKernels(backend);
  const simd = simdKernels(backend);
  if (step != null && simd != null) return { step, matMul: simd.matMul };
  const heap = () => heapOf(backend);
  return { step: scalarRecurrentKernels(heap), matMul: scalarMatMul(heap) };
}

/**
 * Copies `rows` rows of `cols` floats, from rows `srcStride` apart at `src` to rows `dstStride`
 * apart at `dst` (float offsets into `heap`): one move when both are contiguous.
 */
function copyRows(
  heap: Float32Array,
  src: number,
  srcStride: number,
  dst: number,
  dstStride: number,
  rows: number,
  cols: number,
): void {
  if (srcStride === cols && dstStride === cols) {
    heap.copyWithin(dst, src, src + rows * cols);
    return;
  }
  for (let r = 0; r < rows; r++)
    heap.copyWithin(dst + r * dstStride, src + r * srcStride, src + r * srcStride + cols);
}

/**
 * Copies a `[n, 4U, B]` gates tensor to or from its padded `[n, 4Up, Bp]` form (`toPadded`), gate
 * block by gate block. The padded side's pads are left as they are.
 */
function copyGates(
  heap: Float32Array,
  plain: number,
  padded: number,
  n: number,
  d: Dims,
  toPadded: boolean,
): void {
  for (let s = 0; s < n * 4; s++) {
    const p = plain + s * d.units * d.batch;
    const q = padded + s * d.up * d.bp;
    if (toPadded) copyRows(heap, p, d.batch, q, d.bp, d.units, d.batch);
    else copyRows(heap, q, d.bp, p, d.batch, d.units, d.batch);
  }
}

/** A float view of the whole WASM heap (take it after the last allocation: an allocation may move the heap). */
function heapOf(backend: WasmBackendLike): Float32Array {
  const memory = backend.wasm?.asm?.memory;
  if (memory == null) {
    throw new BackendError(
      'The fused LSTM needs the memory of tfjs-backend-wasm, which this build does not export. ' +
        'Use the @tensorflow/tfjs-backend-wasm version that @tensorfold/backend declares (see its package.json).',
    );
  }
  return new Float32Array(memory.buffer);
}

/** Float offset of a tensor on the heap. */
function at(backend: WasmBackendLike, info: TensorInfo): number {
  return backend.typedArrayFromHeap(info).byteOffset >> 2;
}

const fusedLstm: KernelFunc = ({ inputs, attrs, backend: kernelBackend }) => {
  const backend = kernelBackend as WasmBackendLike;
  const { projection, kernel, h0, c0, mask } = inputs as Record<string, TensorInfo | undefined>;
  const { masked } = attrs as unknown as FusedLstmAttrs;
  const [steps, , batch] = (projection as TensorInfo).shape;
  const units = (kernel as TensorInfo).shape[0];
  const d = dims(steps, units, batch);
  const layout = reserveLayout(d, masked && mask != null);
  const scope = new KernelScope(backend);
  const packed = backend.makeOutput([steps + 1, units, batch], 'float32');
  const reserve = backend.makeOutput([layout.length], 'float32');
  try {
    const kernelT = scope.allocate([4 * d.up * d.up]); // [4Up, Up]
    const x = scope.allocate([steps * 4 * d.block]); // [T, 4Up, Bp]
    const { step, matMul } = kernelsOf(backend);
    // Views after the last allocation: an allocation may move the heap.
    const heap = heapOf(backend);
    const r = at(backend, reserve);
    const kt = at(backend, kernelT);
    const xp = at(backend, x);
    const k = at(backend, kernel as TensorInfo);
    heap.fill(0, r, r + layout.gates); // padded kernel and mask
    heap.fill(0, r + layout.h, r + layout.h + d.block); // h0
    heap.fill(0, r + layout.c, r + layout.c + d.block); // c0
    heap.fill(0, kt, kt + 4 * d.up * d.up);
    heap.fill(0, xp, xp + steps * 4 * d.block);
    // kernel [U, 4U] → padded [Up, 4Up] (for the backward) and its transpose [4Up, Up].
    for (let u = 0; u < units; u++) {
      for (let gate = 0; gate < 4; gate++) {
        for (let v = 0; v < units; v++) {
          const value = heap[k + u * 4 * units + gate * units + v] as number;
          heap[r + layout.kernel + u * 4 * d.up + gate * d.up + v] = value;
          heap[kt + (gate * d.up + v) * d.up + u] = value;
        }
      }
    }
    copyGates(heap, at(backend, projection as TensorInfo), xp, steps, d, true);
    copyRows(heap, at(backend, h0 as TensorInfo), batch, r + layout.h, d.bp, units, batch);
    copyRows(heap, at(backend, c0 as TensorInfo), batch, r + layout.c, d.bp, units, batch);
    if (masked && mask != null) {
      copyRows(heap, at(backend, mask), batch, r + layout.mask, d.bp, steps * units, batch);
      // The padded rows of every step: copyRows wrote the steps' rows back to back, so spread them.
      if (d.up !== units) {
        for (let t = steps - 1; t >= 0; t--) {
          const from = r + layout.mask + t * units * d.bp;
          const to = r + layout.mask + t * d.block;
          heap.copyWithin(to, from, from + units * d.bp);
          heap.fill(0, to + units * d.bp, to + d.block);
        }
      }
    }
    const bytes = (floats: number) => floats * 4;
    for (let t = 0; t < steps; t++) {
      const gates = r + layout.gates + t * 4 * d.block;
      const hPrev = r + layout.h + t * d.block;
      const cPrev = r + layout.c + t * d.block;
      matMul(bytes(kt), bytes(hPrev), bytes(gates), 4 * d.up, d.up, d.bp);
      step.lstmForward(
        bytes(gates),
        bytes(xp + t * 4 * d.block),
        bytes(cPrev),
        bytes(hPrev),
        masked && mask != null ? bytes(r + layout.mask + t * d.block) : 0,
        bytes(cPrev + d.block),
        bytes(hPrev + d.block),
        bytes(r + layout.tc + t * d.block),
        d.block,
      );
    }
    const out = at(backend, packed);
    for (let t = 0; t < steps; t++) {
      copyRows(heap, r + layout.h + (t + 1) * d.block, d.bp, out + t * units * batch, batch, units, batch);
    }
    copyRows(heap, r + layout.c + steps * d.block, d.bp, out + steps * units * batch, batch, units, batch);
    return [packed, reserve];
  } catch (error) {
    backend.disposeData(packed.dataId);
    backend.disposeData(reserve.dataId);
    throw error;
  } finally {
    scope.dispose();
  }
};

const fusedLstmGrad: KernelFunc = ({ inputs, attrs, backend: kernelBackend }) => {
  const backend = kernelBackend as WasmBackendLike;
  const { dy, reserve } = inputs as Record<string, TensorInfo>;
  const { allOutputsUsed, masked } = attrs as unknown as FusedLstmAttrs;
  const [stepsPlusOne, units, batch] = (dy as TensorInfo).shape;
  const steps = stepsPlusOne - 1;
  const d = dims(steps, units, batch);
  const layout = reserveLayout(d, masked);
  const scope = new KernelScope(backend);
  const outputs = [
    backend.makeOutput([steps, 4 * units, batch], 'float32'),
    backend.makeOutput([units, 4 * units], 'float32'),
    backend.makeOutput([units, batch], 'float32'),
    backend.makeOutput([units, batch], 'float32'),
  ] as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  try {
    const dz = scope.allocate([steps * 4 * d.block]); // [T, 4Up, Bp]
    const dyPadded = scope.allocate([(steps + 1) * d.block]); // [T + 1, Up, Bp]
    const carry = scope.allocate([3 * d.block]); // dhNext, dhRec, dcNext
    const dKernel = scope.allocate([4 * d.up * d.up]); // [Up, 4Up]
    const { step, matMul } = kernelsOf(backend);
    const heap = heapOf(backend);
    const r = at(backend, reserve as TensorInfo);
    const dzp = at(backend, dz);
    const dyp = at(backend, dyPadded);
    const dhNext = at(backend, carry);
    const dhRec = dhNext + d.block;
    const dcNext = dhRec + d.block;
    const dyIn = at(backend, dy as TensorInfo);
    heap.fill(0, dyp, dyp + (steps + 1) * d.block);
    heap.fill(0, dhNext, dhNext + 3 * d.block);
    const dk = at(backend, dKernel);
    heap.fill(0, dk, dk + 4 * d.up * d.up);
    for (let t = allOutputsUsed ? 0 : steps - 1; t <= steps; t++) {
      copyRows(heap, dyIn + t * units * batch, batch, dyp + t * d.block, d.bp, units, batch);
    }
    heap.copyWithin(dcNext, dyp + steps * d.block, dyp + (steps + 1) * d.block);
    const bytes = (floats: number) => floats * 4;
    for (let t = steps - 1; t >= 0; t--) {
      const dzt = dzp + t * 4 * d.block;
      step.lstmBackward(
        bytes(r + layout.gates + t * 4 * d.block),
        bytes(r + layout.tc + t * d.block),
        bytes(r + layout.c + t * d.block),
        allOutputsUsed || t === steps - 1 ? bytes(dyp + t * d.block) : 0,
        masked ? bytes(r + layout.mask + t * d.block) : 0,
        bytes(dhNext),
        bytes(dhRec),
        bytes(dcNext),
        bytes(dzt),
        d.block,
      );
      matMul(bytes(r + layout.kernel), bytes(dzt), bytes(dhRec), d.up, 4 * d.up, d.bp);
      // dKernel += Σ h_s dz_sᵀ over the steps s from t up to the last one added, every CHUNK steps
      // (while they are in the cache; fewer sums across lanes than one step at a time).
      if (t % CHUNK === 0) {
        const chunk = Math.min(CHUNK, steps - t);
        step.matMulTransposedAdd(
          bytes(r + layout.h + t * d.block),
          bytes(dzt),
          bytes(dk),
          d.up,
          d.bp,
          4 * d.up,
          chunk,
          bytes(d.block),
          bytes(4 * d.block),
        );
      }
    }
    const [dProjection, dKernelOut, dh0, dc0] = outputs;
    copyGates(heap, at(backend, dProjection), dzp, steps, d, false);
    const dko = at(backend, dKernelOut);
    for (let u = 0; u < units; u++) {
      for (let gate = 0; gate < 4; gate++) {
        heap.copyWithin(
          dko + u * 4 * units + gate * units,
          dk + u * 4 * d.up + gate * d.up,
          dk + u * 4 * d.up + gate * d.up + units,
        );
      }
    }
    const dh = at(backend, dh0);
    for (let u = 0; u < units; u++) {
      for (let b = 0; b < batch; b++) {
        heap[dh + u * batch + b] =
          (heap[dhNext + u * d.bp + b] as number) + (heap[dhRec + u * d.bp + b] as number);
      }
    }
    copyRows(heap, dcNext, d.bp, at(backend, dc0), batch, units, batch);
    return outputs;
  } catch (error) {
    for (const info of outputs) backend.disposeData(info.dataId);
    throw error;
  } finally {
    scope.dispose();
  }
};

/** The fused LSTM's forward (see the module doc). */
export const fusedLstmConfig: KernelConfig = {
  kernelName: FUSED_LSTM,
  backendName: 'wasm',
  kernelFunc: fusedLstm,
};

/** The fused LSTM's backward pass through time. */
export const fusedLstmGradConfig: KernelConfig = {
  kernelName: FUSED_LSTM_GRAD,
  backendName: 'wasm',
  kernelFunc: fusedLstmGrad,
};
