/**
 * The forward kernels of the fused recurrences on WebGPU ({@link FUSED_LSTM}, {@link FUSED_SIMPLE_RNN},
 * {@link FUSED_GRU}, {@link FUSED_GRU_RESET_BEFORE} of @tensorfold/core). Four kinds of program, all writing into the reserve but the last:
 *
 * 1. the input projection `x W + b` of every step at once (one thread per element), with copies of
 *    the kernels and of `x` that the backward pass needs;
 * 2. the starting states and the mask;
 * 3. the recurrence: per step, `h R` added to the projection, the gates, the new state (one dispatch
 *    per step, or one persistent workgroup for all: programs.ts);
 * 4. the output: h after every step (and the LSTM's last cell state) out of the reserve.
 */
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { FusedRecurrenceAttrs } from '@tensorfold/core';
import type { Cell } from './cells.js';
import { type Dims, type ReserveLayout, reserveLayout, uniformsOf } from './layout.js';
import { RecurrenceProgram, runProgram, runsPersistent } from './programs.js';
import { forwardStepCode, stepThreads } from './steps.js';

/** WGSL of program 1: kernel copies, `x`'s copy and the projection into the gate rows. */
function projectionCode(cell: Cell, bias: boolean): string {
  const { projections: P, gates: G } = cell;
  return `
    ${cell.gateRow}
    fn main(index : i32) {
      if (index >= uniforms.count) {
        return;
      }
      let T = uniforms.steps;
      let U = uniforms.units;
      let F = uniforms.features;
      let B = uniforms.batch;
      let PU = ${P} * U;
      var i = index;
      if (i < F * PU) {
        result[uniforms.oW + i] = inKernel[i];
        return;
      }
      i = i - F * PU;
      if (i < U * PU) {
        result[uniforms.oR + i] = inRecurrent[i];
        return;
      }
      i = i - U * PU;
      if (i < T * F * B) {
        result[uniforms.oX + i] = inX[i];
        return;
      }
      i = i - T * F * B;
      // [T, P·U, B]
      let b = i % B;
      let j = (i / B) % PU;
      let t = i / (B * PU);
      var s = ${bias ? cell.projectionBias : '0.0'};
      for (var f = 0; f < F; f = f + 1) {
        s = s + inKernel[f * PU + j] * inX[(t * F + f) * B + b];
      }
      let zt = uniforms.oZ + t * ${G} * U * B;
      result[zt + gateRow(j) * B + b] = s;
      ${cell.afterProjection(bias)}
    }`;
}

/** WGSL of program 2: the starting states (and the mask) into the reserve. */
function statesCode(cell: Cell, masked: boolean): string {
  return `
    fn main(index : i32) {
      if (index >= uniforms.count) {
        return;
      }
      let UB = uniforms.units * uniforms.batch;
      if (index < UB) {
        result[uniforms.oH + index] = inH0[index];
        ${cell.hasCell ? 'result[uniforms.oC + index] = inC0[index];' : ''}
        return;
      }
      ${masked ? 'result[uniforms.oM + index - UB] = inMask[index - UB];' : ''}
    }`;
}

/** WGSL of program 4: h after every step `[T, U, B]`, then (LSTM) the last cell state. */
const OUTPUT_CODE = `
  fn main(index : i32) {
    if (index >= uniforms.count) {
      return;
    }
    let UB = uniforms.units * uniforms.batch;
    let T = uniforms.steps;
    if (index < T * UB) {
      result[index] = inReserve[uniforms.oH + UB + index];
    } else {
      result[index] = inReserve[uniforms.oC + index];
    }
  }`;

