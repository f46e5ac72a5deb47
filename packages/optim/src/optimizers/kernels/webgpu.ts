/**
 * Fused update kernels for the WebGPU backend: one compute shader per output (the new value and each
 * new slot), all reading the same inputs and sharing the rule's WGSL, so an update is `slots + 1`
 * dispatches instead of about a dozen. Each invocation handles four elements (vec4) when the size
 * allows, as tfjs's own element-wise shaders do. The step's coefficients are uniforms, so each
 * shader is compiled once.
 */
import { tf } from '@tensorfold/core';
import { coefficientValues, type FusedRule } from './fused-rule.js';
import { ruleWgsl } from './wgsl.js';

/** The program shape tfjs-backend-webgpu's `runWebGPUProgram` expects (its `WebGPUProgram`). */
interface ProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  /** 4: each invocation handles a vec4 (inputs and output are read and written as vec4<f32>). */
  outputComponent: number;
  uniforms: string;
  getUserCode(): string;
}

/** The parts of tfjs-backend-webgpu's backend the kernel uses. */
interface WebgpuBackendLike {
  runWebGPUProgram(
    program: ProgramLike,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms: Array<{ type: string; data: number[] }>,
  ): tf.TensorInfo;
}

const WORKGROUP = 64;

function program(rule: FusedRule, output: number, n: number): ProgramLike {
  // Four elements per invocation when they divide evenly (the expressions work on vec4 as on f32).
  const components = n % 4 === 0 ? 4 : 1;
  const names = ['W', 'G', ...Array.from({ length: rule.slots }, (_, i) => `S${i}`)];
  const reads = names.map((name) => `let ${name.toLowerCase()} = ${name}[index];`).join('\n        ');
  const body = ruleWgsl(rule);
  return {
    variableNames: names,
    outputShape: [n],
    shaderKey: `tensorfold_${rule.kernel}_${output}_${components}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(n / (WORKGROUP * components)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    outputComponent: components,
    uniforms: [...rule.coefficients, 'decay'].map((_, k) => `c${k} : f32,`).join(' '),
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
        ${reads}
        ${body}
          setOutputAtIndex(index, out${output});
        }
      }`,
  };
}

/** The rule as a kernel of the WebGPU backend. */
export function webgpuKernel(rule: FusedRule): tf.KernelConfig {
  return {
    kernelName: rule.kernel,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const gpu = backend as unknown as WebgpuBackendLike;
      const w = inputs.w as tf.TensorInfo;
      const n = tf.util.sizeFromShape(w.shape);
      // Flat views of the inputs (same buffers), so one shader serves every variable shape.
      const flat = ['w', 'g', ...Array.from({ length: rule.slots }, (_, i) => `s${i}`)].map((name) => {
        const t = inputs[name] as tf.TensorInfo;
        return { dataId: t.dataId, shape: [n], dtype: t.dtype };
      });
      const uniforms = coefficientValues(rule, attrs as Record<string, number>).map((v) => ({
        type: 'float32',
        data: [v],
      }));
      return Array.from({ length: rule.slots + 1 }, (_, k) => {
        const out = gpu.runWebGPUProgram(program(rule, k, n), flat, 'float32', uniforms);
        return { dataId: out.dataId, shape: w.shape, dtype: out.dtype };
      });
    },
  };
}
