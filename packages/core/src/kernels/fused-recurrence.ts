/**
 * Names and contracts of the fused recurrent kernels: a whole LSTM, simple RNN or GRU (either form)
 * layer over a sequence (input projection and recurrence, forward) and its backward pass through time, each one
 * kernel for tfjs.
 * `@tensorfold/layers` runs them when the active backend has them registered
 * (`tf.getKernel(name, tf.getBackend())`) and keeps its op-by-op recurrence otherwise;
 * `@tensorfold/backend` registers them: every pair on WASM and on WebGPU ({@link FUSED_RECURRENT_DROPOUT}
 * on WASM only).
 *
 * Layout, as the layers' recurrences: T steps, B samples, F input features, U units; every tensor
 * is float32 and features × batch per step (`[..., rows, B]`); gates in Keras's order i, f, c, o.
 * The activations are fixed: sigmoid for the gates, tanh for the candidate, the cell output and the
 * simple RNN's state (Keras's defaults). Where a backend registers {@link FUSED_RECURRENT_DROPOUT},
 * every forward kernel below also takes an optional `recurrentMask` `[U, B]` (recurrent dropout).
 */

/**
 * The LSTM over all steps. Inputs: `x` (the input sequence, time-major, `[T, F, B]`), `kernel`
 * (`[F, 4U]`), `recurrentKernel` (`[U, 4U]`), optionally `bias` (`[4U]`; absent: zero), `h0` and `c0`
 * (`[U, B]`), and optionally `mask` (`[T, U, B]`, 1 where a step is real, 0 where it is padding and
 * the states are carried over). Attributes: {@link FusedRecurrenceAttrs}. Outputs: the packed states
 * `[T + 1, U, B]` (h after every step, then the final c), and a float32 `reserve` vector that only
 * {@link FUSED_LSTM_GRAD} reads (what the backward pass needs, in the backend's own layout, as
 * cuDNN's reserve space).
 */
export const FUSED_LSTM = 'TensorfoldFusedLstm';

/**
 * The backward pass of {@link FUSED_LSTM}. Inputs: `dy` (the packed output's gradient,
 * `[T + 1, U, B]`) and the forward's `reserve`. Attributes: {@link FusedRecurrenceAttrs}, as the forward
 * got them. Outputs, in order: the gradients of `x` `[T, F, B]`, `kernel` `[F, 4U]`,
 * `recurrentKernel` `[U, 4U]`, `bias` `[4U]` (given even where the forward had none), `h0` and `c0`
 * `[U, B]`.
 */
export const FUSED_LSTM_GRAD = 'TensorfoldFusedLstmGrad';

/**
 * The simple RNN (`h = tanh(x W + h U + b)`) over all steps, as {@link FUSED_LSTM} with one gate and
 * no cell. Inputs: `x` `[T, F, B]`, `kernel` `[F, U]`, `recurrentKernel` `[U, U]`, optionally `bias`
 * `[U]`, `h0` `[U, B]`, optionally `mask` `[T, U, B]`. Attributes: {@link FusedRecurrenceAttrs}.
 * Outputs: h after every step `[T, U, B]`, and the `reserve` for {@link FUSED_SIMPLE_RNN_GRAD}.
 */
export const FUSED_SIMPLE_RNN = 'TensorfoldFusedSimpleRnn';

/**
 * The backward pass of {@link FUSED_SIMPLE_RNN}. Inputs: `dy` (`[T, U, B]`) and the `reserve`.
 * Outputs, in order: the gradients of `x` `[T, F, B]`, `kernel` `[F, U]`, `recurrentKernel`
 * `[U, U]`, `bias` `[U]` (given even where the forward had none) and `h0` `[U, B]`.
 */
export const FUSED_SIMPLE_RNN_GRAD = 'TensorfoldFusedSimpleRnnGrad';

/**
 * The GRU in its reset-after form (Keras's `resetAfter: true`; gates z, r, h:
 * `ĥ = tanh(x W_h + b_h + r (h U_h + b'_h))`, `h = z h_{t-1} + (1 − z) ĥ`) over all steps. Inputs:
 * `x` `[T, F, B]`, `kernel` `[F, 3U]`, `recurrentKernel` `[U, 3U]`, optionally `bias` `[2, 3U]`
 * (the input bias, then the recurrent bias), `h0` `[U, B]`, optionally `mask` `[T, U, B]`.
 * Attributes: {@link FusedRecurrenceAttrs}. Outputs: h after every step `[T, U, B]`, and the
 * `reserve` for {@link FUSED_GRU_GRAD}.
 */
