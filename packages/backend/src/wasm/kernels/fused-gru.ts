/**
 * The fused GRU (reset after, Keras's `resetAfter: true`) on WASM ({@link FUSED_GRU} and
 * {@link FUSED_GRU_GRAD} of @tensorfold/core): the reset-after GRU cell of the fused recurrences'
 * driver (fused-recurrence-driver.ts, which says how a step runs), with the step kernels
 * `gruForward` and `gruBackward` of recurrent.wat.
 *
 * The reset gate multiplies only the recurrent part of the candidate, so the pre-activations have 4
 * row blocks (`width` 4U): z and r (recurrent and input parts summed, both biases), the candidate's
 * recurrent part `U_hᵀh + b'_h`, and its input part `W_hᵀx + b_h`: the weights are spread to
 * `[[U_z | W_z | b_z + b'_z]; [U_r | W_r | b_r + b'_r]; [U_h | 0 | b'_h]; [0 | W_h | b_h]]`.
 */
import { FUSED_GRU, FUSED_GRU_GRAD } from '@tensorfold/core';
import {
  bytes,
  type FusedCell,
  fusedRecurrenceConfigs,
  gatesAt,
  maskAt,
  stateAt,
} from './fused-recurrence-driver.js';

/**
 * Spreads the GRU's `[rows, 3U]` weights (`from`) to the 4-block `[rows, 4U]` form (`to`): blocks
 * z, r, then the h block at `hTo` (2 for the recurrent kernel, 3 for the input kernel), zeros in the
 * other.
 */
function spreadRows(
  heap: Float32Array,
  from: number,
  to: number,
  rows: number,
  units: number,
  hTo: 2 | 3,
): void {
  for (let i = 0; i < rows; i++) {
    const [src, dst] = [from + i * 3 * units, to + i * 4 * units];
    heap.copyWithin(dst, src, src + 2 * units);
    heap.fill(0, dst + 2 * units, dst + 4 * units);
    heap.copyWithin(dst + hTo * units, src + 2 * units, src + 3 * units);
  }
}

/** The inverse for gradients: from `[rows, 4U]` blocks z, r and `hFrom` to `[rows, 3U]`. */
function gatherRows(
  heap: Float32Array,
  from: number,
  to: number,
  rows: number,
  units: number,
  hFrom: 2 | 3,
): void {
  for (let i = 0; i < rows; i++) {
    const [src, dst] = [from + i * 4 * units, to + i * 3 * units];
    heap.copyWithin(dst, src, src + 2 * units);
    heap.copyWithin(dst + 2 * units, src + hFrom * units, src + (hFrom + 1) * units);
  }
}

export const gruCell: FusedCell = {
  forward: FUSED_GRU,
  backward: FUSED_GRU_GRAD,
  gates: 3,
  width: (units) => 4 * units,
  biasShape: (units) => [2, 3 * units],
  spread(heap, d, width, [recurrentKernel, kernel, bias], to) {
    const units = d.units;
    spreadRows(heap, recurrentKernel, to, units, units, 2);
    spreadRows(heap, kernel, to + units * width, d.features, units, 3);
    const b = to + (units + d.features) * width;
    heap.fill(0, b, b + width);
    if (bias < 0) return;
    // bias [2, 3U]: the input bias b, then the recurrent bias b'.
    const recurrent = bias + 3 * units;
    for (let j = 0; j < 2 * units; j++)
      heap[b + j] = (heap[bias + j] as number) + (heap[recurrent + j] as number);
    heap.copyWithin(b + 2 * units, recurrent + 2 * units, recurrent + 3 * units);
    heap.copyWithin(b + 3 * units, bias + 2 * units, bias + 3 * units);
  },
  forwardStep(run, t) {
    run.kernels.step.gruForward(
      bytes(gatesAt(run, t)),
      bytes(stateAt(run, t)),
      maskAt(run, t),
      bytes(stateAt(run, t + 1)),
      run.d.block,
    );
  },
  backwardStep(run, t, at) {
    run.kernels.step.gruBackward(
      bytes(gatesAt(run, t)),
      bytes(stateAt(run, t)),
      at.dy,
      maskAt(run, t),
      at.dhNext,
      at.dhRec,
      at.dp,
      run.d.block,
    );
  },
  // U's gradient is in blocks z, r, 2; W's in z, r, 3; the ones row gives b (z, r, 3) and b' (z, r, 2).
  gather({ heap, d, width }, dw, [dRecurrentKernel, dKernel, dBias]) {
    const units = d.units;
    gatherRows(heap, dw, dRecurrentKernel, units, units, 2);
    gatherRows(heap, dw + units * width, dKernel, d.features, units, 3);
    gatherRows(heap, dw + (units + d.features) * width, dBias, 1, units, 3);
    gatherRows(heap, dw + (units + d.features) * width, dBias + 3 * units, 1, units, 2);
  },
};

/** The fused GRU's forward and its backward pass through time. */
export const [fusedGruConfig, fusedGruGradConfig] = fusedRecurrenceConfigs(gruCell);
