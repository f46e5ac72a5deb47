/**
 * The fused LSTM, simple RNN and GRU (reset after and reset before) kernels on WebGPU against the same kernels on WASM (the
 * reference WASM build, itself tested against the layers' op-by-op recurrences): every output of
 * the forward and the backward pass, with and without bias and mask, every output used or only the
 * last, sizes that fit no workgroup evenly, both ways of running the steps (a dispatch per step and
 * one persistent workgroup), and no tensor or GPU buffer left behind. The layer-level tests against
 * the op-by-op path on WebGPU are in @tensorfold/layers (fused-recurrence-webgpu.test.ts).
 */
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  BackendError,
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
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { backendsForTests } from '../../testing.js';
import { CELLS } from './cells.js';
import {
  PERSISTENT_MAX_MULTIPLY_ADDS,
  type RecurrenceMode,
  RecurrenceProgram,
  runProgram,
  runsPersistent,
  setRecurrenceMode,
} from './programs.js';

interface Sizes {
  /** 4 for the LSTM, 3 for the GRU, 1 for the simple RNN. */
  gates: number;
  /** The GRU in its reset-before form (bias `[3U]`) rather than reset after (bias `[2, 3U]`). */
  resetBefore?: boolean;
  steps: number;
  features: number;
  units: number;
  batch: number;
  bias: boolean;
  masked: boolean;
  allOutputsUsed: boolean;
}

/** Seeded values in [lo, hi). */
function values(size: number, seed: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(size);
  let state = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = lo + ((hi - lo) * state) / 2147483648;
  }
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Every output of the forward and backward kernels on seeded inputs, as arrays, on the active backend. */
async function run(s: Sizes): Promise<number[][]> {
  const before = tf.memory().numTensors;
  const ids = tf.getBackend() === 'webgpu' ? (tf.backend() as WebGPUBackend).numDataIds() : 0;
  const make = (shape: number[], seed: number, lo: number, hi: number) =>
    tf.tensor(values(size(shape), seed, lo, hi), shape);
  const inputs: tf.NamedTensorMap = {
    x: make([s.steps, s.features, s.batch], 1, -2, 2),
    kernel: make([s.features, s.gates * s.units], 2, -0.5, 0.5),
    recurrentKernel: make([s.units, s.gates * s.units], 3, -0.5, 0.5),
    h0: make([s.units, s.batch], 4, -1, 1),
  };
  if (s.gates === 4) inputs.c0 = make([s.units, s.batch], 5, -1, 1);
  if (s.bias)
    inputs.bias = make(s.gates === 3 && !s.resetBefore ? [2, 3 * s.units] : [s.gates * s.units], 6, -1, 1);
  if (s.masked) {
    const real = values(s.steps * s.batch, 7, 0, 1);
    const mask = new Float32Array(s.steps * s.units * s.batch);
    for (let t = 0; t < s.steps; t++)
      for (let u = 0; u < s.units; u++)
        for (let b = 0; b < s.batch; b++)
          mask[(t * s.units + u) * s.batch + b] = (real[t * s.batch + b] as number) < 0.7 ? 1 : 0;
    inputs.mask = tf.tensor(mask, [s.steps, s.units, s.batch]);
  }
  const attrs: FusedRecurrenceAttrs = {
    allOutputsUsed: s.allOutputsUsed,
    masked: s.masked,
    features: s.features,
  };
  const [forward, backward] = s.resetBefore
    ? [FUSED_GRU_RESET_BEFORE, FUSED_GRU_RESET_BEFORE_GRAD]
    : ({
        4: [FUSED_LSTM, FUSED_LSTM_GRAD],
        3: [FUSED_GRU, FUSED_GRU_GRAD],
        1: [FUSED_SIMPLE_RNN, FUSED_SIMPLE_RNN_GRAD],
      }[s.gates] as [string, string]);
  const [packed, reserve] = tf.engine().runKernel(forward, inputs, attrs as never) as tf.Tensor[];
  const dy = make((packed as tf.Tensor).shape, 8, -1, 1);
  const grads = tf.engine().runKernel(backward, { dy, reserve } as never, attrs as never) as tf.Tensor[];
  const out = await Promise.all([packed as tf.Tensor, ...grads].map(async (t) => Array.from(await t.data())));
  tf.dispose([packed as tf.Tensor, reserve as tf.Tensor, dy, ...grads, ...Object.values(inputs)]);
  expect(tf.memory().numTensors).toBe(before);
  if (tf.getBackend() === 'webgpu') expect((tf.backend() as WebGPUBackend).numDataIds()).toBe(ids);
  return out;
}

