/**
 * The fused simple RNN on WASM ({@link FUSED_SIMPLE_RNN} and {@link FUSED_SIMPLE_RNN_GRAD} of
 * @tensorfold/core), built as the fused LSTM (fused-lstm.ts: one product of `[U | W | b]` with each
 * step's `[h; x; 1]`, the step kernels of recurrent.wat, the weights' gradients summed every few
 * steps) with one gate, `h = tanh(z)`, and no cell.
 *
 * The SIMD product needs rows % 4, so the per-step blocks of pre-activations and of their gradients
 * have U rounded up to `Up` rows (the extra rows stay zero).
 *
 * The reserve holds, in floats: `[U; W] [R, U] | mask [T, U, Bp] (if masked) | tanh(z) [T, Up, Bp] |
 * [h; x; 1] [T + 1, E, Bp]` (E = U + F + 1; R = U + F rounded up to a multiple of 4).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_SIMPLE_RNN, FUSED_SIMPLE_RNN_GRAD, type FusedRecurrenceAttrs } from '@tensorfold/core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import {
  at,
  CHUNK,
  copyRows,
  type Dims,
  dims,
  heapOf,
  kernelsOf,
  roundUp,
  stackInputs,
  stackWeights,
} from './fused-recurrence-heap.js';

/** Float offsets of the reserve's parts (see the module doc), the padded block, and the length. */
function reserveLayout(d: Dims, masked: boolean) {
  const up = roundUp(d.units, 4);
  const weights = 0;
  const mask = weights + d.r * d.units;
  const activations = mask + (masked ? d.steps * d.block : 0);
  const hx = activations + d.steps * up * d.bp;
  return { up, padded: up * d.bp, weights, mask, activations, hx, length: hx + (d.steps + 1) * d.e * d.bp };
}

const fusedSimpleRnn: KernelFunc = ({ inputs, attrs, backend: kernelBackend }) => {
  const backend = kernelBackend as WasmBackendLike;
  const { x, kernel, recurrentKernel, bias, h0, mask } = inputs as Record<string, TensorInfo | undefined>;
  const masked = (attrs as unknown as FusedRecurrenceAttrs).masked && mask != null;
  const [steps, features, batch] = (x as TensorInfo).shape as [number, number, number];
  const units = (recurrentKernel as TensorInfo).shape[0] as number;
  const d = dims(steps, units, features, batch);
  const layout = reserveLayout(d, masked);
  const scope = new KernelScope(backend);
  const sequence = backend.makeOutput([steps, units, batch], 'float32');
  const reserve = backend.makeOutput([layout.length], 'float32');
  try {
    const forwardWeights = scope.allocate([layout.up * d.e]); // [Up, E]: [Uᵀ | Wᵀ | b], pad rows zero
    const { step, matMul } = kernelsOf(backend);
    const heap = heapOf(backend);
    const r = at(backend, reserve);
    const fw = at(backend, forwardWeights);
    const offsets = [recurrentKernel, kernel, bias].map((t) => (t ? at(backend, t) : -1));
    heap.fill(0, fw + units * d.e, fw + layout.up * d.e);
    stackWeights(heap, d, units, offsets as [number, number, number], r + layout.weights, fw);
    const hx = r + layout.hx;
    const stride = d.e * d.bp;
    stackInputs(heap, d, at(backend, x as TensorInfo), at(backend, h0 as TensorInfo), hx);
    if (masked) {
      if (d.bp !== batch) heap.fill(0, r + layout.mask, r + layout.activations);
      copyRows(heap, at(backend, mask as TensorInfo), batch, r + layout.mask, d.bp, steps * units, batch);
    }
    const bytes = (floats: number) => floats * 4;
    for (let t = 0; t < steps; t++) {
      const z = r + layout.activations + t * layout.padded;
      matMul(bytes(fw), bytes(hx + t * stride), bytes(z), layout.up, d.e, d.bp);
      step.rnnForward(
        bytes(z),
        bytes(hx + t * stride),
        masked ? bytes(r + layout.mask + t * d.block) : 0,
        bytes(hx + (t + 1) * stride),
        d.block,
      );
    }
    const out = at(backend, sequence);
    for (let t = 0; t < steps; t++) {
      copyRows(heap, hx + (t + 1) * stride, d.bp, out + t * units * batch, batch, units, batch);
    }
    return [sequence, reserve];
  } catch (error) {
    backend.disposeData(sequence.dataId);
    backend.disposeData(reserve.dataId);
    throw error;
  } finally {
    scope.dispose();
  }
};

