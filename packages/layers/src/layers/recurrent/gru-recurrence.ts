/**
 * The GRU recurrence (Cho et al.; gates in Keras's order z, r, h), in both of Keras's forms:
 *
 * - reset before (`resetAfter: false`, Keras 1, TensorFlow.js):
 *   z = σ(x_z + h U_z), r = σ(x_r + h U_r), ĥ = act(x_h + (r h) U_h)
 * - reset after (`resetAfter: true`, Keras 2+ default, cuDNN-compatible):
 *   z, r as above with a recurrent bias b', ĥ = act(x_h + r (h U_h + b'_h))
 *
 * and h_t = z h_{t-1} + (1 − z) ĥ, with a hand-written backward pass (see `recurrence.ts`).
 */
import { type Activation, tf } from '@tensorfold/core';
import { isRecordingGradients } from '../../utils/engine.js';
import { derivativeFromOutput } from './activation-derivatives.js';
import {
  flattenTime,
  lastAxis,
  lastStep,
  optionalGradients,
  type RecurrenceInputs,
  type RecurrenceResult,
  type StepSplitter,
  timeSteps,
  withOptionalInputs,
} from './recurrence.js';

/** Extra input of the reset-after form. */
export interface GruInputs extends RecurrenceInputs {
  /** Reset-after form: the recurrent bias `[3U]`; null for the reset-before form. */
  recurrentBias: tf.Tensor1D | null;
}

interface Kept {
  gatesZR: tf.Tensor; // [T, B, 2U]
  candidates: tf.Tensor; // [T, B, U] ĥ
  previous: tf.Tensor; // [T, B, U] h_{t-1}
  recurrentInputs: tf.Tensor; // [T, B, U] h_{t-1} times the recurrent mask
  /** Reset before: r h_in; reset after: h_in U_h + b'_h. [T, B, U] */
  resetTerm: tf.Tensor;
}

function forward(
  inputs: GruInputs,
  activation: Activation,
  recurrentActivation: Activation,
  keep: boolean,
  steps_: StepSplitter = timeSteps,
) {
  const { inputProjection, recurrentKernel, initialStates, mask, recurrentMask, recurrentBias } = inputs;
  const [steps, batch, gates] = inputProjection.shape;
  const units = gates / 3;
  const xs = steps_(inputProjection); // T × [B, 3U]
  const masks = mask ? steps_(tf.greater(mask, 0.5)) : null;
  const kernelZR = tf.slice(recurrentKernel, [0, 0], [units, 2 * units]);
  const kernelH = tf.slice(recurrentKernel, [0, 2 * units], [units, units]);
  let h: tf.Tensor = initialStates[0];
  const outputs: tf.Tensor[] = [];
  const kept = {
    zr: [] as tf.Tensor[],
    hh: [] as tf.Tensor[],
    prev: [] as tf.Tensor[],
    hIn: [] as tf.Tensor[],
    reset: [] as tf.Tensor[],
  };
  for (let t = 0; t < steps; t++) {
    const hIn = recurrentMask ? tf.mul(h, recurrentMask) : h;
    const xZR = tf.slice(xs[t], [0, 0], [batch, 2 * units]);
    const xH = tf.slice(xs[t], [0, 2 * units], [batch, units]);
    let zr: tf.Tensor;
    let resetTerm: tf.Tensor;
    let candidate: tf.Tensor;
    if (recurrentBias) {
      const rec = tf.add(tf.matMul(hIn, recurrentKernel), recurrentBias); // [B, 3U]
      zr = recurrentActivation.apply(tf.add(xZR, tf.slice(rec, [0, 0], [batch, 2 * units])));
      resetTerm = tf.slice(rec, [0, 2 * units], [batch, units]);
      candidate = activation.apply(tf.add(xH, tf.mul(tf.slice(zr, [0, units], [batch, units]), resetTerm)));
    } else {
      zr = recurrentActivation.apply(tf.add(xZR, tf.matMul(hIn, kernelZR)));
      resetTerm = tf.mul(tf.slice(zr, [0, units], [batch, units]), hIn);
      candidate = activation.apply(tf.add(xH, tf.matMul(resetTerm, kernelH)));
    }
    const z = tf.slice(zr, [0, 0], [batch, units]);
    const hNew = tf.add(candidate, tf.mul(z, tf.sub(h, candidate)));
    if (keep) {
      kept.zr.push(zr);
      kept.hh.push(candidate);
      kept.prev.push(h);
      kept.hIn.push(hIn);
      kept.reset.push(resetTerm);
    }
    h = masks ? tf.where(masks[t], hNew, h) : hNew;
    outputs.push(h);
  }
  const sequence = tf.stack(outputs) as tf.Tensor3D;
  const saved: Kept | null = keep
    ? {
        gatesZR: tf.stack(kept.zr),
        candidates: tf.stack(kept.hh),
        previous: tf.stack(kept.prev),
        recurrentInputs: tf.stack(kept.hIn),
        resetTerm: tf.stack(kept.reset),
      }
    : null;
  return { sequence, saved };
}

