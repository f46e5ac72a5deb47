/**
 * The fused LSTM, GRU (both forms) and simple RNN kernels on WASM: one LSTM step against its formula, and the SIMD
 * build against the scalar JavaScript path (what runs where the SIMD modules cannot), forward and
 * backward, with and without masks, bias and batch padding. The layer-level tests against the
 * op-by-op recurrences are in @tensorfold/layers (fused-recurrence.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  FUSED_GRU,
  FUSED_GRU_GRAD,
  FUSED_GRU_RESET_BEFORE,
  FUSED_GRU_RESET_BEFORE_GRAD,
  FUSED_LSTM,
  FUSED_LSTM_GRAD,
  FUSED_SIMPLE_RNN,
  FUSED_SIMPLE_RNN_GRAD,
  type FusedRecurrenceAttrs,
} from '@tensorfold/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setSimdKernelsEnabled } from '../simd/simd-kernels.js';

/** Each cell's kernels, gates and bias shape. */
const cells = {
  lstm: { kernels: [FUSED_LSTM, FUSED_LSTM_GRAD], gates: 4, bias: (u: number) => [4 * u] },
  gru: { kernels: [FUSED_GRU, FUSED_GRU_GRAD], gates: 3, bias: (u: number) => [2, 3 * u] },
  gruResetBefore: {
    kernels: [FUSED_GRU_RESET_BEFORE, FUSED_GRU_RESET_BEFORE_GRAD],
    gates: 3,
    bias: (u: number) => [3 * u],
  },
  simpleRnn: { kernels: [FUSED_SIMPLE_RNN, FUSED_SIMPLE_RNN_GRAD], gates: 1, bias: (u: number) => [u] },
};

interface Sizes {
  cell: keyof typeof cells;
  steps: number;
  features: number;
  units: number;
  batch: number;
  bias: boolean;
  masked: boolean;
  /** Recurrent dropout: a recurrentMask input. */
  dropped?: boolean;
}

