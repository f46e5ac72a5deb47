/**
 * The cells of the fused recurrences on WebGPU (LSTM, simple RNN, GRU with reset after; the GRU with
 * reset before, whose steps run in two phases, is in gru-reset-before.ts), each
 * as the WGSL of one element `e = u·B + b` (unit u, sample b) of one time step, forward and backward,
 * plus how its input projection maps onto its gate rows. The recurrent products come in as arguments
 * (steps.ts computes them for 4 samples at a time); the programs (programs.ts) run the steps as a
 * dispatch per step or as a single-workgroup loop over the steps.
 *
 * WGSL names the snippets may use: `uniforms` (layout.ts's fields), `isReal(t, e)` (false where the
 * mask says padding), `sigmoidOf`, `tanhOf`; forward: `result` (the reserve), and `rec`, the recurrent
 * products `h R` of the element's gates (x, y, z, w in gate order); backward: `result` (the work
 * buffer), `inReserve`, `inDy`, `dhRec` (the state gradient from step t + 1 through the recurrent
 * kernel, `Σ_j R[u, j] dz_{t+1}[j, b]`; 0 at the last step) and `ALL_OUTPUTS`.
 */
import {
  FUSED_GRU,
  FUSED_GRU_GRAD,
  FUSED_LSTM,
  FUSED_LSTM_GRAD,
  FUSED_SIMPLE_RNN,
  FUSED_SIMPLE_RNN_GRAD,
} from '@tensorfold/core';

/** One recurrent cell's fused programs. */
export interface Cell {
  kind: 'lstm' | 'gru' | 'gruResetBefore' | 'simpleRnn';
  forwardName: string;
  backwardName: string;
  /** P: the kernels' column blocks (`[F, P·U]`, `[U, P·U]`): 4 (LSTM), 3 (GRU), 1 (simple RNN). */
  projections: number;
  /** G: the gate blocks kept per step in the reserve, `[G·U, B]`: 4, 4, 1. */
  gates: number;
  /** Whether it has a cell state (the LSTM): a second starting state `c0` and its gradient. */
  hasCell: boolean;
  /** WGSL `fn gateRow(j: i32) -> i32`: the gate row that the projection's column j feeds. */
  gateRow: string;
  /** WGSL expression: the bias of projection column `j` (input `inBias`), `U` in scope. */
  projectionBias: string;
  /**
   * WGSL run after a projection element (`j`, `t`, `b`, `U`, `B`, `zt` = the step's gates offset in
   * scope), for the GRU: presets the recurrent candidate block with its recurrent bias.
   */
  afterProjection: (bias: boolean) => string;
  /** WGSL `fn stepForward(t : i32, e : i32, rec : vec4<f32>)`. */
  stepForward: string;
  /** WGSL `fn stepBackward(t : i32, e : i32, dhRec : f32)`. */
  stepBackward: string;
  /**
   * For a cell whose step needs all units' results of a first phase before its second (the
   * reset-before GRU): per phase, forward and backward, the WGSL of `fn stepQuad0(t, index)` and
   * of `fn stepQuad1(t, index)` with what it calls beyond `stepForward` / `stepBackward` (which
   * serve phase 0; a dispatch of phase 1 includes only its own part, whose backward reads nothing
   * but `inReserve`), in place of steps.ts's one `stepQuad`; and `stateColumns`, the WGSL count of
   * the recurrent kernel's columns whose `dz` of step t + 1 the state gradient reads (`U`, `PU` in
   * scope; the cell carries the rest itself). Absent: one phase, all `P·U` columns.
   */
  phases?: { forward: [string, string]; backward: [string, string]; stateColumns: string };
}

/** WGSL helpers every program includes. */
export const ACTIVATIONS_WGSL = `
  fn sigmoidOf(v : f32) -> f32 {
    return 1.0 / (1.0 + exp(-v));
  }
  // tanh from exp(-2|v|) (no overflow for large |v|).
  fn tanhOf(v : f32) -> f32 {
    let e = exp(-2.0 * abs(v));
    let t = (1.0 - e) / (1.0 + e);
    return select(-t, t, v >= 0.0);
  }
`;

/**
 * The start of a backward step: `dh`, the state's gradient (carried from later steps, through the
 * recurrent kernel from step t + 1, and from this step's output), and `dhNew`, its part that reaches
 * this step (zero on padding).
 */
