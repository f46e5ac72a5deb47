/**
 * The GRU recurrence (Cho et al.; gates in Keras's order z, r, h), in both of Keras's forms:
 *
 * - reset before (`resetAfter: false`, Keras 1, TensorFlow.js):
 *   z = σ(x_z + U_zᵀ h), r = σ(x_r + U_rᵀ h), ĥ = act(x_h + U_hᵀ (r h))
 * - reset after (`resetAfter: true`, Keras 2+ default, cuDNN-compatible):
 *   z, r as above with a recurrent bias b', ĥ = act(x_h + r (U_hᵀ h + b'_h))
 *
 * and h_t = z h_{t-1} + (1 − z) ĥ, with a hand-written backward pass (see `recurrence.ts`; tensors
 * are features × batch).
 */
import { type Activation, tf } from '@tensorfold/core';
import { derivativeFromOutput } from './activation-derivatives.js';
import {
  customRecurrence,
  lastStep,
  outputGradients,
  type RecurrenceInputs,
  type RecurrenceMasks,
  type RecurrenceResult,
  rows,
  sumOfOuterProducts,
  sumPresent,
} from './recurrence.js';

/** Extra input of the reset-after form. */
export interface GruInputs extends RecurrenceInputs {
  /** Reset-after form: the recurrent bias `[3U]`; null for the reset-before form. */
  recurrentBias: tf.Tensor1D | null;
}

/** What the backward pass needs, each stacked over time `[T, U, B]`. */
interface Kept {
  z: tf.Tensor;
  r: tf.Tensor;
  candidates: tf.Tensor;
  previous: tf.Tensor;
  /** h_{t-1} times the recurrent mask. */
  recurrentInputs: tf.Tensor;
  /** Reset before: r h_in; reset after: U_hᵀ h_in + b'_h. */
  resetTerm: tf.Tensor;
}

function forward(inputs: GruInputs, activation: Activation, recurrentActivation: Activation, keep: boolean) {
  const { inputProjection, recurrentKernel, initialStates, mask, recurrentMask, recurrentBias } = inputs;
  const units = recurrentKernel.shape[0];
  const kernelT = tf.transpose(recurrentKernel); // [3U, U]
  const kernelZRT = rows(kernelT, 0, 2 * units);
  const kernelHT = rows(kernelT, 2 * units, units);
  const bias = recurrentBias ? tf.reshape(recurrentBias, [3 * units, 1]) : null;
  const xs = tf.unstack(inputProjection); // T × [3U, B]
  const masks = mask ? tf.unstack(tf.greater(mask, 0.5)) : null;
  let h: tf.Tensor = initialStates[0];
  const outputs: tf.Tensor[] = [];
  const lists = {
    z: [] as tf.Tensor[],
    r: [] as tf.Tensor[],
    hh: [] as tf.Tensor[],
    prev: [] as tf.Tensor[],
    hIn: [] as tf.Tensor[],
    reset: [] as tf.Tensor[],
  };
  xs.forEach((x, t) => {
    const hIn = recurrentMask ? tf.mul(h, recurrentMask) : h;
    const xZR = rows(x, 0, 2 * units);
    const xH = rows(x, 2 * units, units);
    let zr: tf.Tensor;
    let resetTerm: tf.Tensor;
    let candidate: tf.Tensor;
    if (bias) {
      const rec = tf.add(tf.matMul(kernelT, hIn), bias); // [3U, B]
      zr = recurrentActivation.apply(tf.add(xZR, rows(rec, 0, 2 * units)));
      resetTerm = rows(rec, 2 * units, units);
      candidate = activation.apply(tf.add(xH, tf.mul(rows(zr, units, units), resetTerm)));
    } else {
      zr = recurrentActivation.apply(tf.add(xZR, tf.matMul(kernelZRT, hIn)));
      resetTerm = tf.mul(rows(zr, units, units), hIn);
      candidate = activation.apply(tf.add(xH, tf.matMul(kernelHT, resetTerm)));
    }
    const z = rows(zr, 0, units);
    const hNew = tf.add(candidate, tf.mul(z, tf.sub(h, candidate)));
    if (keep) {
      lists.z.push(z);
      lists.r.push(rows(zr, units, units));
      lists.hh.push(candidate);
      lists.prev.push(h);
      lists.hIn.push(hIn);
      lists.reset.push(resetTerm);
    }
    h = masks ? tf.where(masks[t], hNew, h) : hNew;
    outputs.push(h);
  });
  const sequence = tf.stack(outputs) as tf.Tensor3D; // [T, U, B]
  const kept: Kept | null = keep
    ? {
        z: tf.stack(lists.z),
        r: tf.stack(lists.r),
        candidates: tf.stack(lists.hh),
        previous: tf.stack(lists.prev),
        recurrentInputs: tf.stack(lists.hIn),
        resetTerm: tf.stack(lists.reset),
      }
    : null;
  return { sequence, kept };
}

