/**
 * Fused optimizer updates: one kernel computes a variable's new value and all its new slots in a
 * single pass, instead of the dozen element-wise kernels of the tensor-op form. Optimizers describe
 * their rule (`kernels/fused-rule.ts`); `kernels/register.ts` registers it for the CPU, WASM and
 * WebGPU backends. On any other backend, optimizers use their tensor-op form, which computes the same.
 */
import { tf } from '@tensorfold/core';
import type { FusedRule } from './kernels/fused-rule.js';
import { multiInputNames, multiKernelName } from './kernels/multi-variable.js';

let enabled = true;
let multiEnabled = true;

/**
 * Turns fused update kernels on or off (default on). Off forces the tensor-op form on every backend:
 * useful to compare the two, or to rule the kernels out when debugging.
 */
export function setFusedUpdates(on: boolean): void {
  enabled = on;
}

/**
 * Turns the multi-variable kernel (every variable of a step in one kernel call, on the CPU and WASM
 * backends) on or off (default on). Off: one kernel call per variable. The same bits either way; for
 * same-process A/B benchmarks and tests.
 */
export function setMultiVariableUpdates(on: boolean): void {
  multiEnabled = on;
}

/** Whether fused update kernels are used where registered. */
export function fusedUpdatesEnabled(): boolean {
  return enabled;
}

/**
 * Runs `rule`'s kernel on the active backend if it is registered there: inputs `w` (the variable),
 * `g` (its gradient) and `s0`, `s1`, ... (its slots); attributes: the step's coefficients (with
 * `decay`). Returns the
 * new value and slots, or null when the kernel is not available (the caller then uses tensor ops).
 */
export function runFusedUpdate(
  rule: FusedRule,
  variable: tf.Variable,
  gradient: tf.Tensor,
  slots: tf.Tensor[],
  coefficients: Record<string, number>,
): tf.Tensor[] | null {
  if (!enabled || !fusable(variable, gradient, slots) || !tf.getKernel(rule.kernel, tf.getBackend()))
    return null;
  const inputs: tf.NamedTensorMap = { w: variable, g: gradient };
  slots.forEach((s, i) => {
    inputs[`s${i}`] = s;
  });
  const out = tf.engine().runKernel(rule.kernel, inputs, coefficients as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
}

function fusable(variable: tf.Tensor, gradient: tf.Tensor, slots: tf.Tensor[]): boolean {
  return (
    variable.dtype === 'float32' && gradient.dtype === 'float32' && slots.every((s) => s.dtype === 'float32')
  );
}

/**
 * Whether no buffer that one variable's update writes (its value, its slots) is read or written by
 * another variable's update: then running them in one kernel call, in order, computes what one call
 * per variable computes (where a later call would otherwise see an earlier one's `assign`).
 */
function independent(
  variables: readonly tf.Variable[],
  gradients: tf.Tensor[],
  slots: tf.Tensor[][],
): boolean {
  const owner = new Map<object, number>();
  for (let k = 0; k < variables.length; k++) {
    for (const t of [variables[k], ...slots[k]]) {
      const other = owner.get(t.dataId);
      if (other !== undefined && other !== k) return false;
      owner.set(t.dataId, k);
    }
  }
  return gradients.every((g, k) => (owner.get(g.dataId) ?? k) === k);
}

/**
 * Runs `rule`'s multi-variable kernel (`kernels/multi-variable.ts`) for every variable of a step when
 * it is registered on the active backend, there are at least two variables, all float32, and no
 * buffer one variable's update writes is used by another's. Inputs and attributes as
 * {@link runFusedUpdate}'s, per variable `k` suffixed `_k`, plus the attribute `variables`. Returns each
 * variable's new value and slots, or null (the caller then updates one variable at a time).
 */
export function runFusedUpdates(
  rule: FusedRule,
  variables: readonly tf.Variable[],
  gradients: tf.Tensor[],
  slots: tf.Tensor[][],
  coefficients: Record<string, number>,
): tf.Tensor[][] | null {
  const count = variables.length;
  if (!enabled || !multiEnabled || count < 2) return null;
  if (!tf.getKernel(multiKernelName(rule), tf.getBackend())) return null;
  if (!variables.every((v, k) => fusable(v, gradients[k], slots[k]))) return null;
  if (!independent(variables, gradients, slots)) return null;
  const inputs: tf.NamedTensorMap = {};
  for (let k = 0; k < count; k++) {
    const [w, g, ...s] = multiInputNames(rule, k);
    inputs[w] = variables[k];
    inputs[g] = gradients[k];
    slots[k].forEach((t, i) => {
      inputs[s[i]] = t;
    });
  }
  const attrs = { ...coefficients, variables: count } as unknown as tf.NamedAttrMap;
  const out = tf.engine().runKernel(multiKernelName(rule), inputs, attrs) as tf.Tensor[];
  const per = rule.slots + 1;
  return Array.from({ length: count }, (_, k) => out.slice(k * per, (k + 1) * per));
}
