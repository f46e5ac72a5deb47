/**
 * The backward kernels of the fused recurrences on WebGPU ({@link FUSED_LSTM_GRAD},
 * {@link FUSED_SIMPLE_RNN_GRAD}, {@link FUSED_GRU_GRAD}, {@link FUSED_GRU_RESET_BEFORE_GRAD} of
 * @tensorfold/core), from the forward's
 * reserve (forward.ts):
 *
 * 1. back through time, into a work buffer: per step, the state's gradient (carried, from the step
 *    after through the recurrent kernel, and from the step's output) and the gates' pre-activation
 *    gradients `dz` (one dispatch per step, or one persistent workgroup: programs.ts);
 * 2. then each gradient one program over all steps at once: `dx = W dz`, `dW = Σ x dzᵀ`,
 *    `dR = Σ h dzᵀ`, `db = Σ dz`, `dh0 = carried + R dz_0` and the LSTM's `dc0`.
 */
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { FusedRecurrenceAttrs } from '@tensorfold/core';
import type { Cell } from './cells.js';
import { type Dims, reserveLayout, uniformsOf, workLayout } from './layout.js';
import { RecurrenceProgram, runProgram, runsPersistent } from './programs.js';
import { backwardStepCode, stepThreads } from './steps.js';

/**
 * WGSL `fn recurrentGradient(s, e)`: `Σ_j R[u, j] dz_s[j, b]` with dz in `buffer` (over the cell's
 * `stateColumns` where it has two phases).
 */
function recurrentGradientWgsl(cell: Cell, buffer: string): string {
  return `
    fn recurrentGradient(s : i32, e : i32) -> f32 {
      let U = uniforms.units;
      let B = uniforms.batch;
      let PU = ${cell.projections} * U;
      let u = e / B;
      let b = e - u * B;
      let dz = uniforms.oDZ + s * ${cell.gates} * U * B + b;
      let r = uniforms.oR + u * PU;
      var sum = 0.0;
      for (var j = 0; j < ${cell.phases?.stateColumns ?? 'PU'}; j = j + 1) {
        sum = sum + inReserve[r + j] * ${buffer}[dz + j * B];
      }
      return sum;
    }`;
}

/** WGSL prelude of the programs over all steps: sizes, and `dzAt(t, row, b)`. */
function allStepsPrelude(cell: Cell): string {
  return `
    ${cell.gateRow}
    fn dzAt(t : i32, row : i32, b : i32) -> f32 {
      let B = uniforms.batch;
      return inWork[uniforms.oDZ + (t * ${cell.gates} * uniforms.units + row) * B + b];
    }`;
}

/** WGSL of `dh0` `[U, B]`: the carried gradient plus `R dz_0` (zero without steps). */
function initialStateCode(cell: Cell): string {
  return `
    ${recurrentGradientWgsl(cell, 'inWork')}
    fn main(index : i32) {
      if (index >= uniforms.count) {
        return;
      }
      if (uniforms.steps == 0) {
        result[index] = 0.0;
        return;
      }
      result[index] = inWork[uniforms.oDH + index] + recurrentGradient(0, index);
    }`;
}

/** WGSL of the LSTM's `dc0` `[U, B]` (the packed output's last row without steps). */
const INITIAL_CELL_CODE = `
  fn main(index : i32) {
    if (index >= uniforms.count) {
      return;
    }
    if (uniforms.steps == 0) {
      result[index] = inDy[index];
    } else {
      result[index] = inWork[uniforms.oDC + index];
    }
  }`;

/** WGSL of `dx` `[T, F, B]` = `W dz` at every step. */
function inputGradientCode(cell: Cell): string {
  return `
    ${allStepsPrelude(cell)}
    fn main(index : i32) {
      if (index >= uniforms.count) {
        return;
      }
      let B = uniforms.batch;
      let F = uniforms.features;
      let PU = ${cell.projections} * uniforms.units;
      let b = index % B;
      let f = (index / B) % F;
      let t = index / (B * F);
      let w = uniforms.oW + f * PU;
      var sum = 0.0;
      for (var j = 0; j < PU; j = j + 1) {
        sum = sum + inReserve[w + j] * dzAt(t, gateRow(j), b);
      }
      result[index] = sum;
    }`;
}

/**
 * WGSL of the bias's gradient `[P·U]` (the GRU's `[2, 3U]`: the input bias's, then the recurrent
 * bias's), `Σ dz` over steps and samples.
 */
function biasGradientCode(cell: Cell): string {
  return `
    ${allStepsPrelude(cell)}
    fn main(index : i32) {
      if (index >= uniforms.count) {
        return;
      }
      let B = uniforms.batch;
      let PU = ${cell.projections} * uniforms.units;
      let k = index / PU;
      let j = index - k * PU;
      let row = select(j, gateRow(j), k == 0);
      var sum = 0.0;
      for (var t = 0; t < uniforms.steps; t = t + 1) {
        for (var b = 0; b < B; b = b + 1) {
          sum = sum + dzAt(t, row, b);
        }
      }
      result[index] = sum;
    }`;
}