function backward(
  dy: tf.Tensor,
  s: Kept &
    RecurrenceMasks & {
      kernel: tf.Tensor2D;
      allOutputsUsed: boolean;
    },
  resetAfter: boolean,
  activation: Activation,
  recurrentActivation: Activation,
): tf.Tensor[] {
  const actD = derivativeFromOutput(activation) as (y: tf.Tensor) => tf.Tensor;
  const recD = derivativeFromOutput(recurrentActivation) as (y: tf.Tensor) => tf.Tensor;
  const [steps, units] = s.candidates.shape as [number, number, number];
  const kernelZR = tf.slice(s.kernel, [0, 0], [units, 2 * units]); // [U, 2U]
  const kernelH = tf.slice(s.kernel, [0, 2 * units], [units, units]); // [U, U]
  // Linear in dh_new, for all steps: dz_pre = dh (h_{t-1} − ĥ) σ'(z); da = dh (1 − z) act'(ĥ).
  const toZ = tf.unstack(tf.mul(tf.sub(s.previous, s.candidates), recD(s.z)));
  const toA = tf.unstack(tf.mul(tf.sub(1, s.z), actD(s.candidates)));
  // Reset gate: reset after: dr_pre = da (U_hᵀ h + b'_h) σ'(r); reset before: dr_pre = d(r h) h σ'(r).
  const toR = tf.unstack(tf.mul(resetAfter ? s.resetTerm : s.recurrentInputs, recD(s.r)));
  const keepZ = tf.unstack(s.z);
  const resets = tf.unstack(s.r);
  const dOutputs = outputGradients(dy, steps, s.allOutputsUsed);
  const masks = s.mask ? tf.unstack(s.mask) : null;
  const dA: tf.Tensor[] = new Array(steps); // gradient of the candidate's pre-activation
  const dZR: tf.Tensor[] = new Array(steps); // gradients of the update and reset gates' pre-activations
  const dRA: tf.Tensor[] = new Array(steps); // reset after: gradient of U_hᵀ h + b'_h
  let dhNext: tf.Tensor | null = null;
  for (let t = steps - 1; t >= 0; t--) {
    const dh = sumPresent(dOutputs[t], dhNext);
    const dhNew = masks ? tf.mul(dh, masks[t]) : dh;
    const dzPre = tf.mul(dhNew, toZ[t]);
    dA[t] = tf.mul(dhNew, toA[t]);
    let dhIn: tf.Tensor;
    if (resetAfter) {
      dZR[t] = tf.concat([dzPre, tf.mul(dA[t], toR[t])], 0); // [2U, B]
      dRA[t] = tf.mul(dA[t], resets[t]);
      dhIn = tf.matMul(s.kernel, tf.concat([dZR[t], dRA[t]], 0)); // [U, B]
    } else {
      const dResetTerm = tf.matMul(kernelH, dA[t]); // d(r h_in)
      dZR[t] = tf.concat([dzPre, tf.mul(dResetTerm, toR[t])], 0); // [2U, B]
      dhIn = tf.add(tf.mul(dResetTerm, resets[t]), tf.matMul(kernelZR, dZR[t]));
    }
    if (s.recurrentMask) dhIn = tf.mul(dhIn, s.recurrentMask);
    let dhPrev = tf.add(tf.mul(dhNew, keepZ[t]), dhIn);
    if (masks) dhPrev = tf.add(dhPrev, tf.mul(tf.sub(1, masks[t]), dh));
    dhNext = dhPrev;
  }
  const dZRAll = tf.stack(dZR); // [T, 2U, B]
  const dAAll = tf.stack(dA); // [T, U, B]
  const dProjection = tf.concat([dZRAll, dAAll], 1); // [T, 3U, B]
  const extra: tf.Tensor[] = [];
  let dKernel: tf.Tensor;
  if (resetAfter) {
    const dRAAll = tf.stack(dRA);
    dKernel = tf.concat(
      [sumOfOuterProducts(s.recurrentInputs, dZRAll), sumOfOuterProducts(s.recurrentInputs, dRAAll)],
      1,
    );
    extra.push(tf.concat([tf.sum(dZRAll, [0, 2]), tf.sum(dRAAll, [0, 2])])); // recurrent bias [3U]
  } else {
    dKernel = tf.concat(
      [sumOfOuterProducts(s.recurrentInputs, dZRAll), sumOfOuterProducts(s.resetTerm, dAAll)],
      1,
    );
  }
  return [dProjection, dKernel, ...extra, dhNext as tf.Tensor];
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
  const sequence = !custom
    ? forward(inputs, activation, recurrentActivation, false).sequence
    : (customRecurrence(
        [
          inputs.inputProjection,
          inputs.recurrentKernel,
          ...(resetAfter ? [inputs.recurrentBias as tf.Tensor] : []),
          inputs.initialStates[0],
        ],
        inputs,
        (args, masks, keep) => {
          const [inputProjection, recurrentKernel] = args;
          const run = forward(
            {
              inputProjection: inputProjection as tf.Tensor3D,
              recurrentKernel: recurrentKernel as tf.Tensor2D,
              recurrentBias: resetAfter ? (args[2] as tf.Tensor1D) : null,
              initialStates: [args[resetAfter ? 3 : 2] as tf.Tensor2D],
              ...masks,
            },
            activation,
            recurrentActivation,
            keep,
          );
          const k = run.kept;
          return {
            value: run.sequence,
            kept: k && [recurrentKernel, k.z, k.r, k.candidates, k.previous, k.recurrentInputs, k.resetTerm],
          };
        },
        (dy, [kernel, z, r, candidates, previous, recurrentInputs, resetTerm], masks) =>
          backward(
            dy,
            {
              kernel: kernel as tf.Tensor2D,
              z,
              r,
              candidates,
              previous,
              recurrentInputs,
              resetTerm,
              ...masks,
              allOutputsUsed: inputs.allOutputsUsed ?? true,
            },
            resetAfter,
            activation,
            recurrentActivation,
          ),
      ) as tf.Tensor3D);
  return { sequence, finalStates: [lastStep(sequence)] };
}
