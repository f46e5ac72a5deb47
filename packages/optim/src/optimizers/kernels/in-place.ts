/**
 * In-place fused updates on the WASM backend: the new value and slots are written over the old ones
 * instead of into three (or four) new buffers, which saves the allocations and a third of the memory
 * traffic of a step that is bound by it (Adam reads four arrays and writes three).
 *
 * tfjs tensors are immutable, so a buffer may be overwritten only when nothing else can see it. The
 * backend's reference count says who can: a buffer held by the variable (or the optimizer's slot)
 * alone has a count of 1; a clone (`Identity` shares memory on WASM), a reshape, a tensor saved for a
 * gradient, a user's `getWeights()` copy of a slot, or the initial value a variable was made from all
 * raise it, and the kernel then writes new buffers as before. The kernel returns tensors that share
 * the overwritten buffers, so the optimizer's `assign` and slot bookkeeping run unchanged.
 *
 * tfjs-backend-wasm caches XNNPACK operators (packed weights) by a tensor's id and drops them when the
 * tensor is disposed; a buffer overwritten in place keeps its id, so each one is dropped from the C++
 * side and registered again at the same memory (the disposal callbacks delete its stale operators).
 * @tensorfold/backend's own caches by data id hold int32 (int8) weights and shapes only; fused updates
 * run on float32 tensors alone. One exception, left as is: the threaded int8 convolution keeps its last
 * float32 output in the pool's memory and reads the next call's input there when that input has the
 * same data id and no pool kernel ran in between (int8-direct-conv.ts `Resident`). A variable whose
 * buffer is such an output, updated in place and then fed to the int8 convolution at once, would be
 * read stale; no model does that (int8 convolutions run for inference, on activations).
 */
import { tf } from '@tensorfold/core';

let enabled = true;

/**
 * Turns in-place fused updates on the WASM backend on or off (default on), for same-process A/B
 * benchmarks and tests. Either way the results have the same bits: the same code computes them, only
 * where it writes differs.
 */
export function setInPlaceUpdates(on: boolean): void {
  enabled = on;
}

/** The parts of tfjs-backend-wasm's backend an in-place update needs. */
interface WasmInternals {
  refCount(dataId: object): number;
  incRef(dataId: object): void;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; shape: number[] } | undefined };
  wasm?: {
    tfjs?: {
      disposeData?: (id: number) => void;
      registerTensor?: (id: number, size: number, memoryOffset: number) => void;
    };
  };
}

function internals(backend: unknown): WasmInternals | null {
  const b = backend as Partial<WasmInternals>;
  const tfjs = b.wasm?.tfjs;
  if (typeof b.refCount !== 'function' || typeof b.incRef !== 'function' || b.dataIdMap == null) return null;
  if (typeof tfjs?.disposeData !== 'function' || typeof tfjs.registerTensor !== 'function') return null;
  return b as WasmInternals;
}

/**
 * Whether `writable` (the variable, then its slots) may be overwritten: in-place updates are on, no
 * gradient tape records, every input has its own buffer, and each writable buffer is held by one
 * tensor only.
 */
export function canUpdateInPlace(
  backend: unknown,
  inputs: tf.TensorInfo[],
  writable: tf.TensorInfo[],
): boolean {
  if (!enabled || tf.engine().state.gradientDepth > 0) return false;
  const wasm = internals(backend);
  if (wasm === null) return false;
  if (new Set(inputs.map((t) => t.dataId)).size !== inputs.length) return false;
  return writable.every((t) => wasm.refCount(t.dataId) === 1 && wasm.dataIdMap.get(t.dataId) != null);
}

/**
 * A new output on `t`'s buffer, which was just overwritten: counts the new reference and drops the
 * operators tfjs-backend-wasm cached for the old contents. Call only after {@link canUpdateInPlace}.
 */
export function overwritten(backend: unknown, t: tf.TensorInfo): tf.TensorInfo {
  const wasm = backend as WasmInternals;
  const data = wasm.dataIdMap.get(t.dataId) as { id: number; memoryOffset: number; shape: number[] };
  const tfjs = wasm.wasm?.tfjs as Required<NonNullable<NonNullable<WasmInternals['wasm']>['tfjs']>>;
  tfjs.disposeData(data.id);
  tfjs.registerTensor(data.id, tf.util.sizeFromShape(data.shape), data.memoryOffset);
  wasm.incRef(t.dataId);
  return { dataId: t.dataId, shape: [...t.shape], dtype: t.dtype };
}