/** Rows and columns of the 4 × 4 block of a weight's gradient that one thread sums. */
const TILE = 4;

/** Threads of {@link weightGradientCode}: one per 4 × 4 block of `[rows, columns]`. */
function weightGradientThreads(rows: number, columns: number): number {
  return Math.ceil(rows / TILE) * Math.ceil(columns / TILE);
}

/**
 * WGSL of a kernel's gradient `[rows, P·U]`, summed over steps and samples: `kernel` (`Σ x dzᵀ`,
 * rows F) or `recurrent` (`Σ h dzᵀ`, h the state before each step, rows U). Each thread sums a 4 × 4
 * block (8 loads for 16 multiply-adds); rows and columns past the end are clamped and not written.
 */
function weightGradientCode(cell: Cell, which: 'kernel' | 'recurrent'): string {
  const [rows, gateRow, source] = {
    kernel: ['uniforms.features', 'gateRow', 'uniforms.oX + t * uniforms.features * B'],
    recurrent: ['uniforms.units', '', 'uniforms.oH + t * uniforms.units * B'],
  }[which];
  // The reset-before GRU's candidate columns (2U … 3U) of the recurrent kernel: Σ (r ⊙ h) dĥᵀ, with
  // r ⊙ h the reserve's gate block 3.
  const candidateFromRh = which === 'recurrent' && cell.kind === 'gruResetBefore';
  return `
    ${allStepsPrelude(cell)}
    fn main(index : i32) {
      if (index >= uniforms.count) {
        return;
      }
      let B = uniforms.batch;
      let G = ${cell.gates} * uniforms.units;
      let rows = ${rows};
      let PU = ${cell.projections} * uniforms.units;
      let columnBlocks = (PU + 3) / 4;
      let k0 = (index / columnBlocks) * 4;
      let j0 = (index - (index / columnBlocks) * columnBlocks) * 4;
      let k = vec4<i32>(min(k0, rows - 1), min(k0 + 1, rows - 1), min(k0 + 2, rows - 1), min(k0 + 3, rows - 1));
      let j = vec4<i32>(min(j0, PU - 1), min(j0 + 1, PU - 1), min(j0 + 2, PU - 1), min(j0 + 3, PU - 1));
      let dzRows = vec4<i32>(${gateRow}(j.x), ${gateRow}(j.y), ${gateRow}(j.z), ${gateRow}(j.w)) * B;
      let factorRows = k * B;
      ${candidateFromRh ? 'let candidate = select(vec4<f32>(0.0), vec4<f32>(1.0), j >= vec4<i32>(2 * uniforms.units));' : ''}
      // [4 rows] of [4 columns]
      var acc = array<vec4<f32>, 4>(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
      for (var t = 0; t < uniforms.steps; t = t + 1) {
        let dzStep = uniforms.oDZ + t * G * B;
        let origin = ${source};
        for (var b = 0; b < B; b = b + 1) {
          let dz = vec4<f32>(
            inWork[dzStep + dzRows.x + b],
            inWork[dzStep + dzRows.y + b],
            inWork[dzStep + dzRows.z + b],
            inWork[dzStep + dzRows.w + b]);
${
  candidateFromRh
    ? `          let dzH = dz * (1.0 - candidate);
          let dzC = dz * candidate;
          let rh = uniforms.oZ + (t * ${cell.gates} + 3) * uniforms.units * B;
          acc[0] = acc[0] + inReserve[origin + factorRows.x + b] * dzH + inReserve[rh + factorRows.x + b] * dzC;
          acc[1] = acc[1] + inReserve[origin + factorRows.y + b] * dzH + inReserve[rh + factorRows.y + b] * dzC;
          acc[2] = acc[2] + inReserve[origin + factorRows.z + b] * dzH + inReserve[rh + factorRows.z + b] * dzC;
          acc[3] = acc[3] + inReserve[origin + factorRows.w + b] * dzH + inReserve[rh + factorRows.w + b] * dzC;`
    : `          acc[0] = acc[0] + inReserve[origin + factorRows.x + b] * dz;
          acc[1] = acc[1] + inReserve[origin + factorRows.y + b] * dz;
          acc[2] = acc[2] + inReserve[origin + factorRows.z + b] * dz;
          acc[3] = acc[3] + inReserve[origin + factorRows.w + b] * dz;`
}
        }
      }
      for (var r = 0; r < 4; r = r + 1) {
        for (var c = 0; c < 4; c = c + 1) {
          if (k0 + r < rows && j0 + c < PU) {
            result[(k0 + r) * PU + j0 + c] = acc[r][c];
          }
        }
      }
    }`;
}