export const FUSED_GRU = 'TensorfoldFusedGru';

/**
 * The backward pass of {@link FUSED_GRU}. Inputs: `dy` (`[T, U, B]`) and the `reserve`. Outputs, in
 * order: the gradients of `x` `[T, F, B]`, `kernel` `[F, 3U]`, `recurrentKernel` `[U, 3U]`, `bias`
 * `[2, 3U]` (given even where the forward had none) and `h0` `[U, B]`.
 */
export const FUSED_GRU_GRAD = 'TensorfoldFusedGruGrad';

/**
 * The GRU in its reset-before form (Keras's `resetAfter: false`, TensorFlow.js's only form, and
 * tensorfold's default; gates z, r, h: `z = σ(x W_z + h U_z + b_z)`, `r` the same,
 * `ĥ = tanh(x W_h + b_h + (r ⊙ h) U_h)`, `h = z h_{t-1} + (1 − z) ĥ`) over all steps. Inputs:
 * `x` `[T, F, B]`, `kernel` `[F, 3U]`, `recurrentKernel` `[U, 3U]`, optionally `bias` `[3U]`,
 * `h0` `[U, B]`, optionally `mask` `[T, U, B]`. Attributes: {@link FusedRecurrenceAttrs}. Outputs:
 * h after every step `[T, U, B]`, and the `reserve` for {@link FUSED_GRU_RESET_BEFORE_GRAD}.
 */
export const FUSED_GRU_RESET_BEFORE = 'TensorfoldFusedGruResetBefore';

/**
 * The backward pass of {@link FUSED_GRU_RESET_BEFORE}. Inputs: `dy` (`[T, U, B]`) and the `reserve`.
 * Outputs, in order: the gradients of `x` `[T, F, B]`, `kernel` `[F, 3U]`, `recurrentKernel`
 * `[U, 3U]`, `bias` `[3U]` (given even where the forward had none) and `h0` `[U, B]`.
 */
export const FUSED_GRU_RESET_BEFORE_GRAD = 'TensorfoldFusedGruResetBeforeGrad';

/**
 * Registered (never run) on a backend whose fused recurrent forward kernels (all four) also take
 * recurrent dropout: an optional input `recurrentMask` `[U, B]` (Keras's one mask per sequence),
 * multiplied into h before every recurrent product (all of the step's products; the state that is
 * carried, `z h` of the GRU and a padding step's copy, stays unmasked), with
 * {@link FusedRecurrenceAttrs.recurrentMasked} set; their backward passes then read it from the
 * reserve. Where it is not registered, `@tensorfold/layers` runs recurrent dropout op-by-op.
 */
export const FUSED_RECURRENT_DROPOUT = 'TensorfoldFusedRecurrentDropout';

/**
 * Every fused recurrent kernel above, each forward kernel followed by its backward pass (not the
 * {@link FUSED_RECURRENT_DROPOUT} marker, which never runs): what to unregister to run the layers'
 * op-by-op recurrences instead, in tests and benchmarks.
 */
export const FUSED_RECURRENCE_KERNELS = [
  FUSED_LSTM,
  FUSED_LSTM_GRAD,
  FUSED_SIMPLE_RNN,
  FUSED_SIMPLE_RNN_GRAD,
  FUSED_GRU,
  FUSED_GRU_GRAD,
  FUSED_GRU_RESET_BEFORE,
  FUSED_GRU_RESET_BEFORE_GRAD,
] as const;

/** Attributes of the fused recurrent kernels and their backward passes. */
export interface FusedRecurrenceAttrs {
  /**
   * Whether the output of every step reaches the loss (`returnSequences`); with false the backward
   * pass reads only the last step's part of `dy`. The forward ignores it.
   */
  allOutputsUsed: boolean;
  /** Whether the forward got a `mask` (the backward reads it from the reserve). */
  masked: boolean;
  /** F, the input's features (the backward cannot see `x`). */
  features: number;
  /**
   * Whether the forward got a `recurrentMask` (see {@link FUSED_RECURRENT_DROPOUT}; the backward
   * reads it from the reserve). Default false.
   */
  recurrentMasked?: boolean;
}
