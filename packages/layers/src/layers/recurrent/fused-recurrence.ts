/**
 * The LSTM, simple RNN and GRU layers as one fused kernel each ({@link FUSED_LSTM},
 * {@link FUSED_SIMPLE_RNN}, {@link FUSED_GRU} and {@link FUSED_GRU_RESET_BEFORE} of @tensorfold/core:
 * the input projection and the recurrence over the whole sequence, and the backward pass through
 * time, each one kernel), where the active backend registers them (`@tensorfold/backend` does on
 * WASM and on WebGPU). They cover Keras's default activations only (sigmoid gates; tanh for the candidate, the
 * cell output and the simple RNN's state), both forms of the GRU, and recurrent dropout where the
 * backend registers {@link FUSED_RECURRENT_DROPOUT}; everything else keeps the op-by-op recurrences
 * (lstm-recurrence.ts, simple-rnn-recurrence.ts, gru-recurrence.ts),
 * which are also the reference the fused kernels are tested against.
 */
import {
  type Activation,
  FUSED_GRU,
  FUSED_GRU_GRAD,
  FUSED_GRU_RESET_BEFORE,
  FUSED_GRU_RESET_BEFORE_GRAD,
  FUSED_LSTM,
  FUSED_LSTM_GRAD,
  FUSED_RECURRENT_DROPOUT,
  FUSED_SIMPLE_RNN,
  FUSED_SIMPLE_RNN_GRAD,
  type FusedRecurrenceAttrs,
  tf,
} from '@tensorfold/core';
import { customRecurrence, lastStep, type RecurrenceResult, unpack } from './recurrence.js';

/** What a fused recurrence takes. Shapes: T steps, B samples, F features, U units, G gates. */
export interface FusedInputs {
  /** The input, time-major: `[T, B, F]`. */
  x: tf.Tensor3D;
  /** The input kernel `[F, G × U]`. */
  kernel: tf.Tensor2D;
  /** The recurrent kernel `[U, G × U]`. */
  recurrentKernel: tf.Tensor2D;
  /** The bias `[G × U]` (the reset-after GRU's `[2, 3U]`: input bias, recurrent bias), or null. */
  bias: tf.Tensor | null;
  /** Starting states, each `[U, B]`: `[h, c]` for the LSTM, `[h]` for the simple RNN. */
  initialStates: tf.Tensor2D[];
  /** 1 where a step is real, 0 where it is padding: `[T, U, B]`, or null. */
  mask: tf.Tensor3D | null;
  /**
   * Recurrent dropout: `[U, B]`, multiplied into h before the recurrent products at every step, or
   * null (default). Only where the `canFuse…` check was told of it.
   */
  recurrentMask?: tf.Tensor2D | null;
  /** Whether every step's output reaches the loss (`returnSequences`). */
  allOutputsUsed: boolean;
}

/**
 * Whether the active backend registers both kernels of a fused recurrence, and, with
 * `recurrentDropout`, takes a recurrent dropout mask in them ({@link FUSED_RECURRENT_DROPOUT}).
 */
function registered(forward: string, backward: string, recurrentDropout: boolean): boolean {
  const has = (name: string) => tf.getKernel(name, tf.getBackend()) != null;
  return has(forward) && has(backward) && (!recurrentDropout || has(FUSED_RECURRENT_DROPOUT));
}

/**
 * Whether {@link fusedLstm} runs these activations on the active backend, with a recurrent dropout
 * mask if `recurrentDropout` (default false).
 */
export function canFuseLstm(
  activation: Activation,
  recurrentActivation: Activation,
  recurrentDropout = false,
): boolean {
  return (
    activation.className === 'tanh' &&
    recurrentActivation.className === 'sigmoid' &&
    registered(FUSED_LSTM, FUSED_LSTM_GRAD, recurrentDropout)
  );
}

/**
 * Whether {@link fusedSimpleRnn} runs this activation on the active backend, with a recurrent
 * dropout mask if `recurrentDropout` (default false).
 */
export function canFuseSimpleRnn(activation: Activation, recurrentDropout = false): boolean {
  return (
    activation.className === 'tanh' && registered(FUSED_SIMPLE_RNN, FUSED_SIMPLE_RNN_GRAD, recurrentDropout)
  );
}

