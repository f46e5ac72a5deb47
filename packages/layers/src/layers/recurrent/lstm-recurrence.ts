/**
 * The LSTM recurrence (Hochreiter and Schmidhuber; gates in Keras's order i, f, c, o):
 *
 *   z = xW + b + Uᵀ h_{t-1},   i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o)
 *   c_t = f c_{t-1} + i g,     h_t = o act(c_t)
 *
 * with a hand-written backward pass (see `recurrence.ts`; tensors are features × batch).
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
  unpack,
} from './recurrence.js';

/** What the backward pass needs, each stacked over time `[T, U, B]`. */
interface Kept {
  i: tf.Tensor;
  f: tf.Tensor;
  g: tf.Tensor;
  o: tf.Tensor;
  /** act(c_t) before masking. */
  cellOutputs: tf.Tensor;
  previousCells: tf.Tensor;
  /** h_{t-1} times the recurrent mask. */
  recurrentInputs: tf.Tensor;
}

/** Runs the loop; when `keep` is set, also returns what the backward pass needs. */
function forward(
  inputs: RecurrenceInputs,
  activation: Activation,
  recurrentActivation: Activation,
  keep: boolean,
): { packed: tf.Tensor; kept: Kept | null } {
  const { inputProjection, recurrentKernel, initialStates, mask, recurrentMask } = inputs;
  const units = recurrentKernel.shape[0];
  const kernelT = tf.transpose(recurrentKernel); // [4U, U]
  const xs = tf.unstack(inputProjection); // T × [4U, B]
  const masks = mask ? tf.unstack(tf.greater(mask, 0.5)) : null;
  let [h, c] = initialStates as tf.Tensor[];
  const outputs: tf.Tensor[] = [];
  const lists = {
    i: [] as tf.Tensor[],
    f: [] as tf.Tensor[],
    g: [] as tf.Tensor[],
    o: [] as tf.Tensor[],
    tc: [] as tf.Tensor[],
    c: [] as tf.Tensor[],
    h: [] as tf.Tensor[],
  };
  xs.forEach((x, t) => {
    const hIn = recurrentMask ? tf.mul(h, recurrentMask) : h;
    const z = tf.add(x, tf.matMul(kernelT, hIn)); // [4U, B]
    // The gate activation over all four blocks at once (one op; it is cheap), the cell's only on
    // its block (tanh is not: 4 times the work cost more than the extra slice).
    // One split op yields all four blocks (separate slices would be three ops).
    const [i, f, , o] = tf.split(recurrentActivation.apply(z), 4, 0);
    const g = activation.apply(rows(z, 2 * units, units));
    const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
    const tc = activation.apply(cNew);
    const hNew = tf.mul(o, tc);
    if (keep) {
      lists.i.push(i);
      lists.f.push(f);
      lists.g.push(g);
      lists.o.push(o);
      lists.tc.push(tc);
      lists.c.push(c);
      lists.h.push(hIn);
    }
    c = masks ? tf.where(masks[t], cNew, c) : cNew;
    h = masks ? tf.where(masks[t], hNew, h) : hNew;
    outputs.push(h);
  });
  const packed = tf.concat([tf.stack(outputs), tf.expandDims(c, 0)], 0); // [T + 1, U, B]
  if (!keep) return { packed, kept: null };
  return {
    packed,
    kept: {
      i: tf.stack(lists.i),
      f: tf.stack(lists.f),
      g: tf.stack(lists.g),
      o: tf.stack(lists.o),
      cellOutputs: tf.stack(lists.tc),
      previousCells: tf.stack(lists.c),
      recurrentInputs: tf.stack(lists.h),
    },
  };
}

