/**
 * The LSTM recurrence (Hochreiter and Schmidhuber; gates in Keras's order i, f, c, o):
 *
 *   z = xW + b + h_{t-1} U,   i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o)
 *   c_t = f c_{t-1} + i g,    h_t = o act(c_t)
 *
 * with a hand-written backward pass (see `recurrence.ts`).
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
  unpack,
  withOptionalInputs,
} from './recurrence.js';

interface Saved {
  recurrentKernel: tf.Tensor2D;
  gatesIF: tf.Tensor; // [T, B, 2U] σ(z_i), σ(z_f)
  candidates: tf.Tensor; // [T, B, U] g
  gatesO: tf.Tensor; // [T, B, U] σ(z_o)
  cellOutputs: tf.Tensor; // [T, B, U] act(c_t) before masking
  previousCells: tf.Tensor; // [T, B, U] c_{t-1}
  recurrentInputs: tf.Tensor; // [T, B, U] h_{t-1} (times the recurrent mask)
  mask: tf.Tensor | null;
  recurrentMask: tf.Tensor | null;
}

/** Runs the loop; when `keep` is set, also returns what the backward pass needs. */
function forward(
  inputs: RecurrenceInputs,
  activation: Activation,
  recurrentActivation: Activation,
  keep: boolean,
  steps_: StepSplitter = timeSteps,
): { packed: tf.Tensor; saved: Omit<Saved, 'recurrentKernel' | 'mask' | 'recurrentMask'> | null } {
  const { inputProjection, recurrentKernel, initialStates, mask, recurrentMask } = inputs;
  const [steps, batch, gates] = inputProjection.shape;
  const units = gates / 4;
  const xs = steps_(inputProjection); // T × [B, 4U]
  const masks = mask ? steps_(tf.greater(mask, 0.5)) : null;
  let [h, c] = initialStates as tf.Tensor[];
  const outputs: tf.Tensor[] = [];
  const kept = {
    gatesIF: [] as tf.Tensor[],
    g: [] as tf.Tensor[],
    o: [] as tf.Tensor[],
    tc: [] as tf.Tensor[],
    cPrev: [] as tf.Tensor[],
    hIn: [] as tf.Tensor[],
  };
  for (let t = 0; t < steps; t++) {
    const hIn = recurrentMask ? tf.mul(h, recurrentMask) : h;
    const z = tf.add(xs[t], tf.matMul(hIn, recurrentKernel)); // [B, 4U]
    const gatesIF = recurrentActivation.apply(tf.slice(z, [0, 0], [batch, 2 * units]));
    const g = activation.apply(tf.slice(z, [0, 2 * units], [batch, units]));
    const o = recurrentActivation.apply(tf.slice(z, [0, 3 * units], [batch, units]));
    const i = tf.slice(gatesIF, [0, 0], [batch, units]);
    const f = tf.slice(gatesIF, [0, units], [batch, units]);
    const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
    const tc = activation.apply(cNew);
    const hNew = tf.mul(o, tc);
    if (keep) {
      kept.gatesIF.push(gatesIF);
      kept.g.push(g);
      kept.o.push(o);
      kept.tc.push(tc);
      kept.cPrev.push(c);
      kept.hIn.push(hIn);
    }
    if (masks) {
      c = tf.where(masks[t], cNew, c);
      h = tf.where(masks[t], hNew, h);
    } else {
      c = cNew;
      h = hNew;
    }
    outputs.push(h);
  }
  const packed = tf.concat([tf.stack(outputs), tf.expandDims(c, 0)], 0); // [T + 1, B, U]
  if (!keep) return { packed, saved: null };
  return {
    packed,
    saved: {
      gatesIF: tf.stack(kept.gatesIF),
      candidates: tf.stack(kept.g),
      gatesO: tf.stack(kept.o),
      cellOutputs: tf.stack(kept.tc),
      previousCells: tf.stack(kept.cPrev),
      recurrentInputs: tf.stack(kept.hIn),
    },
  };
}