/** The fused GRU's forward and backward kernels, in the reset-after or the reset-before form. */
function gruKernels(resetAfter: boolean): [string, string] {
  return resetAfter ? [FUSED_GRU, FUSED_GRU_GRAD] : [FUSED_GRU_RESET_BEFORE, FUSED_GRU_RESET_BEFORE_GRAD];
}

/**
 * Whether {@link fusedGru} runs a GRU of this form and these activations on the active backend, with
 * a recurrent dropout mask if `recurrentDropout` (default false).
 */
export function canFuseGru(
  resetAfter: boolean,
  activation: Activation,
  recurrentActivation: Activation,
  recurrentDropout = false,
): boolean {
  const [forward, backward] = gruKernels(resetAfter);
  return (
    activation.className === 'tanh' &&
    recurrentActivation.className === 'sigmoid' &&
    registered(forward, backward, recurrentDropout)
  );
}

/** Runs the forward kernel `forward` (with its gradient `backward`) on `inputs`: its first output. */
function runFused(forward: string, backward: string, inputs: FusedInputs): tf.Tensor {
  const { bias } = inputs;
  const features = inputs.x.shape[2];
  const recurrentMask = inputs.recurrentMask ?? null;
  const attrs: FusedRecurrenceAttrs = {
    allOutputsUsed: inputs.allOutputsUsed,
    masked: inputs.mask != null,
    features,
    recurrentMasked: recurrentMask != null,
  };
  const namedAttrs = attrs as unknown as tf.NamedAttrMap;
  const states = inputs.initialStates.length;
  const xT = tf.transpose(inputs.x, [0, 2, 1]); // [T, F, B]
  const required = [
    xT,
    inputs.kernel,
    inputs.recurrentKernel,
    ...(bias ? [bias] : []),
    ...inputs.initialStates,
  ];
  return customRecurrence(
    required,
    { mask: inputs.mask, recurrentMask },
    (args, masks, keep) => {
      const [x, kernel, recurrentKernel] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [h0, c0] = args.slice(bias ? 4 : 3) as [tf.Tensor, tf.Tensor?];
      const named: tf.NamedTensorMap = { x, kernel, recurrentKernel, h0 };
      if (c0) named.c0 = c0;
      if (bias) named.bias = args[3] as tf.Tensor;
      if (masks.mask) named.mask = masks.mask;
      if (masks.recurrentMask) named.recurrentMask = masks.recurrentMask;
      const [value, reserve] = tf.engine().runKernel(forward, named, namedAttrs) as [tf.Tensor, tf.Tensor];
      return { value, kept: keep ? [reserve] : null };
    },
    (dy, [reserve]) => {
      // [dx, dKernel, dRecurrentKernel, dBias, ...dStates]
      const grads = tf
        .engine()
        .runKernel(backward, { dy, reserve } as tf.NamedTensorMap, namedAttrs) as tf.Tensor[];
      const [dx, dKernel, dRecurrentKernel, dBias] = grads as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      if (!bias) dBias.dispose();
      return [dx, dKernel, dRecurrentKernel, ...(bias ? [dBias] : []), ...grads.slice(4, 4 + states)];
    },
  );
}

/** The LSTM over all steps by the fused kernels: h after every step `[T, U, B]`, and `[h_T, c_T]`. */
export function fusedLstm(inputs: FusedInputs): RecurrenceResult {
  const packed = runFused(FUSED_LSTM, FUSED_LSTM_GRAD, inputs); // [T + 1, U, B]: every h, then c_T
  const { sequence, extras } = unpack(packed, inputs.x.shape[0], 1);
  return { sequence, finalStates: [lastStep(sequence), extras[0] as tf.Tensor2D] };
}

/** The simple RNN over all steps by the fused kernels: h after every step `[T, U, B]`, and `[h_T]`. */
export function fusedSimpleRnn(inputs: FusedInputs): RecurrenceResult {
  const sequence = runFused(FUSED_SIMPLE_RNN, FUSED_SIMPLE_RNN_GRAD, inputs) as tf.Tensor3D;
  return { sequence, finalStates: [lastStep(sequence)] };
}

/**
 * The GRU over all steps by the fused kernels, reset after (`resetAfter`, the default here) or
 * before: h after every step `[T, U, B]`, and `[h_T]`.
 */
export function fusedGru(inputs: FusedInputs, resetAfter = true): RecurrenceResult {
  const [forward, backward] = gruKernels(resetAfter);
  const sequence = runFused(forward, backward, inputs) as tf.Tensor3D;
  return { sequence, finalStates: [lastStep(sequence)] };
}
