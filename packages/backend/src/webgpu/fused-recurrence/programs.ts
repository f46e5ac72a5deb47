/**
 * The WGSL programs of the fused recurrences on WebGPU, and how they are run.
 *
 * Each program writes one output buffer (tfjs's `result`, which it may also read) from read-only
 * inputs; the recurrence itself runs either as one dispatch per time step (every element `u·B + b`
 * of the step a thread; WebGPU orders the dispatches of a pass, so step t + 1 sees step t's writes),
 * or as one persistent workgroup that loops over the steps with a storage barrier between them (one
 * dispatch for the whole sequence, but one workgroup's threads only). {@link recurrenceMode} picks.
 */
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import { isSoftwareAdapter } from '../../start/software-icd.js';
import { ACTIVATIONS_WGSL, type Cell } from './cells.js';
import { UNIFORMS_WGSL } from './layout.js';

/** Threads per workgroup of the element-wise programs (one dispatch per step, and the others). */
const WORKGROUP = 64;

/** The most threads of the persistent workgroup (WebGPU's default `maxComputeInvocationsPerWorkgroup`). */
const PERSISTENT_WORKGROUP = 256;

/**
 * How the recurrence's time steps are dispatched: `per-step` (one dispatch per step, recorded back to
 * back, no read-back between steps), `persistent` (one workgroup loops over all steps in one
 * dispatch), or `auto`: per step on a software adapter (SwiftShader runs a workgroup on one CPU
 * thread; per step measured faster there, see BENCHMARKS.md), and on a GPU persistent where a step's
 * recurrent product has at most {@link PERSISTENT_MAX_MULTIPLY_ADDS} multiply-adds (expected to cost
 * one compute unit less per step than a dispatch costs; not yet measured on a GPU), per step above.
 */
export type RecurrenceMode = 'auto' | 'per-step' | 'persistent';

/**
 * The largest recurrent product per step (P·U·U·B multiply-adds, P the kernels' column blocks) that
 * `auto` runs in one persistent workgroup on a GPU; larger ones get a dispatch per step, which
 * spreads a step over the whole GPU.
 */
export const PERSISTENT_MAX_MULTIPLY_ADDS = 1 << 19;

let mode: RecurrenceMode = 'auto';

/** Sets how the fused recurrences dispatch their steps (for tests and benchmarks); returns the previous mode. */
export function setRecurrenceMode(next: RecurrenceMode): RecurrenceMode {
  const previous = mode;
  mode = next;
  return previous;
}

/** Whether a recurrence of this cell and size runs as one persistent workgroup on `backend`. */
export function runsPersistent(backend: WebGPUBackend, cell: Cell, units: number, batch: number): boolean {
  if (mode !== 'auto') return mode === 'persistent';
  const info = (backend as unknown as { adapterInfo?: { vendor?: string; architecture?: string } })
    .adapterInfo;
  if (isSoftwareAdapter({ architecture: info?.architecture, description: info?.vendor })) return false;
  return cell.projections * units * units * batch <= PERSISTENT_MAX_MULTIPLY_ADDS;
}

/** A fused-recurrence program: `code` defines `fn main(index : i32)` over the uniforms' `count` elements. */
export class RecurrenceProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly uniforms = UNIFORMS_WGSL;
  readonly size = false;

  /**
   * @param key - names the WGSL (tfjs caches one pipeline per key, input ranks and dtypes).
   * @param threads - the elements to compute; with `persistent`, one workgroup of that many threads
   *   (at most 256) loops over them.
   */
  constructor(
    key: string,
    variableNames: string[],
    outputShape: number[],
    threads: number,
    private readonly code: string,
    persistent = false,
  ) {
    this.variableNames = variableNames;
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const size = persistent ? PERSISTENT_WORKGROUP : WORKGROUP;
    this.workgroupSize = [size, 1, 1];
    this.dispatch = persistent ? [1, 1, 1] : [Math.max(1, Math.ceil(threads / WORKGROUP)), 1, 1];
    this.shaderKey = `tensorfoldFusedRecurrence_${key}`;
  }

  getUserCode(): string {
    return `${ACTIVATIONS_WGSL}\n${this.code}`;
  }
}

/** WebGPU's guaranteed storage buffers per shader stage (the spec's default limit). */
const DEFAULT_STORAGE_BUFFERS = 8;

/**
 * Runs `program` on `inputs`, writing `output` (which earlier programs may have written). Throws a
 * `BackendError` where the device cannot bind the program's buffers: more storage buffers than its
 * `maxStorageBuffersPerShaderStage` (never above 5 here, under the guaranteed 8), or a buffer above
 * its `maxStorageBufferBindingSize`.
 */
export function runProgram(
  backend: WebGPUBackend,
  program: RecurrenceProgram,
  inputs: TensorInfo[],
  output: TensorInfo,
  uniforms: Array<{ type: 'int32'; data: number[] }>,
): void {
  const limits = backend.device?.limits;
  const buffers = inputs.length + 1;
  const perStage = limits?.maxStorageBuffersPerShaderStage ?? DEFAULT_STORAGE_BUFFERS;
  if (buffers > perStage) {
    throw new BackendError(
      `The fused recurrence's ${program.shaderKey} binds ${buffers} storage buffers; this WebGPU device allows ${perStage} per shader stage. Use the WASM or CPU backend for recurrent layers.`,
    );
  }
  const largest = Math.max(...[...inputs, output].map((t) => 4 * t.shape.reduce((a, b) => a * b, 1)));
  const bindable = limits?.maxStorageBufferBindingSize;
  if (bindable != null && largest > bindable) {
    throw new BackendError(
      `The fused recurrence needs a ${largest}-byte buffer; this WebGPU device binds at most ${bindable} bytes. Use smaller batches or fewer steps per batch.`,
    );
  }
  backend.runWebGPUProgram(program as never, inputs, 'float32', uniforms, output);
}

/** WGSL `fn isReal(t, e) -> bool` reading the mask from `buffer` (always true when not masked). */
export function isRealWgsl(masked: boolean, buffer: string): string {
  return masked
    ? `fn isReal(t : i32, e : i32) -> bool {
        return ${buffer}[uniforms.oM + t * uniforms.units * uniforms.batch + e] > 0.5;
      }`
    : 'fn isReal(t : i32, e : i32) -> bool { return true; }';
}

/**
 * WGSL `fn main(index : i32)` calling `fn stepQuad(t, index)` (steps.ts) for every thread's share of
 * every step: one step (`uniforms.step`) per dispatch, or all of them in a persistent workgroup,
 * forward or backward in time. A two-phase cell (`phase` not null) has `stepQuad0` and `stepQuad1`:
 * per dispatch, the one of `phase`; persistent, both, with a storage barrier after each.
 */
export function stepsMain(persistent: boolean, backward: boolean, phase: 0 | 1 | null = null): string {
  if (!persistent) {
    return `
      fn main(index : i32) {
        if (index < uniforms.count) {
          stepQuad${phase ?? ''}(uniforms.step, index);
        }
      }`;
  }
  const phases = phase == null ? [''] : ['0', '1'];
  const loop = backward
    ? 'for (var t = uniforms.steps - 1; t >= 0; t = t - 1)'
    : 'for (var t = 0; t < uniforms.steps; t = t + 1)';
  return `
    fn main(index : i32) {
      ${loop} {${phases
        .map(
          (p) => `
        for (var e = index; e < uniforms.count; e = e + ${PERSISTENT_WORKGROUP}) {
          stepQuad${p}(t, e);
        }
        storageBarrier();`,
        )
        .join('')}
      }
    }`;
}