const available = await backendsForTests();
const hasWebgpu = available.includes('webgpu') && available.includes('wasm');

/** Expects `got` within 2e-5 relative of `want`, output by output, and not all zero. */
function expectClose(got: number[][], want: number[][], s: Sizes): void {
  expect(got.length).toBe(want.length);
  got.forEach((values, k) => {
    const other = want[k] as number[];
    expect(values.length, `output ${k}`).toBe(other.length);
    let worst = 0;
    values.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - (other[j] as number)) / (1 + Math.abs(other[j] as number)));
    });
    expect(worst, `output ${k}`).toBeLessThan(2e-5);
    expect(values.some((v) => v !== 0) || (k === 4 && !s.bias), `output ${k} is not all zero`).toBe(true);
  });
}

const cells: Array<Pick<Sizes, 'gates' | 'resetBefore'>> = [
  { gates: 4 },
  { gates: 3 },
  { gates: 3, resetBefore: true },
  { gates: 1 },
];
const cases: Sizes[] = cells.flatMap((cell) => [
  { ...cell, steps: 5, features: 3, units: 8, batch: 8, bias: true, masked: false, allOutputsUsed: true },
  { ...cell, steps: 4, features: 2, units: 5, batch: 3, bias: true, masked: true, allOutputsUsed: true },
  { ...cell, steps: 7, features: 1, units: 6, batch: 11, bias: false, masked: false, allOutputsUsed: false },
  { ...cell, steps: 3, features: 4, units: 3, batch: 17, bias: false, masked: true, allOutputsUsed: false },
]);

describe('how the steps are dispatched', () => {
  afterEach(() => {
    setRecurrenceMode('auto');
  });
  const gpu = { adapterInfo: { vendor: 'nvidia', architecture: 'ampere' } } as unknown as WebGPUBackend;
  const swiftShader = {
    adapterInfo: { vendor: 'google', architecture: 'swiftshader' },
  } as unknown as WebGPUBackend;

  it('auto: one persistent workgroup for small steps on a GPU, a dispatch per step otherwise', () => {
    expect(runsPersistent(gpu, CELLS.lstm, 50, 32)).toBe(true); // 4·50·50·32 = 320,000
    expect(4 * 50 * 50 * 32).toBeLessThanOrEqual(PERSISTENT_MAX_MULTIPLY_ADDS);
    expect(runsPersistent(gpu, CELLS.lstm, 128, 64)).toBe(false);
    expect(runsPersistent(gpu, CELLS.simpleRnn, 128, 32)).toBe(true);
    expect(runsPersistent(swiftShader, CELLS.lstm, 50, 32)).toBe(false);
    expect(runsPersistent(swiftShader, CELLS.simpleRnn, 2, 2)).toBe(false);
  });

  it('a set mode holds for every size and adapter', () => {
    expect(setRecurrenceMode('persistent')).toBe('auto');
    expect(runsPersistent(swiftShader, CELLS.gru, 512, 512)).toBe(true);
    expect(setRecurrenceMode('per-step')).toBe('persistent');
    expect(runsPersistent(gpu, CELLS.gru, 2, 2)).toBe(false);
  });
});