export function stateGradient(dyStride: string): string {
  return `
    let last = t == uniforms.steps - 1;
    var dh = 0.0;
    if (!last) {
      dh = result[uniforms.oDH + e] + dhRec;
    }
    if (ALL_OUTPUTS || last) {
      dh = dh + inDy[t * ${dyStride} + e];
    }
    let real = isReal(t, e);
    let dhNew = select(0.0, dh, real);`;
}

/**
 * The projection of a cell whose every projection column j feeds gate row j, with bias `[P·U]`
 * (all but the reset-after GRU's).
 */
export const GATE_PER_COLUMN: Pick<Cell, 'gateRow' | 'projectionBias' | 'afterProjection'> = {
  gateRow: 'fn gateRow(j : i32) -> i32 { return j; }',
  projectionBias: 'inBias[j]',
  afterProjection: () => '',
};

const LSTM: Cell = {
  kind: 'lstm',
  forwardName: FUSED_LSTM,
  backwardName: FUSED_LSTM_GRAD,
  projections: 4,
  gates: 4,
  hasCell: true,
  ...GATE_PER_COLUMN,
  // z = x W + b + h R; i, f, o = σ, g = tanh; c = f c' + i g; h = o tanh(c) (carried on padding).
  stepForward: `
  fn stepForward(t : i32, e : i32, rec : vec4<f32>) {
    let UB = uniforms.units * uniforms.batch;
    let zt = uniforms.oZ + t * 4 * UB;
    let hp = uniforms.oH + t * UB;
    let a0 = result[zt + e] + rec.x;
    let a1 = result[zt + UB + e] + rec.y;
    let a2 = result[zt + 2 * UB + e] + rec.z;
    let a3 = result[zt + 3 * UB + e] + rec.w;
    let ig = sigmoidOf(a0);
    let fg = sigmoidOf(a1);
    let gg = tanhOf(a2);
    let og = sigmoidOf(a3);
    result[zt + e] = ig;
    result[zt + UB + e] = fg;
    result[zt + 2 * UB + e] = gg;
    result[zt + 3 * UB + e] = og;
    let cp = result[uniforms.oC + t * UB + e];
    let c = fg * cp + ig * gg;
    let tc = tanhOf(c);
    result[uniforms.oTC + t * UB + e] = tc;
    let real = isReal(t, e);
    result[uniforms.oC + (t + 1) * UB + e] = select(cp, c, real);
    result[hp + UB + e] = select(result[hp + e], og * tc, real);
  }`,
  stepBackward: `
  fn stepBackward(t : i32, e : i32, dhRec : f32) {
    let UB = uniforms.units * uniforms.batch;
    ${stateGradient('UB')}
    var dc = 0.0;
    if (last) {
      dc = inDy[uniforms.steps * UB + e];
    } else {
      dc = result[uniforms.oDC + e];
    }
    let zt = uniforms.oZ + t * 4 * UB;
    let ig = inReserve[zt + e];
    let fg = inReserve[zt + UB + e];
    let gg = inReserve[zt + 2 * UB + e];
    let og = inReserve[zt + 3 * UB + e];
    let tc = inReserve[uniforms.oTC + t * UB + e];
    let dcNew = select(0.0, dc + dhNew * og * (1.0 - tc * tc), real);
    let dz = uniforms.oDZ + t * 4 * UB;
    result[dz + e] = dcNew * gg * ig * (1.0 - ig);
    result[dz + UB + e] = dcNew * inReserve[uniforms.oC + t * UB + e] * fg * (1.0 - fg);
    result[dz + 2 * UB + e] = dcNew * ig * (1.0 - gg * gg);
    result[dz + 3 * UB + e] = dhNew * tc * og * (1.0 - og);
    result[uniforms.oDC + e] = dcNew * fg + select(dc, 0.0, real);
    result[uniforms.oDH + e] = select(dh, 0.0, real);
  }`,
};

