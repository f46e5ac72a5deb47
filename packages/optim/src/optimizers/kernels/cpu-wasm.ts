/**
 * Fused update kernels for the CPU and WASM backends. On WASM the rule runs as WebAssembly SIMD code
 * on the backend's own memory (`wasm-simd.ts`), with the rule's JavaScript loop for the last few
 * elements (and everywhere if SIMD is unavailable), writing over the variable and its slots where
 * nothing else holds them (`in-place.ts`); on the CPU backend the JavaScript loop runs on the
 * backend's value arrays, into new ones. One pass per variable either way.
 */
import type { tf } from '@tensorfold/core';
import { coefficientValues, type FusedRule } from './fused-rule.js';
import { canUpdateInPlace, overwritten } from './in-place.js';
import { simdUpdate } from './wasm-simd.js';

/** The parts of tfjs-backend-cpu's backend the kernel uses. */
interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** The parts of tfjs-backend-wasm's backend the kernel uses. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  wasm?: { asm?: { memory?: unknown } };
}

/**
 * The rule's inputs in order (`w`, `g`, `s0`...) as a function of the kernel's named inputs. The names
 * are made once per rule: a name built at each call is a new string that every lookup hashes again
 * (about 0.5 us a variable).
 */
function orderedInputs(rule: FusedRule): (inputs: tf.NamedTensorInfoMap) => tf.TensorInfo[] {
  const names = ['w', 'g', ...Array.from({ length: rule.slots }, (_, i) => `s${i}`)];
  return (inputs) => names.map((name) => inputs[name] as tf.TensorInfo);
}

/** The rule as a kernel of the CPU backend. */
export function cpuKernel(rule: FusedRule): tf.KernelConfig {
  const ordered = orderedInputs(rule);
  return {
    kernelName: rule.kernel,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackendLike;
      const [w, g, ...slots] = ordered(inputs).map((t) => cpu.data.get(t.dataId).values as Float32Array);
      const shape = (inputs.w as tf.TensorInfo).shape;
      const n = w.length;
      const out = Array.from({ length: rule.slots + 1 }, () => new Float32Array(n));
      rule.run(n, w, g, slots, out, coefficientValues(rule, attrs as Record<string, number>));
      return out.map((values) => cpu.makeTensorInfo(shape, 'float32', values));
    },
  };
}

let zeroStateSkipped = true;

/**
 * Lets the WASM kernels of rules with `zeroStateKept` keep zero-state weights without computing them
 * (`true`, the default) or compute every weight (`false`, as before), for same-process A/B benchmarks
 * and tests. The same bits either way.
 */
export function setZeroStateSkipped(on: boolean): void {
  zeroStateSkipped = on;
}

/** The rule as a kernel of the WASM backend. */
export function wasmKernel(rule: FusedRule): tf.KernelConfig {
  const ordered = orderedInputs(rule);
  return {
    kernelName: rule.kernel,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as WasmBackendLike;
      const infos = ordered(inputs);
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
      const c = coefficientValues(rule, attrs as Record<string, number>);
      const memory = wasm.wasm?.asm?.memory;
      const update = memory instanceof WebAssembly.Memory ? simdUpdate(rule, memory) : null;
      const n = w.length;
      const vectorized = update ? n - (n % 4) : 0;
      if (update && vectorized > 0) {
        const offsets = [w, g, ...slots, ...out].map((a) => a.byteOffset);
        if (rule.zeroStateKept) {
          update(vectorized * 4, ...offsets, ...c, zeroStateSkipped && rule.zeroStateKept(c) ? 1 : 0);
        } else update(vectorized * 4, ...offsets, ...c);
      }
      if (vectorized < n) {
        const tail = (a: Float32Array) => a.subarray(vectorized);
        rule.run(n - vectorized, tail(w), tail(g), slots.map(tail), out.map(tail), c);
      }
      return inPlace ? writable.map((t) => overwritten(backend, t)) : outputs;
    },
  };
}