describe("the device's limits", () => {
  /** A backend stand-in with these limits that records the programs it is asked to run. */
  const deviceWith = (limits: Record<string, number>) => {
    const ran: string[] = [];
    const backend = {
      device: { limits },
      runWebGPUProgram: (program: RecurrenceProgram) => void ran.push(program.shaderKey),
    } as unknown as WebGPUBackend;
    return { backend, ran };
  };
  const info = (shape: number[]) => ({ dataId: {}, shape, dtype: 'float32' }) as tf.TensorInfo;
  const program = new RecurrenceProgram('test', ['inA', 'inB', 'inC'], [4], 4, 'fn main(index : i32) {}');

  it('runs a program whose storage buffers fit the per-stage limit', () => {
    const { backend, ran } = deviceWith({
      maxStorageBuffersPerShaderStage: 4,
      maxStorageBufferBindingSize: 64,
    });
    runProgram(backend, program, [info([2]), info([2]), info([2])], info([4]), []);
    expect(ran).toEqual(['tensorfoldFusedRecurrence_test']);
  });

  it('refuses a program with more storage buffers than the device binds, saying what to do', () => {
    const { backend, ran } = deviceWith({ maxStorageBuffersPerShaderStage: 3 });
    expect(() => runProgram(backend, program, [info([2]), info([2]), info([2])], info([4]), [])).toThrow(
      /binds 4 storage buffers; this WebGPU device allows 3 per shader stage\. Use the WASM or CPU backend/,
    );
    expect(ran).toEqual([]);
  });

  it('refuses a buffer above the largest binding, as a BackendError', () => {
    const { backend } = deviceWith({ maxStorageBuffersPerShaderStage: 8, maxStorageBufferBindingSize: 64 });
    expect(() => runProgram(backend, program, [info([17]), info([2]), info([2])], info([4]), [])).toThrow(
      BackendError,
    );
  });
});

describe.skipIf(!hasWebgpu)('fused recurrent kernels on WebGPU against WASM', () => {
  let previous: RecurrenceMode = 'auto';
  afterAll(() => {
    setRecurrenceMode(previous);
  });

  it('an LSTM over no steps passes the starting states through, forward and backward', async () => {
    await useBackend('webgpu');
    const before = tf.memory().numTensors;
    const [units, batch] = [3, 2];
    const c0 = tf.tensor2d([1, 2, 3, 4, 5, 6], [units, batch]);
    const inputs = {
      x: tf.zeros([0, 2, batch]),
      kernel: tf.ones([2, 4 * units]),
      recurrentKernel: tf.ones([units, 4 * units]),
      h0: tf.ones([units, batch]),
      c0,
    };
    const attrs = { allOutputsUsed: true, masked: false, features: 2 };
    const [packed, reserve] = tf.engine().runKernel(FUSED_LSTM, inputs, attrs as never) as tf.Tensor[];
    expect((packed as tf.Tensor).shape).toEqual([1, units, batch]);
    expect(Array.from(await (packed as tf.Tensor).data())).toEqual([1, 2, 3, 4, 5, 6]);
    const dy = tf.tensor3d([6, 5, 4, 3, 2, 1], [1, units, batch]);
    const grads = tf
      .engine()
      .runKernel(FUSED_LSTM_GRAD, { dy, reserve } as never, attrs as never) as tf.Tensor[];
    const values = await Promise.all(grads.map(async (t) => Array.from(await t.data())));
    expect(grads.map((t) => t.shape)).toEqual([
      [0, 2, batch],
      [2, 12],
      [units, 12],
      [12],
      [units, batch],
      [units, batch],
    ]);
    expect(values.slice(0, 5).every((v) => v.every((e) => e === 0))).toBe(true);
    expect(values[5]).toEqual([6, 5, 4, 3, 2, 1]);
    tf.dispose([packed as tf.Tensor, reserve as tf.Tensor, dy, ...grads, ...Object.values(inputs)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const mode of ['per-step', 'persistent'] as const) {
    it.each(cases)(`${mode}: forward and backward agree with WASM: %o`, async (sizes) => {
      await useBackend('wasm');
      const want = await run(sizes);
      await useBackend('webgpu');
      previous = setRecurrenceMode(mode);
      const got = await run(sizes);
      setRecurrenceMode(previous);
      expectClose(got, want, sizes);
    });
  }
});
