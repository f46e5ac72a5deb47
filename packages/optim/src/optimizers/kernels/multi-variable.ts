/**
 * Every variable of a step in one kernel call (CPU and WASM): the update of each variable is the one
 * of its single-variable kernel (`cpu-wasm.ts`), run on the variables in the order given, so the bits
 * are the same; what the step saves is the engine's dispatch of one kernel call per variable (its
 * lookup, scope, bookkeeping) and the wrapper's set-up. WebGPU keeps one call per variable (each is
 * `slots + 1` shader dispatches anyway).
 *
 * Inputs of variable `k`: `w_k`, `g_k`, `s0_k`, `s1_k`...; attributes: the step's coefficients (with
 * `decay`) and `variables`, their count. Outputs: the new value and slots of variable 0, then of
 * variable 1, and so on.
 */
import type { tf } from '@tensorfold/core';
import { cpuUpdate, inputNames, wasmUpdate } from './cpu-wasm.js';
import { coefficientValues, type FusedRule } from './fused-rule.js';

const names = new WeakMap<FusedRule, { kernel: string; inputs: string[][] }>();

function namesOf(rule: FusedRule): { kernel: string; inputs: string[][] } {
  let entry = names.get(rule);
  if (!entry) {
    entry = { kernel: `${rule.kernel}Multi`, inputs: [] };
    names.set(rule, entry);
  }
  return entry;
}

/** The kernel name of `rule`'s multi-variable form (`TensorfoldAdam` -> `TensorfoldAdamMulti`). */
export function multiKernelName(rule: FusedRule): string {
  return namesOf(rule).kernel;
}

/**
 * The input names of variable `k` (`w_k`, `g_k`, `s0_k`...), made once per rule and index: a name
 * built anew at each call is a new string that every lookup by it hashes again.
 */
export function multiInputNames(rule: FusedRule, k: number): string[] {
  const { inputs } = namesOf(rule);
  while (inputs.length <= k) inputs.push(inputNames(rule, `_${inputs.length}`));
  return inputs[k];
}

function multiKernel(
  rule: FusedRule,
  backendName: string,
  update: (rule: FusedRule, backend: unknown, infos: tf.TensorInfo[], c: number[]) => tf.TensorInfo[],
): tf.KernelConfig {
  return {
    kernelName: multiKernelName(rule),
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const named = attrs as Record<string, number>;
      const c = coefficientValues(rule, named);
      const out: tf.TensorInfo[] = [];
      for (let k = 0; k < named.variables; k++) {
        const infos = multiInputNames(rule, k).map((name) => inputs[name] as tf.TensorInfo);
        out.push(...update(rule, backend, infos, c));
      }
      return out;
    },
  };
}

/** The rule's multi-variable kernel on the CPU backend. */
export function cpuMultiKernel(rule: FusedRule): tf.KernelConfig {
  return multiKernel(rule, 'cpu', cpuUpdate);
}

/** The rule's multi-variable kernel on the WASM backend. */
export function wasmMultiKernel(rule: FusedRule): tf.KernelConfig {
  return multiKernel(rule, 'wasm', wasmUpdate);
}
