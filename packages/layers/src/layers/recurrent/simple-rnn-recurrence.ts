/**
 * The simple (Elman) recurrence `h_t = act(xW + b + Uᵀ h_{t-1})`, with a hand-written backward
 * pass (see `recurrence.ts`; tensors are features × batch).
 */
import { type Activation, tf } from '@tensorfold/core';
import { isRecordingGradients } from '../../utils/engine.js';
import { derivativeFromOutput } from './activation-derivatives.js';
import {
  lastStep,
  optionalGradients,
  outputGradients,
  type RecurrenceInputs,
  type RecurrenceResult,
  sumOfOuterProducts,
  sumPresent,
  withOptionalInputs,
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

/**
 * The simple RNN over all steps: `finalStates` is `[h_T]`. Uses the hand-written gradient when
 * the activation has an output-form derivative, else tfjs's automatic differentiation.
 */
export function simpleRnnRecurrence(inputs: RecurrenceInputs, activation: Activation): RecurrenceResult {
  const actD = derivativeFromOutput(activation);
  let sequence: tf.Tensor3D;
  if (!actD) {
    sequence = forward(inputs, activation, false).sequence;
  } else {
    const { list, at } = withOptionalInputs(
      [inputs.inputProjection, inputs.recurrentKernel, inputs.initialStates[0]],
      inputs,
    );
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const save = args[at.count] as tf.GradSaveFunc;
      const mask = at.mask >= 0 ? (args[at.mask] as tf.Tensor3D) : null;
      const recurrentMask = at.recurrentMask >= 0 ? (args[at.recurrentMask] as tf.Tensor2D) : null;
      const kernel = args[1] as tf.Tensor2D;
      const run = forward(
        {
          inputProjection: args[0] as tf.Tensor3D,
          recurrentKernel: kernel,
          initialStates: [args[2] as tf.Tensor2D],
          mask,
          recurrentMask,
        },
        activation,
        isRecordingGradients(),
      );
      if (run.kept)
        save([
          kernel,
          run.kept.fresh,
          run.kept.recurrentInputs,
          ...(mask ? [mask] : []),
          ...(recurrentMask ? [recurrentMask] : []),
        ]);
      return {
        value: run.sequence,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [k, fresh, recurrentInputs, ...rest] = saved;
          const savedMask = mask ? rest[0] : null;
          const savedRecurrentMask = recurrentMask ? rest[mask ? 1 : 0] : null;
          const steps = fresh.shape[0];
          const dOutputs = outputGradients(dy, steps, inputs.allOutputsUsed ?? true);
          const slopes = tf.unstack(actD(fresh)); // act'(pre-activation) from the output
          const masks = savedMask ? tf.unstack(savedMask) : null;
          const da: tf.Tensor[] = new Array(steps);
          let dhNext: tf.Tensor | null = null;
          for (let t = steps - 1; t >= 0; t--) {
            const dh = sumPresent(dOutputs[t], dhNext);
            const dhNew = masks ? tf.mul(dh, masks[t]) : dh;
            da[t] = tf.mul(dhNew, slopes[t]);
            let dhPrev = tf.matMul(k, da[t]); // [U, B]
            if (savedRecurrentMask) dhPrev = tf.mul(dhPrev, savedRecurrentMask);
            if (masks) dhPrev = tf.add(dhPrev, tf.mul(tf.sub(1, masks[t]), dh));
            dhNext = dhPrev;
          }
          const dProjection = tf.stack(da); // [T, U, B]
          const dKernel = sumOfOuterProducts(recurrentInputs, dProjection);
          return [
            dProjection,
            dKernel,
            dhNext as tf.Tensor,
            ...optionalGradients({ mask: savedMask, recurrentMask: savedRecurrentMask }),
          ];
        },
      };
    });
    sequence = op(...list) as tf.Tensor3D;
  }
  return { sequence, finalStates: [lastStep(sequence)] };
}
