/**
 * The fused simple RNN on WASM ({@link FUSED_SIMPLE_RNN} and {@link FUSED_SIMPLE_RNN_GRAD} of
 * @tensorfold/core): the simple RNN cell of the fused recurrences' driver
 * (fused-recurrence-driver.ts, which says how a step runs), with one gate, `h = tanh(z)`, no cell,
 * and the step kernels `rnnForward` and `rnnBackward` of recurrent.wat.
 *
 * The SIMD product needs rows % 4, so the pre-activations and their gradients have U rounded up to
 * `Up` rows (`width`; the weights are spread to Up columns, the extra ones zero).
 */
import { FUSED_SIMPLE_RNN, FUSED_SIMPLE_RNN_GRAD } from '@tensorfold/core';
import {
  bytes,
  type FusedCell,
  fusedRecurrenceConfigs,
  gatesAt,
  maskAt,
  stateAt,
} from './fused-recurrence-driver.js';
import { copyRows, roundUp } from './fused-recurrence-heap.js';

export const simpleRnnCell: FusedCell = {
  forward: FUSED_SIMPLE_RNN,
  backward: FUSED_SIMPLE_RNN_GRAD,
  gates: 1,
  width: (units) => roundUp(units, 4),
  writtenRows: (units) => units,
  biasShape: (units) => [units],
  spread(heap, d, width, [recurrentKernel, kernel, bias], to) {
    heap.fill(0, to, to + d.e * width);
    copyRows(heap, recurrentKernel, d.units, to, width, d.units, d.units);
    copyRows(heap, kernel, d.units, to + d.units * width, width, d.features, d.units);
    if (bias >= 0) copyRows(heap, bias, d.units, to + (d.units + d.features) * width, width, 1, d.units);
  },
  forwardStep(run, t) {
    const z = gatesAt(run, t);
    run.kernels.step.rnnForward(
      bytes(z),
      bytes(stateAt(run, t)),
      maskAt(run, t),
      bytes(stateAt(run, t + 1)),
      run.d.block,
    );
  },
  backwardStep(run, t, at) {
    run.kernels.step.rnnBackward(
      bytes(gatesAt(run, t)),
      at.dy,
      maskAt(run, t),
      at.dhNext,
      at.dhRec,
      at.dp,
      run.d.block,
    );
  },
  gather({ heap, d, width }, dw, [dRecurrentKernel, dKernel, dBias]) {
    const u = d.units;
    copyRows(heap, dw, width, dRecurrentKernel, u, u, u);
    copyRows(heap, dw + u * width, width, dKernel, u, d.features, u);
    copyRows(heap, dw + (u + d.features) * width, width, dBias, u, 1, u);
  },
};

/** The fused simple RNN's forward and its backward pass through time. */
export const [fusedSimpleRnnConfig, fusedSimpleRnnGradConfig] = fusedRecurrenceConfigs(simpleRnnCell);