/** Runs programs 1 to 3 (see the module doc) into `reserve`. */
function runRecurrence(
  backend: WebGPUBackend,
  cell: Cell,
  d: Dims,
  layout: ReserveLayout,
  inputs: Record<string, TensorInfo | undefined>,
  masked: boolean,
  reserve: TensorInfo,
): void {
  const { x, kernel, recurrentKernel, bias, h0, c0, mask } = inputs as Record<string, TensorInfo>;
  const width = cell.projections * d.units;
  const block = d.units * d.batch;
  const projected = d.features * width + d.units * width + d.steps * (d.features + width) * d.batch;
  const projection = new RecurrenceProgram(
    `${cell.kind}_projection_${bias != null}`,
    ['inX', 'inKernel', 'inRecurrent', ...(bias ? ['inBias'] : [])],
    [layout.length],
    projected,
    projectionCode(cell, bias != null),
  );
  const projectionInputs = [x, kernel, recurrentKernel, ...(bias ? [bias] : [])];
  runProgram(backend, projection, projectionInputs, reserve, uniformsOf(d, layout, null, projected));

  const stateCount = block + (masked ? d.steps * block : 0);
  const states = new RecurrenceProgram(
    `${cell.kind}_states_${masked}`,
    ['inH0', ...(cell.hasCell ? ['inC0'] : []), ...(masked ? ['inMask'] : [])],
    [layout.length],
    stateCount,
    statesCode(cell, masked),
  );
  const stateInputs = [h0, ...(cell.hasCell ? [c0] : []), ...(masked ? [mask] : [])];
  runProgram(backend, states, stateInputs, reserve, uniformsOf(d, layout, null, stateCount));

  const persistent = runsPersistent(backend, cell, d.units, d.batch);
  const threads = stepThreads(d.units, d.batch);
  // One program per phase of a step (two for a two-phase cell run a dispatch per step).
  const phases: Array<0 | 1> = cell.phases && !persistent ? [0, 1] : [0];
  const programs = phases.map(
    (phase) =>
      new RecurrenceProgram(
        `${cell.kind}_forward_${masked}_${persistent}_${phase}`,
        ['inRecurrent'],
        [layout.length],
        threads,
        forwardStepCode(cell, masked, persistent, phase),
        persistent,
      ),
  );
  if (persistent) {
    runProgram(
      backend,
      programs[0] as RecurrenceProgram,
      [recurrentKernel],
      reserve,
      uniformsOf(d, layout, null, threads),
    );
  } else {
    for (let t = 0; t < d.steps; t++) {
      for (const step of programs)
        runProgram(backend, step, [recurrentKernel], reserve, uniformsOf(d, layout, null, threads, t));
    }
  }
}

/** The forward kernel of `cell`: outputs the states (LSTM: `[T + 1, U, B]`; else `[T, U, B]`) and the reserve. */
function forwardKernel(cell: Cell): KernelFunc {
  return ({ inputs, attrs, backend: kernelBackend }) => {
    const backend = kernelBackend as WebGPUBackend;
    const named = inputs as Record<string, TensorInfo | undefined>;
    const masked = (attrs as unknown as FusedRecurrenceAttrs).masked && named.mask != null;
    const [steps, features, batch] = (named.x as TensorInfo).shape as [number, number, number];
    const units = (named.recurrentKernel as TensorInfo).shape[0] as number;
    const d: Dims = { steps, units, features, batch };
    const layout = reserveLayout(cell, d, masked);
    const outputShape = [cell.hasCell ? steps + 1 : steps, units, batch];
    const reserve = backend.makeTensorInfo([layout.length], 'float32');
    const output = backend.makeTensorInfo(outputShape, 'float32');
    try {
      runRecurrence(backend, cell, d, layout, named, masked, reserve);
      const count = outputShape.reduce((a, b) => a * b, 1);
      const out = new RecurrenceProgram(
        `${cell.kind}_output`,
        ['inReserve'],
        outputShape,
        count,
        OUTPUT_CODE,
      );
      runProgram(backend, out, [reserve], output, uniformsOf(d, layout, null, count));
      return [output, reserve];
    } catch (error) {
      backend.disposeData(output.dataId);
      backend.disposeData(reserve.dataId);
      throw error;
    }
  };
}

/** The forward kernel config of `cell` on WebGPU. */
export function forwardConfig(cell: Cell): KernelConfig {
  return { kernelName: cell.forwardName, backendName: 'webgpu', kernelFunc: forwardKernel(cell) };
}