function backward(
  dy: tf.Tensor,
  s: Kept & { kernel: tf.Tensor2D; mask: tf.Tensor | null; recurrentMask: tf.Tensor | null },
  resetAfter: boolean,
  activation: Activation,
  recurrentActivation: Activation,
): tf.Tensor[] {
  const actD = derivativeFromOutput(activation) as (y: tf.Tensor) => tf.Tensor;
  const recD = derivativeFromOutput(recurrentActivation) as (y: tf.Tensor) => tf.Tensor;
  const [steps, batch, units] = s.candidates.shape;
  // Transposed once: WASM's matMul is much slower with a transposed operand.
  const kernelT = tf.transpose(s.kernel); // [3U, U]
  const kernelZRT = tf.slice(kernelT, [0, 0], [2 * units, units]);
  const kernelHT = tf.slice(kernelT, [2 * units, 0], [units, units]);
  const z = lastAxis(s.gatesZR, 0, units);
  const r = lastAxis(s.gatesZR, units, units);
  const dZR = recD(s.gatesZR);
  // Linear in dh_new, for all steps: dz_pre = dh (h_{t-1} − ĥ) σ'(z); da = dh (1 − z) act'(ĥ).
  const toZ = timeSteps(tf.mul(tf.sub(s.previous, s.candidates), lastAxis(dZR, 0, units)));
  const toA = timeSteps(tf.mul(tf.sub(1, z), actD(s.candidates)));
  // Reset gate: reset after: dr_pre = da (h U_h + b'_h) σ'(r); reset before: dr_pre = d(r h) h σ'(r).
  const toR = timeSteps(tf.mul(resetAfter ? s.resetTerm : s.recurrentInputs, lastAxis(dZR, units, units)));
  const keepZ = timeSteps(z);
  const resets = timeSteps(r);
  const dOutputs = timeSteps(dy);
  const masks = s.mask ? timeSteps(s.mask) : null;
  const dA: tf.Tensor[] = new Array(steps);
  const dRec: tf.Tensor[] = new Array(steps); // gradient of the recurrent products' outputs
  let dhNext: tf.Tensor = tf.zeros([batch, units]);
  for (let t = steps - 1; t >= 0; t--) {
    const dh = tf.add(dOutputs[t], dhNext);
    const dhNew = masks ? tf.mul(dh, masks[t]) : dh;
    const dzPre = tf.mul(dhNew, toZ[t]);
    dA[t] = tf.mul(dhNew, toA[t]);
    let dhIn: tf.Tensor;
    if (resetAfter) {
      const drPre = tf.mul(dA[t], toR[t]);
      dRec[t] = tf.concat([dzPre, drPre, tf.mul(dA[t], resets[t])], 1); // [B, 3U]
      dhIn = tf.matMul(dRec[t], kernelT);
    } else {
      const dResetTerm = tf.matMul(dA[t], kernelHT); // d(r h_in)
      const drPre = tf.mul(dResetTerm, toR[t]);
      dRec[t] = tf.concat([dzPre, drPre], 1); // [B, 2U]
      dhIn = tf.add(tf.mul(dResetTerm, resets[t]), tf.matMul(dRec[t], kernelZRT));
    }
    if (s.recurrentMask) dhIn = tf.mul(dhIn, s.recurrentMask);
    let dhPrev = tf.add(tf.mul(dhNew, keepZ[t]), dhIn);
    if (masks) dhPrev = tf.add(dhPrev, tf.mul(tf.sub(1, masks[t]), dh));
    dhNext = dhPrev;
  }
  const dRecAll = tf.stack(dRec);
  const dAAll = tf.stack(dA);
  const hInT = tf.transpose(flattenTime(s.recurrentInputs)); // [U, T × B]
  let dProjection: tf.Tensor;
  let dKernel: tf.Tensor;
  const extra: tf.Tensor[] = [];
  if (resetAfter) {
    dProjection = tf.concat([lastAxis(dRecAll, 0, 2 * units), dAAll], 2);
    dKernel = tf.matMul(hInT, flattenTime(dRecAll));
    extra.push(tf.sum(dRecAll, [0, 1])); // recurrent bias
  } else {
    dProjection = tf.concat([dRecAll, dAAll], 2);
    dKernel = tf.concat(
      [
        tf.matMul(hInT, flattenTime(dRecAll)),
        tf.matMul(tf.transpose(flattenTime(s.resetTerm)), flattenTime(dAAll)),
      ],
      1,
    );
  }
  return [dProjection, dKernel, ...extra, dhNext, ...optionalGradients(s)];
}

