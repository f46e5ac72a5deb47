/**
 * The fused recurrences on WebGPU, the two ways they run their time steps: one dispatch per step (all
 * recorded back to back) against one persistent workgroup that loops over the steps (one
 * dispatch). Times one forward and one backward pass through time of the fused kernels
 * (`runKernel`, read back), median over alternating rounds, for the layers-lstm sizes (50 units,
 * 32 x 60 x 5) and one larger LSTM.
 *
 * On Dawn over SwiftShader (Node without a GPU) the figures say which mode costs less on a CPU
 * emulating a GPU, nothing about a real GPU.
 *
 * `pnpm --filter @tensorfold/bench bench webgpu-recurrence --backend webgpu`
 */
import { setWebgpuRecurrenceMode, type WebgpuRecurrenceMode } from '@tensorfold/backend/testing';
import {
  FUSED_GRU,
  FUSED_GRU_GRAD,
  FUSED_LSTM,
  FUSED_LSTM_GRAD,
  FUSED_SIMPLE_RNN,
  FUSED_SIMPLE_RNN_GRAD,
  type FusedRecurrenceAttrs,
  tf,
} from '@tensorfold/core';
import { runAlternating } from '../alternating-rounds.js';
import type { Suite } from '../harness.js';
import { medianOf as median } from '../steadiness.js';

interface Case {
  label: string;
  forward: string;
  backward: string;
  /** Column blocks of the kernels: 4 (LSTM), 3 (GRU), 1 (simple RNN). */
  blocks: number;
  steps: number;
  features: number;
  units: number;
  batch: number;
}

const cases: Case[] = [
  {
    label: 'lstm(50) 32x60x5',
    forward: FUSED_LSTM,
    backward: FUSED_LSTM_GRAD,
    blocks: 4,
    steps: 60,
    features: 5,
    units: 50,
    batch: 32,
  },
  {
    label: 'gru(50) 32x60x5',
    forward: FUSED_GRU,
    backward: FUSED_GRU_GRAD,
    blocks: 3,
    steps: 60,
    features: 5,
    units: 50,
    batch: 32,
  },
  {
    label: 'simpleRNN(50) 32x60x5',
    forward: FUSED_SIMPLE_RNN,
    backward: FUSED_SIMPLE_RNN_GRAD,
    blocks: 1,
    steps: 60,
    features: 5,
    units: 50,
    batch: 32,
  },
  {
    label: 'lstm(128) 64x20x16',
    forward: FUSED_LSTM,
    backward: FUSED_LSTM_GRAD,
    blocks: 4,
    steps: 20,
    features: 16,
    units: 128,
    batch: 64,
  },
];

/** One forward and backward pass of `c`'s fused kernels in `mode`, read back: its time in ms. */
async function timedPass(c: Case, inputs: tf.NamedTensorMap, dy: tf.Tensor, mode: WebgpuRecurrenceMode) {
  const previous = setWebgpuRecurrenceMode(mode);
  try {
    const attrs: FusedRecurrenceAttrs = { allOutputsUsed: false, masked: false, features: c.features };
    const start = performance.now();
    const [out, reserve] = tf.engine().runKernel(c.forward, inputs, attrs as never) as tf.Tensor[];
    const grads = tf.engine().runKernel(c.backward, { dy, reserve } as never, attrs as never) as tf.Tensor[];
    await Promise.all([out as tf.Tensor, ...grads].map((t) => t.data()));
    const ms = performance.now() - start;
    tf.dispose([out as tf.Tensor, reserve as tf.Tensor, ...grads]);
    return ms;
  } finally {
    setWebgpuRecurrenceMode(previous);
  }
}

const suite: Suite = {
  name: 'webgpu-recurrence',
  description: 'Fused recurrences on WebGPU: a dispatch per time step against one persistent workgroup',
  backends: ['webgpu'],
  async run(ctx) {
    for (const c of cases) {
      const { steps: T, features: F, units: U, batch: B, blocks: P } = c;
      const inputs: tf.NamedTensorMap = {
        x: tf.randomUniform([T, F, B], -1, 1, 'float32', 1),
        kernel: tf.randomUniform([F, P * U], -0.2, 0.2, 'float32', 2),
        recurrentKernel: tf.randomUniform([U, P * U], -0.2, 0.2, 'float32', 3),
        bias: tf.randomUniform(P === 3 ? [2, 3 * U] : [P * U], -0.1, 0.1, 'float32', 4),
        h0: tf.zeros([U, B]),
      };
      if (P === 4) inputs.c0 = tf.zeros([U, B]);
      const dy = tf.randomUniform([P === 4 ? T + 1 : T, U, B], -1, 1, 'float32', 5);
      const rounds = ctx.quick ? 3 : 7;
      const modes: WebgpuRecurrenceMode[] = ['per-step', 'persistent'];
      // One untimed pass of each mode compiles the pipelines; then every round a pass per step then a
      // persistent one (in that order, not rotated), as these figures have always been measured.
      const {
        rounds: [perStep, persistent],
      } = await runAlternating(
        modes.map((mode) => ({ round: () => timedPass(c, inputs, dy, mode) })),
        { rounds, steps: 1, warmupRounds: 1, rotate: false },
      );
      ctx.report({
        suite: 'webgpu-recurrence',
        case: `${c.label}, forward + backward, persistent workgroup vs dispatch per step`,
        unit: 'ms',
        value: median(persistent),
        peer: median(perStep),
        peerName: 'a dispatch per step',
        higherIsBetter: false,
      });
      tf.dispose([...Object.values(inputs), dy]);
    }
  },
};

export default suite;