/** The hand-written backward pass: gradients of xW + b, U, h0 and c0 from the packed output's gradient. */
function backward(
  dy: tf.Tensor,
  s: Saved,
  activation: Activation,
  recurrentActivation: Activation,
): tf.Tensor[] {
  const actD = derivativeFromOutput(activation) as (y: tf.Tensor) => tf.Tensor;
  const recD = derivativeFromOutput(recurrentActivation) as (y: tf.Tensor) => tf.Tensor;
  const [steps, batch, units] = s.candidates.shape;
  const dOutputs = timeSteps(tf.slice(dy, [0, 0, 0], [steps, batch, units]));
  let dcNext: tf.Tensor = tf.reshape(tf.slice(dy, [steps, 0, 0], [1, batch, units]), [batch, units]);
  let dhNext: tf.Tensor = tf.zeros([batch, units]);

  // Step-wise factors for all steps at once.
  const i = lastAxis(s.gatesIF, 0, units);
  const f = lastAxis(s.gatesIF, units, units);
  const dGatesIF = recD(s.gatesIF);
  const fromH = timeSteps(tf.mul(s.gatesO, actD(s.cellOutputs))); // dc_t += dh_t · o act'(c_t)
  // dz_{i,f,c} = dc · [g σ'(i), c_{t-1} σ'(f), i act'(g)]: [T, B, 3, U]
  const fromC = timeSteps(
    tf.stack(
      [
        tf.mul(s.candidates, lastAxis(dGatesIF, 0, units)),
        tf.mul(s.previousCells, lastAxis(dGatesIF, units, units)),
        tf.mul(i, actD(s.candidates)),
      ],
      2,
    ),
  );
  const toO = timeSteps(tf.mul(s.cellOutputs, recD(s.gatesO))); // dz_o = dh · act(c) σ'(o)
  const forget = timeSteps(f);
  const masks = s.mask ? timeSteps(s.mask) : null;

  const kernelT = tf.transpose(s.recurrentKernel); // [4U, U]
  const dz: tf.Tensor[] = new Array(steps);
  for (let t = steps - 1; t >= 0; t--) {
    const dh = tf.add(dOutputs[t], dhNext);
    const dhNew = masks ? tf.mul(dh, masks[t]) : dh;
    let dcNew = tf.add(dcNext, tf.mul(dhNew, fromH[t]));
    if (masks) dcNew = tf.mul(dcNew, masks[t]);
    const dzIFC = tf.reshape(tf.mul(tf.reshape(dcNew, [batch, 1, units]), fromC[t]), [batch, 3 * units]);
    dz[t] = tf.concat([dzIFC, tf.mul(dhNew, toO[t])], 1); // [B, 4U]
    let dhPrev = tf.matMul(dz[t], kernelT);
    if (s.recurrentMask) dhPrev = tf.mul(dhPrev, s.recurrentMask);
    let dcPrev = tf.mul(dcNew, forget[t]);
    if (masks) {
      const kept = tf.sub(1, masks[t]); // padding steps pass the gradient straight through
      dhPrev = tf.add(dhPrev, tf.mul(kept, dh));
      dcPrev = tf.add(dcPrev, tf.mul(kept, dcNext));
    }
    dhNext = dhPrev;
    dcNext = dcPrev;
  }
  const dProjection = tf.stack(dz); // [T, B, 4U]
  const dKernel = tf.matMul(tf.transpose(flattenTime(s.recurrentInputs)), flattenTime(dProjection));
  return [dProjection, dKernel, dhNext, dcNext, ...optionalGradients(s)];
}

/**
 * The LSTM over all steps. `initialStates` are `[h0, c0]`; `finalStates` are `[h_T, c_T]`.
 * Uses the hand-written gradient when both activations have an output-form derivative, else
 * tfjs's automatic differentiation of the same loop.
 */
export function lstmRecurrence(
  inputs: RecurrenceInputs,
  activation: Activation,
  recurrentActivation: Activation,
): RecurrenceResult {
  const steps = inputs.inputProjection.shape[0];
  const custom = derivativeFromOutput(activation) && derivativeFromOutput(recurrentActivation);
  let packed: tf.Tensor;
  if (!custom) {
    packed = forward(inputs, activation, recurrentActivation, false, tf.unstack).packed;
  } else {
    const { list, at } = withOptionalInputs(
      [inputs.inputProjection, inputs.recurrentKernel, inputs.initialStates[0], inputs.initialStates[1]],
      inputs,
    );
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const save = args[at.count] as tf.GradSaveFunc;
      const mask = at.mask >= 0 ? (args[at.mask] as tf.Tensor3D) : null;
      const recurrentMask = at.recurrentMask >= 0 ? (args[at.recurrentMask] as tf.Tensor2D) : null;
      const recurrentKernel = args[1] as tf.Tensor2D;
      const recording = isRecordingGradients();
      const run = forward(
        {
          inputProjection: args[0] as tf.Tensor3D,
          recurrentKernel,
          initialStates: [args[2] as tf.Tensor2D, args[3] as tf.Tensor2D],
          mask,
          recurrentMask,
        },
        activation,
        recurrentActivation,
        recording,
      );
      if (run.saved) {
        const r = run.saved;
        save([
          recurrentKernel,
          r.gatesIF,
          r.candidates,
          r.gatesO,
          r.cellOutputs,
          r.previousCells,
          r.recurrentInputs,
          ...(mask ? [mask] : []),
          ...(recurrentMask ? [recurrentMask] : []),
        ]);
      }
      return {
        value: run.packed,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [kernel, gatesIF, candidates, gatesO, cellOutputs, previousCells, recurrentInputs, ...rest] =
            saved;
          return backward(
            dy,
            {
              recurrentKernel: kernel as tf.Tensor2D,
              gatesIF,
              candidates,
              gatesO,
              cellOutputs,
              previousCells,
              recurrentInputs,
              mask: mask ? rest[0] : null,
              recurrentMask: recurrentMask ? rest[mask ? 1 : 0] : null,
            },
            activation,
            recurrentActivation,
          );
        },
      };
    });
    packed = op(...list);
  }
  const { sequence, extras } = unpack(packed, steps, 1);
  return { sequence, finalStates: [lastStep(sequence), extras[0]] };
}