const fusedSimpleRnnGrad: KernelFunc = ({ inputs, attrs, backend: kernelBackend }) => {
  const backend = kernelBackend as WasmBackendLike;
  const { dy, reserve } = inputs as Record<string, TensorInfo>;
  const { allOutputsUsed, masked, features } = attrs as unknown as FusedRecurrenceAttrs;
  const [steps, units, batch] = (dy as TensorInfo).shape as [number, number, number];
  const d = dims(steps, units, features, batch);
  const layout = reserveLayout(d, masked);
  const scope = new KernelScope(backend);
  const outputs = [
    backend.makeOutput([steps, features, batch], 'float32'),
    backend.makeOutput([features, units], 'float32'),
    backend.makeOutput([units, units], 'float32'),
    backend.makeOutput([units], 'float32'),
    backend.makeOutput([units, batch], 'float32'),
  ] as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  try {
    const dz = scope.allocate([steps * layout.padded]); // [T, Up, Bp], pad rows zero
    const dyPadded = scope.allocate([steps * d.block]); // [T, U, Bp]
    const carry = scope.allocate([d.block + d.r * d.bp]); // dhNext [U, Bp]; [dh; dx] [R, Bp]
    const dWeights = scope.allocate([d.g * layout.up]); // [G, Up]: [dU; dW; db; pad]
    const { step, matMul } = kernelsOf(backend);
    const heap = heapOf(backend);
    const [dx, dKernel, dRecurrentKernel, dBias, dh0] = outputs;
    const r = at(backend, reserve as TensorInfo);
    const dzp = at(backend, dz);
    heap.fill(0, dzp, dzp + steps * layout.padded);
    const dyp = at(backend, dyPadded);
    if (d.bp !== batch) heap.fill(0, dyp, dyp + steps * d.block);
    copyRows(heap, at(backend, dy as TensorInfo), batch, dyp, d.bp, steps * units, batch);
    const dhNext = at(backend, carry);
    const dhRec = dhNext + d.block;
    heap.fill(0, dhNext, dhRec + d.r * d.bp);
    const dw = at(backend, dWeights);
    heap.fill(0, dw, dw + d.g * layout.up);
    const dxOut = at(backend, dx);
    const stride = d.e * d.bp;
    const bytes = (floats: number) => floats * 4;
    for (let t = steps - 1; t >= 0; t--) {
      const dzt = dzp + t * layout.padded;
      step.rnnBackward(
        bytes(r + layout.activations + t * layout.padded),
        allOutputsUsed || t === steps - 1 ? bytes(dyp + t * d.block) : 0,
        masked ? bytes(r + layout.mask + t * d.block) : 0,
        bytes(dhNext),
        bytes(dhRec),
        bytes(dzt),
        d.block,
      );
      // [dh; dx] = [U; W] dz: the previous state's gradient (rows of U) and this step's input's.
      matMul(bytes(r + layout.weights), bytes(dzt), bytes(dhRec), d.r, units, d.bp);
      copyRows(heap, dhRec + units * d.bp, d.bp, dxOut + t * features * batch, batch, features, batch);
      // [dU; dW; db] += Σ [h; x; 1]_s dz_sᵀ, every CHUNK steps (see fused-lstm.ts).
      if (t % CHUNK === 0) {
        step.matMulTransposedAdd(
          bytes(r + layout.hx + t * stride),
          bytes(dzt),
          bytes(dw),
          d.g,
          d.bp,
          layout.up,
          Math.min(CHUNK, steps - t),
          bytes(stride),
          bytes(layout.padded),
        );
      }
    }
    copyRows(heap, dw, layout.up, at(backend, dRecurrentKernel), units, units, units);
    copyRows(heap, dw + units * layout.up, layout.up, at(backend, dKernel), units, features, units);
    copyRows(heap, dw + (units + features) * layout.up, layout.up, at(backend, dBias), units, 1, units);
    const dh = at(backend, dh0);
    for (let u = 0; u < units; u++) {
      for (let b = 0; b < batch; b++) {
        heap[dh + u * batch + b] =
          (heap[dhNext + u * d.bp + b] as number) + (heap[dhRec + u * d.bp + b] as number);
      }
    }
    return outputs;
  } catch (error) {
    for (const info of outputs) backend.disposeData(info.dataId);
    throw error;
  } finally {
    scope.dispose();
  }
};

/** The fused simple RNN's forward (see the module doc). */
export const fusedSimpleRnnConfig: KernelConfig = {
  kernelName: FUSED_SIMPLE_RNN,
  backendName: 'wasm',
  kernelFunc: fusedSimpleRnn,
};

/** The fused simple RNN's backward pass through time. */
export const fusedSimpleRnnGradConfig: KernelConfig = {
  kernelName: FUSED_SIMPLE_RNN_GRAD,
  backendName: 'wasm',
  kernelFunc: fusedSimpleRnnGrad,
};
