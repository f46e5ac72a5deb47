/**
 * The WGSL of one time step of the fused recurrences, for one thread: a unit u and 4 neighbouring
 * samples. Forward, the recurrent products `h R` of u's gates for the 4 samples (each load of `R`
 * serves 4 samples, each load of h every gate), then the cell's element step (cells.ts) for each;
 * backward, the state gradients `Σ_j R[u, j] dz_{t+1}[j, b]` for the 4 samples, then the cell's
 * element step for each. Samples past the batch read its last sample (clamped) and are not written.
 */
import type { Cell } from './cells.js';
import { isRealWgsl, stepsMain } from './programs.js';

/** Samples per thread of a step program. */
export const SAMPLES_PER_THREAD = 4;

/** The threads (or persistent-loop elements) of a step program: units × ⌈batch / 4⌉. */
export function stepThreads(units: number, batch: number): number {
  return units * Math.ceil(batch / SAMPLES_PER_THREAD);
}

/** WGSL: `fourSamples(row, b0)`, the samples b0 … b0 + 3 of a `[rows, B]` row of `result`; the thread's u and b0. */
const SHARED = `
  fn fourSamples(row : i32, b0 : i32) -> vec4<f32> {
    let last = uniforms.batch - 1;
    return vec4<f32>(
      result[row + min(b0, last)],
      result[row + min(b0 + 1, last)],
      result[row + min(b0 + 2, last)],
      result[row + min(b0 + 3, last)]);
  }
  fn unitOf(index : i32) -> i32 {
    return index / ((uniforms.batch + 3) / 4);
  }
  fn firstSampleOf(index : i32) -> i32 {
    return (index - unitOf(index) * ((uniforms.batch + 3) / 4)) * 4;
  }`;

/**
 * WGSL of `fn name(t, index)`, a step (or phase) for one thread: its unit `u` and the 4 samples from
 * `b0`. `body` computes the 4 samples' products, with `U`, `B`, `PU` (`projections` × U), `u` and
 * `b0` in scope; then `step`, a call that reads `e = u * B + b0 + i` and the sample `i` of the
 * products, runs for each sample inside the batch.
 */
export function quadFunction(name: string, projections: number, body: string, step: string): string {
  return `
  fn ${name}(t : i32, index : i32) {
    let U = uniforms.units;
    let B = uniforms.batch;
    let PU = ${projections} * U;
    let u = unitOf(index);
    let b0 = firstSampleOf(index);
    ${body}
    for (var i = 0; i < 4; i = i + 1) {
      if (b0 + i < B) {
        ${step};
      }
    }
  }`;
}

/**
 * WGSL of the forward step program (output: the reserve; input: `inRecurrent`); for a two-phase
 * cell, of its `phase` (both when persistent).
 */
export function forwardStepCode(cell: Cell, masked: boolean, persistent: boolean, phase: 0 | 1 = 0): string {
  if (cell.phases) {
    return `
    ${SHARED}
    ${isRealWgsl(masked, 'result')}
    ${persistent || phase === 0 ? `${cell.stepForward}\n${cell.phases.forward[0]}` : ''}
    ${persistent || phase === 1 ? cell.phases.forward[1] : ''}
    ${stepsMain(persistent, false, phase)}`;
  }
  const gates = Array.from({ length: cell.projections }, (_, g) => g);
  return `
    ${SHARED}
    ${isRealWgsl(masked, 'result')}
    ${cell.stepForward}
    ${quadFunction(
      'stepQuad',
      cell.projections,
      `let hp = uniforms.oH + t * U * B;
      // [gate] of [4 samples]
      var acc = array<vec4<f32>, 4>(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
      for (var k = 0; k < U; k = k + 1) {
        let hv = fourSamples(hp + k * B, b0);
        let r = k * PU + u;
        ${gates.map((g) => `acc[${g}] = acc[${g}] + inRecurrent[r + ${g} * U] * hv;`).join('\n        ')}
      }`,
      'stepForward(t, u * B + b0 + i, vec4<f32>(acc[0][i], acc[1][i], acc[2][i], acc[3][i]))',
    )}
    ${stepsMain(persistent, false)}`;
}

/**
 * WGSL of the backward step program (output: the work buffer; inputs: `inReserve`, `inDy`); for a
 * two-phase cell, of its `phase` (both when persistent).
 */
export function backwardStepCode(
  cell: Cell,
  masked: boolean,
  allOutputs: boolean,
  persistent: boolean,
  phase: 0 | 1 = 0,
): string {
  if (cell.phases) {
    return `
    const ALL_OUTPUTS = ${allOutputs};
    ${SHARED}
    ${isRealWgsl(masked, 'inReserve')}
    ${persistent || phase === 0 ? `${cell.stepBackward}\n${cell.phases.backward[0]}` : ''}
    ${persistent || phase === 1 ? cell.phases.backward[1] : ''}
    ${stepsMain(persistent, true, phase)}`;
  }
  return `
    const ALL_OUTPUTS = ${allOutputs};
    ${SHARED}
    ${isRealWgsl(masked, 'inReserve')}
    ${cell.stepBackward}
    ${quadFunction(
      'stepQuad',
      cell.projections,
      `var rec = vec4<f32>(0.0);
      if (t < uniforms.steps - 1) {
        let dz = uniforms.oDZ + (t + 1) * ${cell.gates} * U * B;
        let r = uniforms.oR + u * PU;
        for (var j = 0; j < PU; j = j + 1) {
          rec = rec + inReserve[r + j] * fourSamples(dz + j * B, b0);
        }
      }`,
      'stepBackward(t, u * B + b0 + i, rec[i])',
    )}
    ${stepsMain(persistent, true)}`;
}
