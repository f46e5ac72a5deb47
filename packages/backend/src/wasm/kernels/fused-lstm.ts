/**
 * The fused LSTM on WASM ({@link FUSED_LSTM} and {@link FUSED_LSTM_GRAD} of @tensorfold/core): the
 * LSTM cell of the fused recurrences' driver (fused-recurrence-driver.ts, which says how a step
 * runs), with the step kernels `lstmForward` and `lstmBackward` of recurrent.wat. The pre-activations
 * are the 4 gates i, f, c, o (`width` 4U, the weights as they are); the cell state c is carried
 * beside h, and the cell's own part of the reserve holds `c [T + 1, U, Bp] | tanh(c) [T, U, Bp]`
 * (`c[t]` the state before step t).
 */
import { FUSED_LSTM, FUSED_LSTM_GRAD } from '@tensorfold/core';
import {
  bytes,
  type FusedCell,
  fusedRecurrenceConfigs,
  gatesAt,
  maskAt,
  stateAt,
} from './fused-recurrence-driver.js';

/** Float offset of c before step t, and of tanh(c) after it. */
const cAt = (own: number, block: number, t: number) => own + t * block;
const tanhCAt = (own: number, block: number, steps: number, t: number) => own + (steps + 1 + t) * block;

export const lstmCell: FusedCell = {
  forward: FUSED_LSTM,
  backward: FUSED_LSTM_GRAD,
  gates: 4,
  cellState: true,
  width: (units) => 4 * units,
  ownReserve: (d) => (2 * d.steps + 1) * d.block,
  biasShape: (units) => [4 * units],
  forwardStep(run, t) {
    const { d, own } = run;
    const cPrev = cAt(own, d.block, t);
    run.kernels.step.lstmForward(
      bytes(gatesAt(run, t)),
      0,
      bytes(cPrev),
      bytes(stateAt(run, t)),
      maskAt(run, t),
      bytes(cPrev + d.block),
      bytes(stateAt(run, t + 1)),
      bytes(tanhCAt(own, d.block, d.steps, t)),
      d.block,
    );
  },
  backwardStep(run, t, at) {
    const { d, own } = run;
    run.kernels.step.lstmBackward(
      bytes(gatesAt(run, t)),
      bytes(tanhCAt(own, d.block, d.steps, t)),
      bytes(cAt(own, d.block, t)),
      at.dy,
      maskAt(run, t),
      at.dhNext,
      at.dhRec,
      at.dcNext,
      at.dp,
      d.block,
    );
  },
};

/** The fused LSTM's forward and its backward pass through time. */
export const [fusedLstmConfig, fusedLstmGradConfig] = fusedRecurrenceConfigs(lstmCell);
