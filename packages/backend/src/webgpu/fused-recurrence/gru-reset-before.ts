/**
 * The GRU in its reset-before form (Keras's `resetAfter: false`) as a cell of the fused recurrences
 * on WebGPU ({@link FUSED_GRU_RESET_BEFORE} and {@link FUSED_GRU_RESET_BEFORE_GRAD} of
 * @tensorfold/core): `ĥ = tanh(x W_h + b_h + (r ⊙ h) U_h)` needs every unit's r before the
 * candidate's recurrent product, so each step runs in two phases (two dispatches, or a storage
 * barrier between them in the persistent workgroup; steps.ts):
 *
 * - forward 0: `h [U_z | U_r]`, z and r, and `r ⊙ h`; forward 1: `(r ⊙ h) U_h`, ĥ and the new h;
 * - backward 0: the state's gradient (carried, plus `[U_z | U_r] [dz_z; dz_r]` of step t + 1),
 *   z's and the candidate's pre-activation gradients, and the carried `dh z`; backward 1:
 *   `g = U_h dĥ`, r's gradient `g h r (1 − r)`, and `r ⊙ g` added to the carried gradient.
 *
 * Gate blocks per step (reserve): z, r, the candidate ĥ (the projection `x W_h + b_h` until phase 1
 * overwrites it) and `r ⊙ h` (the recurrent kernel's gradient for the candidate's columns reads it,
 * backward.ts). The work buffer's blocks: z's, r's and the candidate's pre-activation gradients
 * (the fourth unused).
 */
import { FUSED_GRU_RESET_BEFORE, FUSED_GRU_RESET_BEFORE_GRAD } from '@tensorfold/core';
import { type Cell, GATE_PER_COLUMN, stateGradient } from './cells.js';
import { quadFunction } from './steps.js';

/** The phases of a forward step, for a thread's unit u and 4 samples (see the module doc). */
const FORWARD_QUAD0 = quadFunction(
  'stepQuad0',
  3,
  `let hp = uniforms.oH + t * U * B;
    // z's and r's recurrent products, [4 samples] each
    var accZ = vec4<f32>(0.0);
    var accR = vec4<f32>(0.0);
    for (var k = 0; k < U; k = k + 1) {
      let hv = fourSamples(hp + k * B, b0);
      let r = k * PU + u;
      accZ = accZ + inRecurrent[r] * hv;
      accR = accR + inRecurrent[r + U] * hv;
    }`,
  'stepForward0(t, u * B + b0 + i, accZ[i], accR[i])',
);
const FORWARD_QUAD1 = quadFunction(
  'stepQuad1',
  3,
  `let rh = uniforms.oZ + (t * 4 + 3) * U * B;
    // (r ⊙ h) U_h, [4 samples]
    var acc = vec4<f32>(0.0);
    for (var k = 0; k < U; k = k + 1) {
      acc = acc + inRecurrent[k * PU + 2 * U + u] * fourSamples(rh + k * B, b0);
    }`,
  'stepForward1(t, u * B + b0 + i, acc[i])',
);

/** The phases of a backward step, for a thread's unit u and 4 samples (see the module doc). */
const BACKWARD_QUAD0 = quadFunction(
  'stepQuad0',
  3,
  `// [U_z | U_r] [dz_z; dz_r] of step t + 1
    var rec = vec4<f32>(0.0);
    if (t < uniforms.steps - 1) {
      let dz = uniforms.oDZ + (t + 1) * 4 * U * B;
      let r = uniforms.oR + u * PU;
      for (var j = 0; j < 2 * U; j = j + 1) {
        rec = rec + inReserve[r + j] * fourSamples(dz + j * B, b0);
      }
    }`,
  'stepBackward(t, u * B + b0 + i, rec[i])',
);
const BACKWARD_QUAD1 = quadFunction(
  'stepQuad1',
  3,
  `// g = U_h dĥ of this step, [4 samples]
    let dh = uniforms.oDZ + (t * 4 + 2) * U * B;
    let r = uniforms.oR + u * PU + 2 * U;
    var g = vec4<f32>(0.0);
    for (var j = 0; j < U; j = j + 1) {
      g = g + inReserve[r + j] * fourSamples(dh + j * B, b0);
    }`,
  'stepBackward1(t, u * B + b0 + i, g[i])',
);

export const GRU_RESET_BEFORE: Cell = {
  kind: 'gruResetBefore',
  forwardName: FUSED_GRU_RESET_BEFORE,
  backwardName: FUSED_GRU_RESET_BEFORE_GRAD,
  projections: 3,
  gates: 4,
  hasCell: false,
  // bias [3U]
  ...GATE_PER_COLUMN,
  // Phase 0 here, phase 1 in `phases`.
  // z, r = σ (phase 0, with r ⊙ h); ĥ = tanh(x W_h + b_h + (r ⊙ h) U_h), h = z h' + (1 − z) ĥ
  // (phase 1; carried on padding).
  stepForward: `
  fn stepForward0(t : i32, e : i32, recZ : f32, recR : f32) {
    let UB = uniforms.units * uniforms.batch;
    let zt = uniforms.oZ + t * 4 * UB;
    let z = sigmoidOf(result[zt + e] + recZ);
    let r = sigmoidOf(result[zt + UB + e] + recR);
    result[zt + e] = z;
    result[zt + UB + e] = r;
    result[zt + 3 * UB + e] = r * result[uniforms.oH + t * UB + e];
  }`,
  phases: {
    forward: [
      FORWARD_QUAD0,
      `
  fn stepForward1(t : i32, e : i32, rec : f32) {
    let UB = uniforms.units * uniforms.batch;
    let zt = uniforms.oZ + t * 4 * UB;
    let hp = uniforms.oH + t * UB;
    let z = result[zt + e];
    let hh = tanhOf(result[zt + 2 * UB + e] + rec);
    result[zt + 2 * UB + e] = hh;
    let previous = result[hp + e];
    result[hp + UB + e] = select(previous, z * previous + (1.0 - z) * hh, isReal(t, e));
  }
  ${FORWARD_QUAD1}`,
    ],
    backward: [
      BACKWARD_QUAD0,
      `
  fn stepBackward1(t : i32, e : i32, g : f32) {
    let UB = uniforms.units * uniforms.batch;
    let r = inReserve[uniforms.oZ + t * 4 * UB + UB + e];
    let previous = inReserve[uniforms.oH + t * UB + e];
    result[uniforms.oDZ + t * 4 * UB + UB + e] = g * previous * r * (1.0 - r);
    result[uniforms.oDH + e] = result[uniforms.oDH + e] + r * g;
  }
  ${BACKWARD_QUAD1}`,
    ],
    stateColumns: '2 * U',
  },
  // Phase 0 (here): dz blocks z and the candidate's pre-activation; phase 1 (in `phases`, reading
  // only the reserve): block r, and r ⊙ U_h dĥ added to the carried gradient.
  stepBackward: `
  fn stepBackward(t : i32, e : i32, dhRec : f32) {
    let UB = uniforms.units * uniforms.batch;
    ${stateGradient('UB')}
    let zt = uniforms.oZ + t * 4 * UB;
    let z = inReserve[zt + e];
    let hh = inReserve[zt + 2 * UB + e];
    let previous = inReserve[uniforms.oH + t * UB + e];
    let dz = uniforms.oDZ + t * 4 * UB;
    result[dz + e] = dhNew * (previous - hh) * z * (1.0 - z);
    result[dz + 2 * UB + e] = dhNew * (1.0 - z) * (1.0 - hh * hh);
    result[uniforms.oDH + e] = dhNew * z + select(dh, 0.0, real);
  }`,
};