/**
 * The GRU over all steps: `finalStates` is `[h_T]`. Uses the hand-written gradient when both
 * activations have an output-form derivative, else tfjs's automatic differentiation.
 */
export function gruRecurrence(
  inputs: GruInputs,
  activation: Activation,
  recurrentActivation: Activation,
): RecurrenceResult {
  const custom = derivativeFromOutput(activation) && derivativeFromOutput(recurrentActivation);
  const resetAfter = inputs.recurrentBias != null;
  let sequence: tf.Tensor3D;
  if (!custom) {
    sequence = forward(inputs, activation, recurrentActivation, false, tf.unstack).sequence;
  } else {
    const required = [
      inputs.inputProjection,
      inputs.recurrentKernel,
      ...(resetAfter ? [inputs.recurrentBias as tf.Tensor] : []),
      inputs.initialStates[0],
    ];
    const { list, at } = withOptionalInputs(required, inputs);
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const save = args[at.count] as tf.GradSaveFunc;
      const mask = at.mask >= 0 ? (args[at.mask] as tf.Tensor3D) : null;
      const recurrentMask = at.recurrentMask >= 0 ? (args[at.recurrentMask] as tf.Tensor2D) : null;
      const kernel = args[1] as tf.Tensor2D;
      const run = forward(
        {
          inputProjection: args[0] as tf.Tensor3D,
          recurrentKernel: kernel,
          recurrentBias: resetAfter ? (args[2] as tf.Tensor1D) : null,
          initialStates: [args[resetAfter ? 3 : 2] as tf.Tensor2D],
          mask,
          recurrentMask,
        },
        activation,
        recurrentActivation,
        isRecordingGradients(),
      );
      if (run.saved) {
        const k = run.saved;
        save([
          kernel,
          k.gatesZR,
          k.candidates,
          k.previous,
          k.recurrentInputs,
          k.resetTerm,
          ...(mask ? [mask] : []),
          ...(recurrentMask ? [recurrentMask] : []),
        ]);
      }
      return {
        value: run.sequence,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [k, gatesZR, candidates, previous, recurrentInputs, resetTerm, ...rest] = saved;
          return backward(
            dy,
            {
              kernel: k as tf.Tensor2D,
              gatesZR,
              candidates,
              previous,
              recurrentInputs,
              resetTerm,
              mask: mask ? rest[0] : null,
              recurrentMask: recurrentMask ? rest[mask ? 1 : 0] : null,
            },
            resetAfter,
            activation,
            recurrentActivation,
          );
        },
      };
    });
    sequence = op(...list) as tf.Tensor3D;
  }
  return { sequence, finalStates: [lastStep(sequence)] };
}