/** The hand-written backward pass: gradients of xW + b, U, h0 and c0 from the packed output's gradient. */
function backward(
  dy: tf.Tensor,
  s: Kept &
    RecurrenceMasks & {
      kernel: tf.Tensor2D;
      allOutputsUsed: boolean;
    },
  activation: Activation,
  recurrentActivation: Activation,
): tf.Tensor[] {
  const actD = derivativeFromOutput(activation) as (y: tf.Tensor) => tf.Tensor;
  const recD = derivativeFromOutput(recurrentActivation) as (y: tf.Tensor) => tf.Tensor;
  const [steps, units, batch] = s.g.shape as [number, number, number];
  const dOutputs = outputGradients(dy, steps, s.allOutputsUsed);
  let dcNext: tf.Tensor = tf.reshape(tf.slice(dy, [steps, 0, 0], [1, units, batch]), [units, batch]);
  let dhNext: tf.Tensor | null = null;

  // Step-wise factors for all steps at once: dc_t += dh_t · o act'(c_t), and
  // dz = [dc; dc; dc; dh] ⊙ [g σ'(i); c_{t-1} σ'(f); i act'(g); act(c) σ'(o)].
  const fromH = tf.unstack(tf.mul(s.o, actD(s.cellOutputs)));
  const factors = tf.unstack(
    tf.concat(
      [
        tf.mul(s.g, recD(s.i)),
        tf.mul(s.previousCells, recD(s.f)),
        tf.mul(s.i, actD(s.g)),
        tf.mul(s.cellOutputs, recD(s.o)),
      ],
      1,
    ),
  ); // T × [4U, B]
  const forget = tf.unstack(s.f);
  const masks = s.mask ? tf.unstack(s.mask) : null;

  const dz: tf.Tensor[] = new Array(steps);
  for (let t = steps - 1; t >= 0; t--) {
    const dh = sumPresent(dOutputs[t], dhNext);
    const dhNew = masks ? tf.mul(dh, masks[t]) : dh;
    let dcNew = tf.add(dcNext, tf.mul(dhNew, fromH[t]));
    if (masks) dcNew = tf.mul(dcNew, masks[t]);
    dz[t] = tf.mul(tf.concat([dcNew, dcNew, dcNew, dhNew], 0), factors[t]); // [4U, B]
    let dhPrev = tf.matMul(s.kernel, dz[t]); // [U, B]
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
  const dProjection = tf.stack(dz); // [T, 4U, B]
  const dKernel = sumOfOuterProducts(s.recurrentInputs, dProjection); // [U, 4U]
  return [dProjection, dKernel, dhNext as tf.Tensor, dcNext];
}

/**
 * The LSTM over all steps. `initialStates` are `[h0, c0]`; `finalStates` are `[h_T, c_T]`.
 * Uses the hand-written gradient when both activations have an output-form derivative, else
 * tfjs's automatic differentiation of the same loop. (Where the backend has the fused LSTM
 * kernels, the layer runs them instead: fused-recurrence.ts.)
 */
export function lstmRecurrence(
  inputs: RecurrenceInputs,
  activation: Activation,
  recurrentActivation: Activation,
): RecurrenceResult {
  const steps = inputs.inputProjection.shape[0];
  const custom = derivativeFromOutput(activation) && derivativeFromOutput(recurrentActivation);
  const packed = !custom
    ? forward(inputs, activation, recurrentActivation, false).packed
    : customRecurrence(
        [inputs.inputProjection, inputs.recurrentKernel, inputs.initialStates[0], inputs.initialStates[1]],
        inputs,
        ([inputProjection, recurrentKernel, h0, c0], masks, keep) => {
          const run = forward(
            {
              inputProjection: inputProjection as tf.Tensor3D,
              recurrentKernel: recurrentKernel as tf.Tensor2D,
              initialStates: [h0 as tf.Tensor2D, c0 as tf.Tensor2D],
              ...masks,
            },
            activation,
            recurrentActivation,
            keep,
          );
          const k = run.kept;
          return {
            value: run.packed,
            kept: k && [
              recurrentKernel,
              k.i,
              k.f,
              k.g,
              k.o,
              k.cellOutputs,
              k.previousCells,
              k.recurrentInputs,
            ],
          };
        },
        (dy, [kernel, i, f, g, o, cellOutputs, previousCells, recurrentInputs], masks) =>
          backward(
            dy,
            {
              kernel: kernel as tf.Tensor2D,
              i,
              f,
              g,
              o,
              cellOutputs,
              previousCells,
              recurrentInputs,
              ...masks,
              allOutputsUsed: inputs.allOutputsUsed ?? true,
            },
            activation,
            recurrentActivation,
          ),
      );
  const { sequence, extras } = unpack(packed, steps, 1);
  return { sequence, finalStates: [lastStep(sequence), extras[0]] };
}
