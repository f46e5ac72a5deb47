/**
 * The fused GRU in its reset-before form (Keras's `resetAfter: false`, the GRU layer's default) on
 * WASM ({@link FUSED_GRU_RESET_BEFORE} and {@link FUSED_GRU_RESET_BEFORE_GRAD} of @tensorfold/core):
 * a cell of the fused recurrences' driver (fused-recurrence-driver.ts, which says how a step runs),
 * with the step kernels of gru-reset-before.wat.
 *
 * The reset gate multiplies h before the candidate's recurrent product, `ĥ = tanh(x W_h + b_h +
 * (r ⊙ h) U_h)`, so a step takes two products: the driver's, of `[[U_z | W_z | b_z]; [U_r | W_r |
 * b_r]; [0 | W_h | b_h]]` with `[h; x; 1]` (3 blocks, `width` 3U rounded up to a multiple of 4),
 * then, once r is known, `U_hᵀ (r ⊙ h)`. Backward likewise: `d(r ⊙ h) = U_h dĥ` before r's gradient.
 * Each step's `r ⊙ h` is kept as U rows added below its `[h; x; 1]` in the stack, so the driver's
 * sums `Σ [h; x; 1; r ⊙ h] dpᵀ` give U_h's gradient too (the rows of `r ⊙ h`, block h).
 *
 * The cell's own part of the reserve is U_h `[Up, U]` (Up: U rounded up to a multiple of 4, the
 * extra rows zero); its scratch is `q` or `d(r ⊙ h)` `[Up, Bp]`, then (forward) `U_hᵀ` `[Up, U]`.
 */
import { FUSED_GRU_RESET_BEFORE, FUSED_GRU_RESET_BEFORE_GRAD } from '@tensorfold/core';
import {
  bytes,
  dropAt,
  type FusedCell,
  fusedRecurrenceConfigs,
  gatesAt,
  maskAt,
  stackAt,
  stateAt,
} from './fused-recurrence-driver.js';
import { copyRows, roundUp } from './fused-recurrence-heap.js';

export const gruResetBeforeCell: FusedCell = {
  forward: FUSED_GRU_RESET_BEFORE,
  backward: FUSED_GRU_RESET_BEFORE_GRAD,
  gates: 3,
  width: (units) => roundUp(3 * units, 4),
  writtenRows: (units) => 3 * units,
  extraRows: (units) => units,
  ownReserve: (d) => roundUp(d.units, 4) * d.units,
  scratch: (d) => roundUp(d.units, 4) * (d.bp + d.units),
  biasShape: (units) => [3 * units],
  // [U; W; b] with U's h block zero (h reaches the candidate through r ⊙ h only).
  spread(heap, d, width, [recurrentKernel, kernel, bias], to) {
    const [units, features] = [d.units, d.features];
    heap.fill(0, to, to + d.e * width);
    copyRows(heap, recurrentKernel, 3 * units, to, width, units, 2 * units);
    copyRows(heap, kernel, 3 * units, to + units * width, width, features, 3 * units);
    if (bias >= 0) copyRows(heap, bias, 3 * units, to + (units + features) * width, width, 1, 3 * units);
  },
  // U_h [Up, U] to the reserve, U_hᵀ [Up, U] to the scratch.
  prepare({ heap, d, own, scratch }, [recurrentKernel]) {
    const units = d.units;
    const up = roundUp(units, 4);
    const transposed = scratch + up * d.bp;
    heap.fill(0, own, own + up * units);
    heap.fill(0, transposed, transposed + up * units);
    copyRows(heap, recurrentKernel + 2 * units, 3 * units, own, units, units, units);
    for (let i = 0; i < units; i++) {
      for (let j = 0; j < units; j++) {
        heap[transposed + j * units + i] = heap[recurrentKernel + i * 3 * units + 2 * units + j] as number;
      }
    }
  },
  forwardStep(run, t) {
    const { d, scratch } = run;
    const { gruResetBefore, matMul } = run.kernels;
    // h: the stack's rows (h ⊙ m with recurrent dropout), what the products read.
    const [gates, h] = [bytes(gatesAt(run, t)), stackAt(run, t)];
    const rh = h + d.e * d.bp;
    const up = roundUp(d.units, 4);
    gruResetBefore.gatesForward(gates, bytes(h), bytes(rh), d.block);
    // q = U_hᵀ (r ⊙ h): [Up, U] · [U, Bp]
    matMul(bytes(scratch + up * d.bp), bytes(rh), bytes(scratch), up, d.units, d.bp);
    gruResetBefore.stateForward(
      gates,
      bytes(scratch),
      bytes(stateAt(run, t)),
      maskAt(run, t),
      bytes(stateAt(run, t + 1)),
      d.block,
    );
  },
  backwardStep(run, t, at) {
    const { d, scratch, own } = run;
    const { gruResetBefore, matMul } = run.kernels;
    const gates = bytes(gatesAt(run, t));
    const [h, hIn] = [bytes(stateAt(run, t)), bytes(stackAt(run, t))];
    gruResetBefore.stateBackward(gates, h, at.dy, maskAt(run, t), at.dhNext, at.dhRec, at.dp, d.block);
    // d(r ⊙ h) = U_h dĥ: [Up, U] · [U, Bp]
    matMul(bytes(own), at.dp + bytes(2 * d.block), bytes(scratch), roundUp(d.units, 4), d.units, d.bp);
    gruResetBefore.gatesBackward(gates, hIn, bytes(scratch), dropAt(run), at.dhNext, at.dp, d.block);
  },
  // U's gradient: blocks z, r from the rows of h, block h from the rows of r ⊙ h.
  gather({ heap, d, width }, dw, [dRecurrentKernel, dKernel, dBias]) {
    const [units, features] = [d.units, d.features];
    copyRows(heap, dw, width, dRecurrentKernel, 3 * units, units, 2 * units);
    copyRows(
      heap,
      dw + d.e * width + 2 * units,
      width,
      dRecurrentKernel + 2 * units,
      3 * units,
      units,
      units,
    );
    copyRows(heap, dw + units * width, width, dKernel, 3 * units, features, 3 * units);
    copyRows(heap, dw + (units + features) * width, width, dBias, 3 * units, 1, 3 * units);
  },
};

/** The reset-before GRU's forward and its backward pass through time. */
export const [fusedGruResetBeforeConfig, fusedGruResetBeforeGradConfig] =
  fusedRecurrenceConfigs(gruResetBeforeCell);
