import { tf } from '@tensorfold/core';
import { cpuKernel, wasmKernel } from './cpu-wasm.js';
import type { FusedRule } from './fused-rule.js';
import { webgpuKernel } from './webgpu.js';

/**
 * Registers `rule` as a kernel of the CPU, WASM and WebGPU backends (whether or not they are loaded:
 * tfjs keeps kernels by backend name). Safe to call twice. Returns the rule.
 */
export function registerFusedRule(rule: FusedRule): FusedRule {
  for (const config of [cpuKernel(rule), wasmKernel(rule), webgpuKernel(rule)]) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  }
  return rule;
}
