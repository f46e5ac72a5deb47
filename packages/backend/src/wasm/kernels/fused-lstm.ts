/**
 * The fused LSTM on WASM ({@link FUSED_LSTM} and {@link FUSED_LSTM_GRAD} of @tensorfold/core): one
 * tfjs kernel runs the whole sequence, input projection included, and one its backward pass through
 * time: a JavaScript loop over the time steps that calls, on the WASM heap and with no tfjs dispatch
 * per step, the SIMD matrix product of kernels.wat and the step kernels of recurrent.wat.
 *
 * Each step is one product of all the weights with the stacked `[h; x; 1]` (cuDNN's form: the
 * recurrent kernel, the input kernel and the bias side by side, `[4U, U + F + 1]`), then the gates,
 * cell and state; backward, one product `[U; W] dz` gives the state's and the input's gradients, and
 * the weights' gradients are the sums `Σ [h; x; 1] dzᵀ`, added every few steps. Layout: every step
 * is features × batch (`[rows, B]`), as the layers' recurrences.
 *
 * Padding: the SIMD product needs columns % 8 and rows % 4, so the batch is padded to `Bp` (a
 * multiple of 8) and the backward's product runs with `[U; W]` padded to a multiple of 4 rows, all
 * with zeros; zero inputs, zero starting states and a zero "1" row there keep every padded sample at
 * zero through both passes, so they add nothing to the gradients. The weight gradient sums a
 * multiple of 4 rows of `[h; x; 1]` (the extra rows read the next step's, always there, and are
 * dropped).
 *
 * The reserve (the forward's second output, read by the backward) holds, in floats:
 * `[U; W] [R, 4U] | mask [T, U, Bp] (if masked) | gates [T, 4U, Bp] | [h; x; 1] [T + 1, E, Bp] |
 * c [T + 1, U, Bp] | tanh(c) [T, U, Bp]`, with `E = U + F + 1`, `R` = U + F rounded up to a multiple
 * of 4, and `h[t]`, `c[t]` the states before step t.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_LSTM, FUSED_LSTM_GRAD, type FusedRecurrenceAttrs } from '@tensorfold/core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import {
  at,
  CHUNK,
  copyRows,
  type Dims,
  dims,
  heapOf,
  kernelsOf,
  splitWeightGradients,
  stackInputs,
  stackWeights,
} from './fused-recurrence-heap.js';

/** Float offsets of the reserve's parts (see the module doc), and its length. */
function reserveLayout(d: Dims, masked: boolean) {
  const weights = 0;
  const mask = weights + d.r * 4 * d.units;
  const gates = mask + (masked ? d.steps * d.block : 0);
  const hx = gates + 4 * d.steps * d.block;
  const c = hx + (d.steps + 1) * d.e * d.bp;
  const tc = c + (d.steps + 1) * d.block;
  return { weights, mask, gates, hx, c, tc, length: tc + d.steps * d.block };
}

