/**
 * The fused GRU (reset after, Keras's `resetAfter: true`) on WASM ({@link FUSED_GRU} and
 * {@link FUSED_GRU_GRAD} of @tensorfold/core), built as the fused LSTM (fused-lstm.ts: one product
 * of the stacked weights with each step's `[h; x; 1]`, the step kernels of recurrent.wat, the
 * weights' gradients summed every few steps).
 *
 * The reset gate multiplies only the recurrent part of the candidate, so the product has 4 row
 * blocks: z and r (recurrent and input parts summed, both biases), the candidate's recurrent part
 * `U_hᵀh + b'_h`, and its input part `W_hᵀx + b_h`: `[[U_z | W_z | b_z + b'_z]; [U_r | W_r | b_r + b'_r];
 * [U_h | 0 | b'_h]; [0 | W_h | b_h]]`, `[4U, E]`.
 *
 * The reserve holds, in floats: `[U; W]` in that 4-block form `[R, 4U]` | mask `[T, U, Bp]` (if
 * masked) | the blocks z, r, `U_hᵀh + b'_h`, ĥ `[T, 4U, Bp]` | `[h; x; 1]` `[T + 1, E, Bp]`.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_GRU, FUSED_GRU_GRAD, type FusedRecurrenceAttrs } from '@tensorfold/core';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import {
  at,
  CHUNK,
  copyRows,
  type Dims,
  dims,
  heapOf,
  kernelsOf,
  stackInputs,
  stackWeights,
} from './fused-recurrence-heap.js';

/** Float offsets of the reserve's parts (see the module doc), and its length. */
function reserveLayout(d: Dims, masked: boolean) {
  const weights = 0;
  const mask = weights + d.r * 4 * d.units;
  const gates = mask + (masked ? d.steps * d.block : 0);
  const hx = gates + 4 * d.steps * d.block;
  return { weights, mask, gates, hx, length: hx + (d.steps + 1) * d.e * d.bp };
}

/**
 * Spreads the GRU's `[rows, 3U]` weights (`from`) to the 4-block `[rows, 4U]` form (`to`): blocks
 * z, r, then the h block at `hTo` (2 for the recurrent kernel, 3 for the input kernel), zeros in the
 * other.
 */
function spread(heap: Float32Array, from: number, to: number, rows: number, units: number, hTo: 2 | 3): void {
  for (let i = 0; i < rows; i++) {
    const [src, dst] = [from + i * 3 * units, to + i * 4 * units];
    heap.copyWithin(dst, src, src + 2 * units);
    heap.fill(0, dst + 2 * units, dst + 4 * units);
    heap.copyWithin(dst + hTo * units, src + 2 * units, src + 3 * units);
  }
}