/** The backward kernel of `cell`: `[dx, dKernel, dRecurrentKernel, dBias, dh0]` (LSTM: and `dc0`). */
function backwardKernel(cell: Cell): KernelFunc {
  return ({ inputs, attrs, backend: kernelBackend }) => {
    const backend = kernelBackend as WebGPUBackend;
    const { dy, reserve } = inputs as Record<string, TensorInfo>;
    const { allOutputsUsed, masked, features } = attrs as unknown as FusedRecurrenceAttrs;
    const [rows, units, batch] = (dy as TensorInfo).shape as [number, number, number];
    const steps = cell.hasCell ? rows - 1 : rows;
    const d: Dims = { steps, units, features, batch };
    const layout = reserveLayout(cell, d, masked);
    const work = workLayout(cell, d);
    const width = cell.projections * units;
    const block = units * batch;
    const biasShape = cell.kind === 'gru' ? [2, width] : [width];
    const outputs = [
      backend.makeTensorInfo([steps, features, batch], 'float32'),
      backend.makeTensorInfo([features, width], 'float32'),
      backend.makeTensorInfo([units, width], 'float32'),
      backend.makeTensorInfo(biasShape, 'float32'),
      backend.makeTensorInfo([units, batch], 'float32'),
      ...(cell.hasCell ? [backend.makeTensorInfo([units, batch], 'float32')] : []),
    ];
    const workInfo = backend.makeTensorInfo([work.length], 'float32');
    const uniforms = (count: number, step = 0) => uniformsOf(d, layout, work, count, step);
    const program = (key: string, names: string[], shape: number[], count: number, code: string) =>
      new RecurrenceProgram(`${cell.kind}_${key}`, names, shape, count, code);
    try {
      const persistent = runsPersistent(backend, cell, units, batch);
      const threads = stepThreads(units, batch);
      // One program per phase of a step (two for a two-phase cell run a dispatch per step).
      const phases: Array<0 | 1> = cell.phases && !persistent ? [0, 1] : [0];
      const stepPrograms = phases.map(
        (phase) =>
          new RecurrenceProgram(
            `${cell.kind}_backward_${masked}_${allOutputsUsed}_${persistent}_${phase}`,
            // A second phase reads only the reserve (WebGPU rejects a bound buffer the shader never reads).
            phase === 1 ? ['inReserve'] : ['inReserve', 'inDy'],
            [work.length],
            threads,
            backwardStepCode(cell, masked, allOutputsUsed, persistent, phase),
            persistent,
          ),
      );
      if (persistent) {
        runProgram(backend, stepPrograms[0] as RecurrenceProgram, [reserve, dy], workInfo, uniforms(threads));
      } else {
        for (let t = steps - 1; t >= 0; t--) {
          for (const [phase, step] of stepPrograms.entries()) {
            const stepInputs = phase === 1 ? [reserve] : [reserve, dy];
            runProgram(backend, step, stepInputs as TensorInfo[], workInfo, uniforms(threads, t));
          }
        }
      }
      const both = [reserve, workInfo];
      const [dx, dKernel, dRecurrent, dBias, dh0, dc0] = outputs as TensorInfo[];
      const sized = (info: TensorInfo) => info.shape.reduce((a, b) => a * b, 1);
      // The bias's gradient reads only the work buffer (WebGPU rejects a bound buffer the shader never reads).
      const runAll = (key: string, output: TensorInfo, code: string, workOnly = false) =>
        runProgram(
          backend,
          program(key, workOnly ? ['inWork'] : ['inReserve', 'inWork'], output.shape, sized(output), code),
          workOnly ? [workInfo] : both,
          output,
          uniforms(sized(output)),
        );
      runAll('dx', dx as TensorInfo, inputGradientCode(cell));
      for (const [key, output, rows] of [
        ['kernel', dKernel, features],
        ['recurrent', dRecurrent, units],
      ] as const) {
        const threads = weightGradientThreads(rows, width);
        const code = weightGradientCode(cell, key);
        const weights = program(
          `d_${key}`,
          ['inReserve', 'inWork'],
          (output as TensorInfo).shape,
          threads,
          code,
        );
        runProgram(backend, weights, both, output as TensorInfo, uniforms(threads));
      }
      runAll('dBias', dBias as TensorInfo, biasGradientCode(cell), true);
      runAll('dh0', dh0 as TensorInfo, initialStateCode(cell));
      if (dc0) {
        const cellProgram = program('dc0', ['inWork', 'inDy'], dc0.shape, block, INITIAL_CELL_CODE);
        runProgram(backend, cellProgram, [workInfo, dy], dc0, uniforms(block));
      }
      return outputs;
    } catch (error) {
      for (const info of outputs) backend.disposeData(info.dataId);
      throw error;
    } finally {
      backend.disposeData(workInfo.dataId);
    }
  };
}

/** The backward kernel config of `cell` on WebGPU. */
export function backwardConfig(cell: Cell): KernelConfig {
  return { kernelName: cell.backwardName, backendName: 'webgpu', kernelFunc: backwardKernel(cell) };
}
