/**
 * The simple (Elman) recurrence `h_t = act(xW + b + Uᵀ h_{t-1})`, with a hand-written backward
 * pass (see `recurrence.ts`; tensors are features × batch).
 */
import { type Activation, tf } from '@tensorfold/core';
import { derivativeFromOutput, type OutputDerivative } from './activation-derivatives.js';
import {
  customRecurrence,
  lastStep,
  outputGradients,
  type RecurrenceInputs,
  type RecurrenceMasks,
  type RecurrenceResult,
  sumOfOuterProducts,
  sumPresent,
} from './recurrence.js';

function forward(inputs: RecurrenceInputs, activation: Activation, keep: boolean) {
  const { inputProjection, recurrentKernel, initialStates, mask, recurrentMask } = inputs;
  const kernelT = tf.transpose(recurrentKernel); // [U, U]
  const xs = tf.unstack(inputProjection); // T × [U, B]
  const masks = mask ? tf.unstack(tf.greater(mask, 0.5)) : null;
  let h: tf.Tensor = initialStates[0];
  const outputs: tf.Tensor[] = [];
  const fresh: tf.Tensor[] = [];
  const hIns: tf.Tensor[] = [];
  xs.forEach((x, t) => {
    const hIn = recurrentMask ? tf.mul(h, recurrentMask) : h;
    const hNew = activation.apply(tf.add(x, tf.matMul(kernelT, hIn)));
    if (keep) {
      fresh.push(hNew);
      hIns.push(hIn);
    }
    h = masks ? tf.where(masks[t], hNew, h) : hNew;
    outputs.push(h);
  });
  const sequence = tf.stack(outputs) as tf.Tensor3D; // [T, U, B]
  return { sequence, kept: keep ? { fresh: tf.stack(fresh), recurrentInputs: tf.stack(hIns) } : null };
}

/** The hand-written backward pass: gradients of xW + b, U and h0 from the sequence's gradient. */
function backward(
  dy: tf.Tensor,
  s: RecurrenceMasks & {
    kernel: tf.Tensor;
    /** act(pre-activation) of every step, before masking `[T, U, B]`. */
    fresh: tf.Tensor;
    /** h_{t-1} times the recurrent mask `[T, U, B]`. */
    recurrentInputs: tf.Tensor;
    allOutputsUsed: boolean;
  },
  actD: OutputDerivative,
): tf.Tensor[] {
  const steps = s.fresh.shape[0];
  const dOutputs = outputGradients(dy, steps, s.allOutputsUsed);
  const slopes = tf.unstack(actD(s.fresh)); // act'(pre-activation) from the output
  const masks = s.mask ? tf.unstack(s.mask) : null;
  const da: tf.Tensor[] = new Array(steps);
  let dhNext: tf.Tensor | null = null;
  for (let t = steps - 1; t >= 0; t--) {
    const dh = sumPresent(dOutputs[t], dhNext);
    const dhNew = masks ? tf.mul(dh, masks[t]) : dh;
    da[t] = tf.mul(dhNew, slopes[t]);
    let dhPrev = tf.matMul(s.kernel, da[t]); // [U, B]
    if (s.recurrentMask) dhPrev = tf.mul(dhPrev, s.recurrentMask);
    if (masks) dhPrev = tf.add(dhPrev, tf.mul(tf.sub(1, masks[t]), dh));
    dhNext = dhPrev;
  }
  const dProjection = tf.stack(da); // [T, U, B]
  const dKernel = sumOfOuterProducts(s.recurrentInputs, dProjection);
  return [dProjection, dKernel, dhNext as tf.Tensor];
}

/**
 * The simple RNN over all steps: `finalStates` is `[h_T]`. Uses the hand-written gradient when
 * the activation has an output-form derivative, else tfjs's automatic differentiation.
 */
export function simpleRnnRecurrence(inputs: RecurrenceInputs, activation: Activation): RecurrenceResult {
  const actD = derivativeFromOutput(activation);
  const sequence = !actD
    ? forward(inputs, activation, false).sequence
    : (customRecurrence(
        [inputs.inputProjection, inputs.recurrentKernel, inputs.initialStates[0]],
        inputs,
        ([inputProjection, recurrentKernel, h0], masks, keep) => {
          const run = forward(
            {
              inputProjection: inputProjection as tf.Tensor3D,
              recurrentKernel: recurrentKernel as tf.Tensor2D,
              initialStates: [h0 as tf.Tensor2D],
              ...masks,
            },
            activation,
            keep,
          );
          const k = run.kept;
          return { value: run.sequence, kept: k && [recurrentKernel, k.fresh, k.recurrentInputs] };
        },
        (dy, [kernel, fresh, recurrentInputs], masks) =>
          backward(
            dy,
            { kernel, fresh, recurrentInputs, ...masks, allOutputsUsed: inputs.allOutputsUsed ?? true },
            actD,
          ),
      ) as tf.Tensor3D);
  return { sequence, finalStates: [lastStep(sequence)] };
}