const SIMPLE_RNN: Cell = {
  kind: 'simpleRnn',
  forwardName: FUSED_SIMPLE_RNN,
  backwardName: FUSED_SIMPLE_RNN_GRAD,
  projections: 1,
  gates: 1,
  hasCell: false,
  ...GATE_PER_COLUMN,
  // h = tanh(x W + b + h R) (carried on padding); the gates keep tanh's value.
  stepForward: `
  fn stepForward(t : i32, e : i32, rec : vec4<f32>) {
    let UB = uniforms.units * uniforms.batch;
    let zt = uniforms.oZ + t * UB;
    let hp = uniforms.oH + t * UB;
    let v = tanhOf(result[zt + e] + rec.x);
    result[zt + e] = v;
    result[hp + UB + e] = select(result[hp + e], v, isReal(t, e));
  }`,
  stepBackward: `
  fn stepBackward(t : i32, e : i32, dhRec : f32) {
    let UB = uniforms.units * uniforms.batch;
    ${stateGradient('UB')}
    let v = inReserve[uniforms.oZ + t * UB + e];
    result[uniforms.oDZ + t * UB + e] = dhNew * (1.0 - v * v);
    result[uniforms.oDH + e] = select(dh, 0.0, real);
  }`,
};

/**
 * The GRU (reset after). Gate blocks per step: z, r, the candidate's recurrent part
 * `a = h R_h + b'_h`, and the candidate ĥ; the projection fills z, r (both biases summed) and,
 * in block 3, the candidate's input part `x W_h + b_h` (read before ĥ overwrites it), and presets
 * block 2 with b'_h.
 */
const GRU: Cell = {
  kind: 'gru',
  forwardName: FUSED_GRU,
  backwardName: FUSED_GRU_GRAD,
  projections: 3,
  gates: 4,
  hasCell: false,
  gateRow: 'fn gateRow(j : i32) -> i32 { return select(j, j + uniforms.units, j >= 2 * uniforms.units); }',
  // bias [2, 3U]: the input bias, then the recurrent bias (z and r: both added here).
  projectionBias: 'inBias[j] + select(0.0, inBias[3 * U + j], j < 2 * U)',
  afterProjection: (bias) => `
    if (j >= 2 * U) {
      result[zt + j * B + b] = ${bias ? 'inBias[3 * U + j]' : '0.0'};
    }`,
  // z, r = σ; ĥ = tanh(x W_h + b_h + r (h R_h + b'_h)); h = z h' + (1 − z) ĥ (carried on padding).
  stepForward: `
  fn stepForward(t : i32, e : i32, rec : vec4<f32>) {
    let UB = uniforms.units * uniforms.batch;
    let zt = uniforms.oZ + t * 4 * UB;
    let hp = uniforms.oH + t * UB;
    let az = result[zt + e] + rec.x;
    let ar = result[zt + UB + e] + rec.y;
    let ah = result[zt + 2 * UB + e] + rec.z;
    let xh = result[zt + 3 * UB + e];
    let z = sigmoidOf(az);
    let r = sigmoidOf(ar);
    let hh = tanhOf(xh + r * ah);
    result[zt + e] = z;
    result[zt + UB + e] = r;
    result[zt + 2 * UB + e] = ah;
    result[zt + 3 * UB + e] = hh;
    let previous = result[hp + e];
    result[hp + UB + e] = select(previous, z * previous + (1.0 - z) * hh, isReal(t, e));
  }`,
  // dz blocks: z's and r's pre-activations, the recurrent part a, the input part (x W_h + b_h).
  stepBackward: `
  fn stepBackward(t : i32, e : i32, dhRec : f32) {
    let UB = uniforms.units * uniforms.batch;
    ${stateGradient('UB')}
    let zt = uniforms.oZ + t * 4 * UB;
    let z = inReserve[zt + e];
    let r = inReserve[zt + UB + e];
    let a = inReserve[zt + 2 * UB + e];
    let hh = inReserve[zt + 3 * UB + e];
    let previous = inReserve[uniforms.oH + t * UB + e];
    let pre = dhNew * (1.0 - z) * (1.0 - hh * hh);
    let dz = uniforms.oDZ + t * 4 * UB;
    result[dz + e] = dhNew * (previous - hh) * z * (1.0 - z);
    result[dz + UB + e] = pre * a * r * (1.0 - r);
    result[dz + 2 * UB + e] = pre * r;
    result[dz + 3 * UB + e] = pre;
    result[uniforms.oDH + e] = dhNew * z + select(dh, 0.0, real);
  }`,
};

/** The cells by kind. */
export const CELLS = { lstm: LSTM, simpleRnn: SIMPLE_RNN, gru: GRU } as const;