/** Every output of the forward and backward kernels on seeded inputs, as arrays. */
async function run(s: Sizes): Promise<number[][]> {
  const before = tf.memory().numTensors;
  const cell = cells[s.cell];
  const inputs: tf.NamedTensorMap = {
    x: tf.randomUniform([s.steps, s.features, s.batch], -2, 2, 'float32', 1),
    kernel: tf.randomUniform([s.features, cell.gates * s.units], -0.5, 0.5, 'float32', 2),
    recurrentKernel: tf.randomUniform([s.units, cell.gates * s.units], -0.5, 0.5, 'float32', 3),
    h0: tf.randomUniform([s.units, s.batch], -1, 1, 'float32', 4),
  };
  if (s.cell === 'lstm') inputs.c0 = tf.randomUniform([s.units, s.batch], -1, 1, 'float32', 5);
  if (s.bias) {
    inputs.bias = tf.randomUniform(cell.bias(s.units), -1, 1, 'float32', 6);
  }
  if (s.masked) {
    inputs.mask = tf.tidy(() => {
      const real = tf.less(tf.randomUniform([s.steps, 1, s.batch], 0, 1, 'float32', 7), 0.7);
      return tf.cast(tf.tile(real, [1, s.units, 1]), 'float32');
    });
  }
  if (s.dropped) {
    inputs.recurrentMask = tf.tidy(() =>
      tf.div(tf.cast(tf.less(tf.randomUniform([s.units, s.batch], 0, 1, 'float32', 9), 0.6), 'float32'), 0.6),
    );
  }
  const attrs: FusedRecurrenceAttrs = {
    allOutputsUsed: true,
    masked: s.masked,
    features: s.features,
    recurrentMasked: s.dropped === true,
  };
  const [forward, backward] = cell.kernels as [string, string];
  const [packed, reserve] = tf.engine().runKernel(forward, inputs, attrs as never) as tf.Tensor[];
  const dy = tf.randomUniform((packed as tf.Tensor).shape, -1, 1, 'float32', 8);
  const grads = tf.engine().runKernel(backward, { dy, reserve } as never, attrs as never) as tf.Tensor[];
  const out = await Promise.all([packed as tf.Tensor, ...grads].map(async (t) => Array.from(await t.data())));
  tf.dispose([packed as tf.Tensor, reserve as tf.Tensor, dy, ...grads, ...Object.values(inputs)]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('fused recurrent kernels on WASM', () => {
  beforeAll(() => useBackend('wasm'));
  afterEach(() => setSimdKernelsEnabled(true));

  it('compute one step as the LSTM formula says', async () => {
    // One unit, one feature, one sample: z = w x + u h0 + b for each gate.
    const [w, u, b] = [
      [0.3, -0.2, 0.5, 0.1],
      [0.4, 0.6, -0.3, 0.2],
      [0.1, 1, -0.1, 0],
    ];
    const [x, h0, c0] = [0.7, -0.4, 0.25];
    const z = [0, 1, 2, 3].map((g) => (w[g] as number) * x + (u[g] as number) * h0 + (b[g] as number));
    const [i, f, g, o] = [
      sigmoid(z[0] as number),
      sigmoid(z[1] as number),
      Math.tanh(z[2] as number),
      sigmoid(z[3] as number),
    ];
    const c = f * c0 + i * g;
    const h = o * Math.tanh(c);
    const inputs = {
      x: tf.tensor3d([[[x]]]),
      kernel: tf.tensor2d([w]),
      recurrentKernel: tf.tensor2d([u]),
      bias: tf.tensor1d(b),
      h0: tf.tensor2d([[h0]]),
      c0: tf.tensor2d([[c0]]),
    };
    const attrs = { allOutputsUsed: true, masked: false, features: 1 };
    const [packed, reserve] = tf.engine().runKernel(FUSED_LSTM, inputs, attrs as never) as tf.Tensor[];
    const values = await (packed as tf.Tensor).data();
    expect(values[0]).toBeCloseTo(h, 6);
    expect(values[1]).toBeCloseTo(c, 6);
    tf.dispose([packed as tf.Tensor, reserve as tf.Tensor, ...Object.values(inputs)]);
  });

  it('compute one step as the reset-before GRU formula says', async () => {
    // Two units (so that r ⊙ h before U_h differs from r after it), one feature, one sample.
    const w = [0.3, -0.2, 0.5, 0.1, -0.6, 0.8]; // [1, 3U]: z, r, h blocks
    const u = [
      [0.4, 0.6, -0.7, 0.2, 0.9, -0.5],
      [-0.3, 0.5, 0.2, -0.8, 0.6, 0.7],
    ]; // [U, 3U]
    const b = [0.1, 1, -0.1, 0.3, 0.2, -0.4];
    const [x, h0] = [0.7, [-0.4, 0.9]];
    const pre = (gate: number, j: number, h: number[]) =>
      (w[gate * 2 + j] as number) * x +
      (b[gate * 2 + j] as number) +
      h.reduce((sum, hi, i) => sum + hi * ((u[i] as number[])[gate * 2 + j] as number), 0);
    const z = [0, 1].map((j) => sigmoid(pre(0, j, h0)));
    const r = [0, 1].map((j) => sigmoid(pre(1, j, h0)));
    const rh = h0.map((hi, i) => hi * (r[i] as number));
    const expected = [0, 1].map((j) => {
      const candidate = Math.tanh(pre(2, j, rh));
      return (z[j] as number) * (h0[j] as number) + (1 - (z[j] as number)) * candidate;
    });
    const inputs = {
      x: tf.tensor3d([[[x]]]),
      kernel: tf.tensor2d([w]),
      recurrentKernel: tf.tensor2d(u),
      bias: tf.tensor1d(b),
      h0: tf.tensor2d(h0.map((v) => [v])),
    };
    const attrs = { allOutputsUsed: true, masked: false, features: 1 };
    const [h, reserve] = tf.engine().runKernel(FUSED_GRU_RESET_BEFORE, inputs, attrs as never) as tf.Tensor[];
    const values = await (h as tf.Tensor).data();
    expect(values[0]).toBeCloseTo(expected[0] as number, 6);
    expect(values[1]).toBeCloseTo(expected[1] as number, 6);
    tf.dispose([h as tf.Tensor, reserve as tf.Tensor, ...Object.values(inputs)]);
  });

  const cases: Sizes[] = (Object.keys(cells) as Array<keyof typeof cells>).flatMap((cell) => [
    { cell, steps: 5, features: 3, units: 8, batch: 8, bias: true, masked: false },
    { cell, steps: 4, features: 2, units: 5, batch: 3, bias: true, masked: true },
    { cell, steps: 9, features: 1, units: 6, batch: 10, bias: false, masked: false },
    { cell, steps: 3, features: 4, units: 3, batch: 16, bias: false, masked: true },
    { cell, steps: 6, features: 3, units: 5, batch: 5, bias: true, masked: true, dropped: true },
  ]);
  it.each(cases)('SIMD and scalar JavaScript agree, forward and backward: %o', async (sizes) => {
    const simd = await run(sizes);
    setSimdKernelsEnabled(false);
    const scalar = await run(sizes);
    // packed (or h), dx, dKernel, dRecurrentKernel, dBias, dh0 (and dc0)
    expect(simd.length).toBe(sizes.cell === 'lstm' ? 7 : 6);
    simd.forEach((values, k) => {
      const other = scalar[k] as number[];
      expect(values.length).toBe(other.length);
      const worst = Math.max(
        ...values.map((v, j) => Math.abs(v - (other[j] as number)) / (1 + Math.abs(other[j] as number))),
      );
      expect(worst, `output ${k}`).toBeLessThan(1e-5);
      expect(values.some((v) => v !== 0) || (k === 4 && !sizes.bias), `output ${k} is not all zero`).toBe(
        true,
      );
    });
  });
});
