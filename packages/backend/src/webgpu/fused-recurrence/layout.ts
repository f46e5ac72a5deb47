/**
 * Where the fused recurrences on WebGPU keep their numbers: the forward's `reserve` (its second
 * output, read by the backward pass) and the backward's work buffer, as float offsets into one
 * flat buffer each, and the uniforms every program of them gets.
 *
 * Every per-step block is features × batch (`[rows, B]`), as the layers' recurrences and the
 * contract of @tensorfold/core's fused kernels.
 */
import type { Cell } from './cells.js';

/** The sizes of one fused recurrence: T steps, U units, F input features, B samples. */
export interface Dims {
  steps: number;
  units: number;
  features: number;
  batch: number;
}

/**
 * Float offsets into the reserve, and its length. It holds:
 * `W` (the input kernel, `[F, P·U]`) | `R` (the recurrent kernel, `[U, P·U]`) | `X` (the input,
 * `[T, F, B]`) | the mask `[T, U, B]` (when masked) | the gates `[T, G·U, B]` | `H`, the state before
 * each step and after the last, `[T + 1, U, B]` | the LSTM's cell states `C` `[T + 1, U, B]` and
 * tanh of each new cell state `[T, U, B]` (before masking).
 *
 * P is the cell's projection blocks and G its gate blocks (see {@link Cell}); the gates hold the
 * input projection until the step overwrites them with the activated gates.
 */
export interface ReserveLayout {
  w: number;
  r: number;
  x: number;
  mask: number;
  gates: number;
  h: number;
  c: number;
  tc: number;
  length: number;
}

/** The reserve's layout (see {@link ReserveLayout}). */
export function reserveLayout(cell: Cell, d: Dims, masked: boolean): ReserveLayout {
  const block = d.units * d.batch;
  const width = cell.projections * d.units;
  const w = 0;
  const r = w + d.features * width;
  const x = r + d.units * width;
  const mask = x + d.steps * d.features * d.batch;
  const gates = mask + (masked ? d.steps * block : 0);
  const h = gates + d.steps * cell.gates * block;
  const c = h + (d.steps + 1) * block;
  const tc = c + (cell.hasCell ? (d.steps + 1) * block : 0);
  return { w, r, x, mask, gates, h, c, tc, length: tc + (cell.hasCell ? d.steps * block : 0) };
}

/**
 * Float offsets into the backward pass's work buffer, and its length: the gradients of the gates'
 * pre-activations `[T, G·U, B]`, and the gradients carried from step to step: of the state `[U, B]`
 * (the part that does not come through the recurrent kernel) and, for the LSTM, of the cell `[U, B]`.
 */
export interface WorkLayout {
  dz: number;
  dh: number;
  dc: number;
  length: number;
}

/** The work buffer's layout (see {@link WorkLayout}). */
export function workLayout(cell: Cell, d: Dims): WorkLayout {
  const block = d.units * d.batch;
  const dz = 0;
  const dh = dz + d.steps * cell.gates * block;
  const dc = dh + block;
  return { dz, dh, dc, length: dc + (cell.hasCell ? block : 0) };
}

/** The uniforms of every fused-recurrence program, in order (each an `i32`). */
export const UNIFORM_NAMES = [
  'steps',
  'units',
  'features',
  'batch',
  /** How many elements the program computes (its threads, or its persistent loop's range). */
  'count',
  /** The time step of a program that runs one step. */
  'step',
  'oW',
  'oR',
  'oX',
  'oM',
  'oZ',
  'oH',
  'oC',
  'oTC',
  'oDZ',
  'oDH',
  'oDC',
] as const;

/** The WGSL declaration of {@link UNIFORM_NAMES} (a part of tfjs's `Uniforms` struct). */
export const UNIFORMS_WGSL = UNIFORM_NAMES.map((name) => `${name} : i32,`).join(' ');

/** The uniform values for a program over `count` elements at time step `step`. */
export function uniformsOf(
  d: Dims,
  reserve: ReserveLayout,
  work: WorkLayout | null,
  count: number,
  step = 0,
): Array<{ type: 'int32'; data: number[] }> {
  const values: Record<(typeof UNIFORM_NAMES)[number], number> = {
    steps: d.steps,
    units: d.units,
    features: d.features,
    batch: d.batch,
    count,
    step,
    oW: reserve.w,
    oR: reserve.r,
    oX: reserve.x,
    oM: reserve.mask,
    oZ: reserve.gates,
    oH: reserve.h,
    oC: reserve.c,
    oTC: reserve.tc,
    oDZ: work?.dz ?? 0,
    oDH: work?.dh ?? 0,
    oDC: work?.dc ?? 0,
  };
  return UNIFORM_NAMES.map((name) => ({ type: 'int32', data: [values[name]] }));
}
