/**
 * The LSTM layer as one fused kernel ({@link FUSED_LSTM} of @tensorfold/core: the input projection
 * and the recurrence over the whole sequence, and its backward pass through time, each one kernel),
 * where the active backend registers it (`@tensorfold/backend` does on WASM). It covers Keras's
 * default activations only (sigmoid gates, tanh candidate and cell output) and no recurrent
 * dropout; everything else keeps the op-by-op recurrence of lstm-recurrence.ts, which is also the
 * reference the fused kernels are tested against.
 */
import { type Activation, FUSED_LSTM, FUSED_LSTM_GRAD, type FusedLstmAttrs, tf } from '@tensorfold/core';
import { customRecurrence, lastStep, type RecurrenceResult, unpack } from './recurrence.js';

/** What {@link fusedLstm} takes. Shapes: T steps, B samples, F features, U units. */
export interface FusedLstmInputs {
  /** The input, time-major: `[T, B, F]`. */
  x: tf.Tensor3D;
  /** The input kernel `[F, 4U]`. */
  kernel: tf.Tensor2D;
  /** The recurrent kernel `[U, 4U]`. */
  recurrentKernel: tf.Tensor2D;
  /** The bias `[4U]`, or null. */
  bias: tf.Tensor1D | null;
  /** Starting `[h, c]`, each `[U, B]`. */
  initialStates: tf.Tensor2D[];
  /** 1 where a step is real, 0 where it is padding: `[T, U, B]`, or null. */
  mask: tf.Tensor3D | null;
  /** Whether every step's output reaches the loss (`returnSequences`). */
  allOutputsUsed: boolean;
}

/** Whether {@link fusedLstm} runs these activations on the active backend. */
export function canFuseLstm(activation: Activation, recurrentActivation: Activation): boolean {
  return (
    activation.className === 'tanh' &&
    recurrentActivation.className === 'sigmoid' &&
    tf.getKernel(FUSED_LSTM, tf.getBackend()) != null &&
    tf.getKernel(FUSED_LSTM_GRAD, tf.getBackend()) != null
  );
}

/** The LSTM over all steps by the fused kernels: h after every step `[T, U, B]`, and `[h_T, c_T]`. */
export function fusedLstm(inputs: FusedLstmInputs): RecurrenceResult {
  const { bias } = inputs;
  const [steps, , features] = inputs.x.shape;
  const attrs: FusedLstmAttrs = {
    allOutputsUsed: inputs.allOutputsUsed,
    masked: inputs.mask != null,
    features,
  };
  const namedAttrs = attrs as unknown as tf.NamedAttrMap;
  const xT = tf.transpose(inputs.x, [0, 2, 1]); // [T, F, B]
  const required = [
    xT,
    inputs.kernel,
    inputs.recurrentKernel,
    ...(bias ? [bias] : []),
    ...inputs.initialStates,
  ];
  const packed = customRecurrence(
    required,
    { mask: inputs.mask, recurrentMask: null },
    (args, masks, keep) => {
      const [x, kernel, recurrentKernel] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [h0, c0] = args.slice(bias ? 4 : 3) as [tf.Tensor, tf.Tensor];
      const named: tf.NamedTensorMap = { x, kernel, recurrentKernel, h0, c0 };
      if (bias) named.bias = args[3] as tf.Tensor;
      if (masks.mask) named.mask = masks.mask;
      const [value, reserve] = tf.engine().runKernel(FUSED_LSTM, named, namedAttrs) as [tf.Tensor, tf.Tensor];
      return { value, kept: keep ? [reserve] : null };
    },
    (dy, [reserve]) => {
      const [dx, dKernel, dRecurrentKernel, dBias, dh0, dc0] = tf
        .engine()
        .runKernel(FUSED_LSTM_GRAD, { dy, reserve } as tf.NamedTensorMap, namedAttrs) as tf.Tensor[];
      if (!bias) dBias?.dispose();
      return [dx, dKernel, dRecurrentKernel, ...(bias ? [dBias] : []), dh0, dc0] as tf.Tensor[];
    },
  );
  const { sequence, extras } = unpack(packed, steps, 1);
  return { sequence, finalStates: [lastStep(sequence), extras[0] as tf.Tensor2D] };
}
