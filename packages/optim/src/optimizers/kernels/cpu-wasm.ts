/**
 * Fused update kernels for the CPU and WASM backends: the rule's JavaScript loop runs directly on the
 * backends' typed arrays (the CPU backend's value arrays; the WASM heap), one pass per variable.
 */
import type { tf } from '@tensorfold/core';
import { coefficientValues, type FusedRule } from './fused-rule.js';

/** The parts of tfjs-backend-cpu's backend the kernel uses. */
interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** The parts of tfjs-backend-wasm's backend the kernel uses. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

function orderedInputs(rule: FusedRule, inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  return ['w', 'g', ...Array.from({ length: rule.slots }, (_, i) => `s${i}`)].map(
    (name) => inputs[name] as tf.TensorInfo,
  );
}

/** The rule as a kernel of the CPU backend. */
export function cpuKernel(rule: FusedRule): tf.KernelConfig {
  return {
    kernelName: rule.kernel,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackendLike;
      const [w, g, ...slots] = orderedInputs(rule, inputs).map(
        (t) => cpu.data.get(t.dataId).values as Float32Array,
      );
      const shape = (inputs.w as tf.TensorInfo).shape;
      const n = w.length;
      const out = Array.from({ length: rule.slots + 1 }, () => new Float32Array(n));
      rule.run(n, w, g, slots, out, coefficientValues(rule, attrs as Record<string, number>));
      return out.map((values) => cpu.makeTensorInfo(shape, 'float32', values));
    },
  };
}

/** The rule as a kernel of the WASM backend. */
export function wasmKernel(rule: FusedRule): tf.KernelConfig {
  return {
    kernelName: rule.kernel,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as WasmBackendLike;
      const infos = orderedInputs(rule, inputs);
      const shape = infos[0].shape;
      // Allocate first: growing the heap detaches views taken earlier.
      const outputs = Array.from({ length: rule.slots + 1 }, () => wasm.makeOutput(shape, 'float32'));
      const [w, g, ...slots] = infos.map((t) => wasm.typedArrayFromHeap(t));
      const out = outputs.map((t) => wasm.typedArrayFromHeap(t));
      rule.run(w.length, w, g, slots, out, coefficientValues(rule, attrs as Record<string, number>));
      return outputs;
    },
  };
}