const fusedGru: KernelFunc = ({ inputs, attrs, backend: kernelBackend }) => {
  const backend = kernelBackend as WasmBackendLike;
  const { x, kernel, recurrentKernel, bias, h0, mask } = inputs as Record<string, TensorInfo | undefined>;
  const masked = (attrs as unknown as FusedRecurrenceAttrs).masked && mask != null;
  const [steps, features, batch] = (x as TensorInfo).shape as [number, number, number];
  const units = (recurrentKernel as TensorInfo).shape[0] as number;
  const d = dims(steps, units, features, batch);
  const layout = reserveLayout(d, masked);
  const width = 4 * units;
  const scope = new KernelScope(backend);
  const sequence = backend.makeOutput([steps, units, batch], 'float32');
  const reserve = backend.makeOutput([layout.length], 'float32');
  try {
    const forwardWeights = scope.allocate([width * d.e]); // [4U, E]
    const spreadWeights = scope.allocate([(units + features + 1) * width]); // [U; W; b] in 4 blocks
    const { step, matMul } = kernelsOf(backend);
    const heap = heapOf(backend);
    const r = at(backend, reserve);
    const fw = at(backend, forwardWeights);
    const sw = at(backend, spreadWeights);
    spread(heap, at(backend, recurrentKernel as TensorInfo), sw, units, units, 2);
    spread(heap, at(backend, kernel as TensorInfo), sw + units * width, features, units, 3);
    const b = sw + (units + features) * width;
    heap.fill(0, b, b + width);
    if (bias) {
      // bias [2, 3U]: the input bias b, then the recurrent bias b'.
      const [input, recurrent] = [at(backend, bias), at(backend, bias) + 3 * units];
      for (let j = 0; j < 2 * units; j++)
        heap[b + j] = (heap[input + j] as number) + (heap[recurrent + j] as number);
      heap.copyWithin(b + 2 * units, recurrent + 2 * units, recurrent + 3 * units);
      heap.copyWithin(b + 3 * units, input + 2 * units, input + 3 * units);
    }
    stackWeights(heap, d, width, [sw, sw + units * width, b], r + layout.weights, fw);
    const hx = r + layout.hx;
    const stride = d.e * d.bp;
    stackInputs(heap, d, at(backend, x as TensorInfo), at(backend, h0 as TensorInfo), hx);
    if (masked) {
      if (d.bp !== batch) heap.fill(0, r + layout.mask, r + layout.gates);
      copyRows(heap, at(backend, mask as TensorInfo), batch, r + layout.mask, d.bp, steps * units, batch);
    }
    const bytes = (floats: number) => floats * 4;
    for (let t = 0; t < steps; t++) {
      const gates = r + layout.gates + t * 4 * d.block;
      matMul(bytes(fw), bytes(hx + t * stride), bytes(gates), width, d.e, d.bp);
      step.gruForward(
        bytes(gates),
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

const fusedGruGrad: KernelFunc = ({ inputs, attrs, backend: kernelBackend }) => {
  const backend = kernelBackend as WasmBackendLike;
  const { dy, reserve } = inputs as Record<string, TensorInfo>;
  const { allOutputsUsed, masked, features } = attrs as unknown as FusedRecurrenceAttrs;
  const [steps, units, batch] = (dy as TensorInfo).shape as [number, number, number];
  const d = dims(steps, units, features, batch);
  const layout = reserveLayout(d, masked);
  const width = 4 * units;
  const scope = new KernelScope(backend);
  const outputs = [
    backend.makeOutput([steps, features, batch], 'float32'),
    backend.makeOutput([features, 3 * units], 'float32'),
    backend.makeOutput([units, 3 * units], 'float32'),
    backend.makeOutput([2, 3 * units], 'float32'),
    backend.makeOutput([units, batch], 'float32'),
  ] as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  try {
    const dp = scope.allocate([steps * 4 * d.block]); // [T, 4U, Bp]
    const dyPadded = scope.allocate([steps * d.block]); // [T, U, Bp]
    const carry = scope.allocate([d.block + d.r * d.bp]); // dhNext [U, Bp]; [dh; dx] [R, Bp]
    const dWeights = scope.allocate([d.g * width]); // [G, 4U]: [dU; dW; db; pad], 4 blocks
    const { step, matMul } = kernelsOf(backend);
    const heap = heapOf(backend);
    const [dx, dKernel, dRecurrentKernel, dBias, dh0] = outputs;
    const r = at(backend, reserve as TensorInfo);
    const dpp = at(backend, dp);
    const dyp = at(backend, dyPadded);
    if (d.bp !== batch) heap.fill(0, dyp, dyp + steps * d.block);
    copyRows(heap, at(backend, dy as TensorInfo), batch, dyp, d.bp, steps * units, batch);
    const dhNext = at(backend, carry);
    const dhRec = dhNext + d.block;
    heap.fill(0, dhNext, dhRec + d.r * d.bp);
    const dw = at(backend, dWeights);
    heap.fill(0, dw, dw + d.g * width);
    const dxOut = at(backend, dx);
    const stride = d.e * d.bp;
    const bytes = (floats: number) => floats * 4;
    for (let t = steps - 1; t >= 0; t--) {
      const dpt = dpp + t * 4 * d.block;
      step.gruBackward(
        bytes(r + layout.gates + t * 4 * d.block),
        bytes(r + layout.hx + t * stride),
        allOutputsUsed || t === steps - 1 ? bytes(dyp + t * d.block) : 0,
        masked ? bytes(r + layout.mask + t * d.block) : 0,
        bytes(dhNext),
        bytes(dhRec),
        bytes(dpt),
        d.block,
      );
      // [dh; dx] = [U; W] dp (4-block form): the previous state's gradient and this step's input's.
      matMul(bytes(r + layout.weights), bytes(dpt), bytes(dhRec), d.r, width, d.bp);
      copyRows(heap, dhRec + units * d.bp, d.bp, dxOut + t * features * batch, batch, features, batch);
      if (t % CHUNK === 0) {
        step.matMulTransposedAdd(
          bytes(r + layout.hx + t * stride),
          bytes(dpt),
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
    // Back from the 4-block form: U's gradient in blocks z, r, 2; W's in z, r, 3; the ones row
    // gives b (z, r, 3) and b' (z, r, 2).
    const gather = (from: number, rows: number, to: number, hFrom: 2 | 3) => {
      for (let i = 0; i < rows; i++) {
        const [src, dst] = [from + i * width, to + i * 3 * units];
        heap.copyWithin(dst, src, src + 2 * units);
        heap.copyWithin(dst + 2 * units, src + hFrom * units, src + (hFrom + 1) * units);
      }
    };
    gather(dw, units, at(backend, dRecurrentKernel), 2);
    gather(dw + units * width, features, at(backend, dKernel), 3);
    gather(dw + (units + features) * width, 1, at(backend, dBias), 3);
    gather(dw + (units + features) * width, 1, at(backend, dBias) + 3 * units, 2);
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

/** The fused GRU's forward (see the module doc). */
export const fusedGruConfig: KernelConfig = {
  kernelName: FUSED_GRU,
  backendName: 'wasm',
  kernelFunc: fusedGru,
};

/** The fused GRU's backward pass through time. */
export const fusedGruGradConfig: KernelConfig = {
  kernelName: FUSED_GRU_GRAD,
  backendName: 'wasm',
  kernelFunc: fusedGruGrad,
};
