import { tf } from '@tensorfold/core';
import { cpuKernel, wasmKernel } from './cpu-wasm.js';
import { type FusedRule, type FusedRuleSpec, fusedRule } from './fused-rule.js';
import { webgpuKernel } from './webgpu.js';

const rules: FusedRule[] = [];

/** Every fused rule registered so far (one per optimizer configuration imported). */
export function registeredRules(): readonly FusedRule[] {
  return rules;
}

/**
 * Builds `spec`'s rule and registers it as a kernel of the CPU, WASM and WebGPU backends (whether or
 * not they are loaded: tfjs keeps kernels by backend name). Safe to call twice. Returns the rule.
 */
export function registerFusedRule(spec: FusedRuleSpec): FusedRule {
  const rule = fusedRule(spec);
  if (!rules.some((r) => r.kernel === rule.kernel)) rules.push(rule);
  for (const config of [cpuKernel(rule), wasmKernel(rule), webgpuKernel(rule)]) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  }
  return rule;
}