const fusedLstm: KernelFunc = ({ inputs, attrs, backend: kernelBackend }) => {
  const backend = kernelBackend as WasmBackendLike;
  const { x, kernel, recurrentKernel, bias, h0, c0, mask } = inputs as Record<string, TensorInfo | undefined>;
  const masked = (attrs as unknown as FusedRecurrenceAttrs).masked && mask != null;
  const [steps, features, batch] = (x as TensorInfo).shape as [number, number, number];
  const units = (recurrentKernel as TensorInfo).shape[0] as number;
  const d = dims(steps, units, features, batch);
  const layout = reserveLayout(d, masked);
  const scope = new KernelScope(backend);
  const packed = backend.makeOutput([steps + 1, units, batch], 'float32');
  const reserve = backend.makeOutput([layout.length], 'float32');
  try {
    const forwardWeights = scope.allocate([4 * units * d.e]); // [4U, E]: [Uᵀ | Wᵀ | b]
    const { step, matMul } = kernelsOf(backend);
    // Views after the last allocation: an allocation may move the heap.
    const heap = heapOf(backend);
    const r = at(backend, reserve);
    const fw = at(backend, forwardWeights);
    const width = 4 * units;
    const offsets = [recurrentKernel, kernel, bias].map((t) => (t ? at(backend, t) : -1));
    stackWeights(heap, d, width, offsets as [number, number, number], r + layout.weights, fw);
    const hx = r + layout.hx;
    const stride = d.e * d.bp;
    stackInputs(heap, d, at(backend, x as TensorInfo), at(backend, h0 as TensorInfo), hx);
    if (d.bp !== batch) heap.fill(0, r + layout.c, r + layout.c + d.block);
    copyRows(heap, at(backend, c0 as TensorInfo), batch, r + layout.c, d.bp, units, batch);
    if (masked) {
      if (d.bp !== batch) heap.fill(0, r + layout.mask, r + layout.gates);
      copyRows(heap, at(backend, mask as TensorInfo), batch, r + layout.mask, d.bp, steps * units, batch);
    }
    const bytes = (floats: number) => floats * 4;
    for (let t = 0; t < steps; t++) {
      const gates = r + layout.gates + t * 4 * d.block;
      const hPrev = hx + t * stride;
      const cPrev = r + layout.c + t * d.block;
      matMul(bytes(fw), bytes(hPrev), bytes(gates), width, d.e, d.bp);
      step.lstmForward(
        bytes(gates),
        0,
        bytes(cPrev),
        bytes(hPrev),
        masked ? bytes(r + layout.mask + t * d.block) : 0,
        bytes(cPrev + d.block),
        bytes(hPrev + stride),
        bytes(r + layout.tc + t * d.block),
        d.block,
      );
    }
    const out = at(backend, packed);
    for (let t = 0; t < steps; t++) {
      copyRows(heap, hx + (t + 1) * stride, d.bp, out + t * units * batch, batch, units, batch);
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
  const { allOutputsUsed, masked, features } = attrs as unknown as FusedRecurrenceAttrs;
  const [stepsPlusOne, units, batch] = (dy as TensorInfo).shape as [number, number, number];
  const steps = stepsPlusOne - 1;
  const d = dims(steps, units, features, batch);
  const layout = reserveLayout(d, masked);
  const width = 4 * units;
  const scope = new KernelScope(backend);
  const outputs = [
    backend.makeOutput([steps, features, batch], 'float32'),
    backend.makeOutput([features, width], 'float32'),
    backend.makeOutput([units, width], 'float32'),
    backend.makeOutput([width], 'float32'),
    backend.makeOutput([units, batch], 'float32'),
    backend.makeOutput([units, batch], 'float32'),
  ] as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  try {
    const dz = scope.allocate([steps * 4 * d.block]); // [T, 4U, Bp]
    const dyPadded = scope.allocate([(steps + 1) * d.block]); // [T + 1, U, Bp]
    const carry = scope.allocate([2 * d.block + d.r * d.bp]); // dhNext, dcNext [U, Bp]; [dh; dx] [R, Bp]
    const dWeights = scope.allocate([d.g * width]); // [G, 4U]: [dU; dW; db; pad]
    const { step, matMul } = kernelsOf(backend);
    const heap = heapOf(backend);
    const [dx, dKernel, dRecurrentKernel, dBias, dh0, dc0] = outputs;
    const r = at(backend, reserve as TensorInfo);
    const dzp = at(backend, dz);
    const dyp = at(backend, dyPadded);
    if (d.bp !== batch) heap.fill(0, dyp, dyp + (steps + 1) * d.block);
    copyRows(heap, at(backend, dy as TensorInfo), batch, dyp, d.bp, (steps + 1) * units, batch);
    const dhNext = at(backend, carry);
    const dcNext = dhNext + d.block;
    const dhRec = dcNext + d.block;
    heap.fill(0, dhNext, dhRec + d.r * d.bp);
    const dw = at(backend, dWeights);
    heap.fill(0, dw, dw + d.g * width);
    heap.copyWithin(dcNext, dyp + steps * d.block, dyp + (steps + 1) * d.block);
    const dxOut = at(backend, dx);
    const stride = d.e * d.bp;
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
      // [dh; dx] = [U; W] dz: the previous state's gradient (rows of U) and this step's input's.
      matMul(bytes(r + layout.weights), bytes(dzt), bytes(dhRec), d.r, width, d.bp);
      copyRows(heap, dhRec + units * d.bp, d.bp, dxOut + t * features * batch, batch, features, batch);
      // [dU; dW; db] += Σ [h; x; 1]_s dz_sᵀ over the steps s from t up to the last ones added, every
      // CHUNK steps (while they are in the cache; fewer sums across lanes than one step at a time).
      if (t % CHUNK === 0) {
        step.matMulTransposedAdd(
          bytes(r + layout.hx + t * stride),
          bytes(dzt),
          bytes(dw),
          d.g,
          d.bp,
          width,
          Math.min(CHUNK, steps - t),
          bytes(stride),
          bytes(4 * d.block),
        );
      }
    }
    splitWeightGradients(heap, d, width, dw, [
      at(backend, dRecurrentKernel),
      at(backend, dKernel),
      at(backend, dBias),
    ]);
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
