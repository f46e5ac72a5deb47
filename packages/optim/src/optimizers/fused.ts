/**
 * Fused optimizer updates: one kernel computes a variable's new value and all its new slots in a
 * single pass, instead of the dozen element-wise kernels of the tensor-op form. Optimizers describe
 * their rule (`kernels/fused-rule.ts`); `kernels/register.ts` registers it for the CPU, WASM and
 * WebGPU backends. On any other backend, optimizers use their tensor-op form, which computes the same.
 */
import { tf } from '@tensorfold/core';
import type { FusedRule } from './kernels/fused-rule.js';

let enabled = true;

/**
 * Turns fused update kernels on or off (default on). Off forces the tensor-op form on every backend:
 * useful to compare the two, or to rule the kernels out when debugging.
 */
export function setFusedUpdates(on: boolean): void {
  enabled = on;
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
  if (!enabled || variable.dtype !== 'float32' || gradient.dtype !== 'float32') return null;
  if (slots.some((s) => s.dtype !== 'float32') || !tf.getKernel(rule.kernel, tf.getBackend())) return null;
  const inputs: tf.NamedTensorMap = { w: variable, g: gradient };
  slots.forEach((s, i) => {
    inputs[`s${i}`] = s;
  });
  const out = tf.engine().runKernel(rule.kernel, inputs, coefficients as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
}
