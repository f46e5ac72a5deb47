/**
 * The fused LSTM, simple RNN and GRU (reset after and reset before) on WebGPU: a whole recurrent layer over the
 * sequence as a few WGSL programs, forward and backward through time (forward.ts, backward.ts),
 * for the kernels of @tensorfold/core's fused-recurrence contract. `@tensorfold/layers` runs them
 * where they are registered (registerWebgpuKernels does).
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { backwardConfig } from './backward.js';
import { CELLS } from './cells.js';
import { forwardConfig } from './forward.js';
import { GRU_RESET_BEFORE } from './gru-reset-before.js';

export { type RecurrenceMode, setRecurrenceMode } from './programs.js';

/** The eight fused-recurrence kernels on WebGPU (forward and backward of each cell). */
export const FUSED_RECURRENCE_WEBGPU_KERNELS: readonly KernelConfig[] = [
  CELLS.lstm,
  CELLS.simpleRnn,
  CELLS.gru,
  GRU_RESET_BEFORE,
].flatMap((cell) => [forwardConfig(cell), backwardConfig(cell)]);
