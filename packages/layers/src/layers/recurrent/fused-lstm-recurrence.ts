/**
 * The LSTM as one fused kernel ({@link FUSED_LSTM} of @tensorfold/core: the whole sequence, and its
 * backward pass through time, each one kernel), where the active backend registers it
 * (`@tensorfold/backend` does on WASM). It covers Keras's default activations only (sigmoid gates,
 * tanh candidate and cell output) and no recurrent dropout; everything else keeps the op-by-op
 * recurrence of lstm-recurrence.ts, which is also the reference the fused kernels are tested against.
 */
import { type Activation, FUSED_LSTM, FUSED_LSTM_GRAD, type FusedLstmAttrs, tf } from '@tensorfold/core';
import { customRecurrence, type RecurrenceInputs } from './recurrence.js';

/** Whether {@link fusedLstm} can run these inputs with these activations on the active backend. */
export function canFuseLstm(
  inputs: RecurrenceInputs,
  activation: Activation,
  recurrentActivation: Activation,
): boolean {
  return (
    activation.className === 'tanh' &&
    recurrentActivation.className === 'sigmoid' &&
    inputs.recurrentMask == null &&
    inputs.inputProjection.dtype === 'float32' &&
    inputs.recurrentKernel.dtype === 'float32' &&
    tf.getKernel(FUSED_LSTM, tf.getBackend()) != null &&
    tf.getKernel(FUSED_LSTM_GRAD, tf.getBackend()) != null
  );
}

/** The packed `[T + 1, U, B]` output (h after every step, then the final c), by the fused kernels. */
export function fusedLstm(inputs: RecurrenceInputs): tf.Tensor {
  const attrs: FusedLstmAttrs = {
    allOutputsUsed: inputs.allOutputsUsed ?? true,
    masked: inputs.mask != null,
  };
  const namedAttrs = attrs as unknown as tf.NamedAttrMap;
  return customRecurrence(
    [
      inputs.inputProjection,
      inputs.recurrentKernel,
      inputs.initialStates[0],
      inputs.initialStates[1],
    ] as tf.Tensor[],
    inputs,
    ([projection, kernel, h0, c0], masks) => {
      const named: tf.NamedTensorMap = { projection, kernel, h0, c0 } as tf.NamedTensorMap;
      if (masks.mask) named.mask = masks.mask;
      const [packed, reserve] = tf.engine().runKernel(FUSED_LSTM, named, namedAttrs) as tf.Tensor[];
      return { value: packed as tf.Tensor, kept: [reserve as tf.Tensor] };
    },
    (dy, [reserve]) =>
      tf.engine().runKernel(FUSED_LSTM_GRAD, { dy, reserve } as tf.NamedTensorMap, namedAttrs) as tf.Tensor[],
  );
}
