/**
 * Fused update kernels for the CPU and WASM backends. On WASM the rule runs as WebAssembly SIMD code
 * on the backend's own memory (`wasm-simd.ts`), with the rule's JavaScript loop for the last few
 * elements (and everywhere if SIMD is unavailable), writing over the variable and its slots where
 * nothing else holds them (`in-place.ts`); on the CPU backend the JavaScript loop runs on the
 * backend's value arrays, into new ones. One pass per variable either way.
 *
 * Each rule has two kernels per backend: one variable per call (inputs `w`, `g`, `s0`...), and every
 * variable of a step in one call (`multi-variable.ts`), which runs the same per-variable update below
 * on each in turn.
 */
import type { tf } from '@tensorfold/core';
import { coefficientValues, type FusedRule } from './fused-rule.js';
import { canUpdateInPlace, overwritten } from './in-place.js';
import { simdUpdate } from './wasm-simd.js';

/** The parts of tfjs-backend-cpu's backend the kernels use. */
export interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** The parts of tfjs-backend-wasm's backend the kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  wasm?: { asm?: { memory?: unknown } };
}

/** The names of a variable's inputs: `w`, `g`, then one per slot (`s0`...), each followed by `suffix`. */
export function inputNames(rule: FusedRule, suffix = ''): string[] {
  return ['w', 'g', ...Array.from({ length: rule.slots }, (_, i) => `s${i}`)].map((n) => n + suffix);
}

/**
 * One variable's update on the CPU backend: `infos` are `[w, g, ...slots]`, `c` the coefficients in
 * kernel order; returns the new value and slots, in new buffers.
 */
export function cpuUpdate(
  rule: FusedRule,
  backend: unknown,
  infos: tf.TensorInfo[],
  c: number[],
): tf.TensorInfo[] {
  const cpu = backend as CpuBackendLike;
  const [w, g, ...slots] = infos.map((t) => cpu.data.get(t.dataId).values as Float32Array);
  const shape = infos[0].shape;
  const n = w.length;
  const out = Array.from({ length: rule.slots + 1 }, () => new Float32Array(n));
  rule.run(n, w, g, slots, out, c);
  return out.map((values) => cpu.makeTensorInfo(shape, 'float32', values));
}

/**
 * One variable's update on the WASM backend: `infos` are `[w, g, ...slots]`, `c` the coefficients in
 * kernel order. Returns the new value and slots: the overwritten buffers where {@link canUpdateInPlace}
 * allows, new ones otherwise. SIMD over the first `n - n % 4` elements, the rule's loop over the rest.
 */
export function wasmUpdate(
  rule: FusedRule,
  backend: unknown,
  infos: tf.TensorInfo[],
  c: number[],
): tf.TensorInfo[] {
  const wasm = backend as WasmBackendLike;
  const shape = infos[0].shape;
  // The variable and its slots: overwritten where nothing else holds their buffers (in-place.ts).
  const writable = [infos[0], ...infos.slice(2)];
  const inPlace = canUpdateInPlace(backend, infos, writable);
  // Allocate first: growing the heap detaches views taken earlier.
  const outputs = inPlace
    ? writable
    : Array.from({ length: rule.slots + 1 }, () => wasm.makeOutput(shape, 'float32'));
  const [w, g, ...slots] = infos.map((t) => wasm.typedArrayFromHeap(t));
  const out = outputs.map((t) => wasm.typedArrayFromHeap(t));
  const memory = wasm.wasm?.asm?.memory;
  const update = memory instanceof WebAssembly.Memory ? simdUpdate(rule, memory) : null;
  const n = w.length;
  const vectorized = update ? n - (n % 4) : 0;
  if (update && vectorized > 0) {
    update(vectorized * 4, ...[w, g, ...slots, ...out].map((a) => a.byteOffset), ...c);
  }
  if (vectorized < n) {
    const tail = (a: Float32Array) => a.subarray(vectorized);
    rule.run(n - vectorized, tail(w), tail(g), slots.map(tail), out.map(tail), c);
  }
  return inPlace ? writable.map((t) => overwritten(backend, t)) : outputs;
}

/** The rule as a one-variable kernel of `backendName`, running `update`. */
function oneVariableKernel(
  rule: FusedRule,
  backendName: string,
  update: (rule: FusedRule, backend: unknown, infos: tf.TensorInfo[], c: number[]) => tf.TensorInfo[],
): tf.KernelConfig {
  const names = inputNames(rule); // made once: a name built at each call is hashed again at each lookup
  return {
    kernelName: rule.kernel,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) =>
      update(
        rule,
        backend,
        names.map((name) => inputs[name] as tf.TensorInfo),
        coefficientValues(rule, attrs as Record<string, number>),
      ),
  };
}

/** The rule as a kernel of the CPU backend. */
export function cpuKernel(rule: FusedRule): tf.KernelConfig {
  return oneVariableKernel(rule, 'cpu', cpuUpdate);
}

/** The rule as a kernel of the WASM backend. */
export function wasmKernel(rule: FusedRule): tf.KernelConfig {
  return oneVariableKernel(rule, 'wasm', wasmUpdate);
}
