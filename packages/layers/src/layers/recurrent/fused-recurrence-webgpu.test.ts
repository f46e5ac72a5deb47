/**
 * The fused LSTM, simple RNN and GRU (reset after and reset before) kernels on WebGPU
 * (@tensorfold/backend registers them) against the op-by-op recurrences (on the CPU backend, and on
 * WebGPU for states carried from batch to batch) and against the fused kernels on WASM: outputs, final states and the gradients of the input, every weight and the
 * initial states, with masks, goBackwards,
 * returnSequences, returnState, initial states, sizes that fit no workgroup evenly, states carried
 * from batch to batch, and no tensor or GPU buffer leaks. Skipped with a notice where WebGPU cannot
 * start (see @tensorfold/backend/testing).
 */
import { useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { FUSED_RECURRENCE_KERNELS, type Layer, tf } from '@tensorfold/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  countingFusedCalls,
  type FusedCase,
  fusedKinds as kinds,
  outputsAndGradients,
  unregisterKernels,
} from '../../test-utils/fused-recurrence.js';
import { seededUniform, useCpu } from '../../test-utils/setup.js';
import type { LSTMArgs } from './lstm.js';

const backends = await backendsForTests();
const hasWebgpu = backends.includes('webgpu') && backends.includes('wasm');

/** Runs `f` with the fused kernels unregistered on WebGPU (the op-by-op path), then registers them again. */
async function opByOp<T>(f: () => T | Promise<T>): Promise<T> {
  const registerAgain = unregisterKernels('webgpu', FUSED_RECURRENCE_KERNELS);
  try {
    return await f();
  } finally {
    registerAgain();
  }
}

/**
 * Everything the layer computes on `x` (outputs, then final states with returnState) and the
 * gradients of a random projection of them with respect to x, the weights and the initial states,
 * read back as arrays (`await data()`, as WebGPU needs).
 */
async function run(layer: Layer, c: FusedCase, xValues: Float32Array): Promise<number[][]> {
  const x = tf.tensor3d(xValues, [c.batch, c.steps, c.features]);
  const results = outputsAndGradients(layer, c, x);
  const out = await Promise.all(results.map(async (t) => Array.from(await t.data())));
  tf.dispose([...results, x]);
  return out;
}

const cases: FusedCase[] = [
  { name: 'last output', args: { units: 8 }, batch: 8, steps: 5, features: 3 },
  {
    name: 'returnSequences, odd units and batch',
    args: { units: 5, returnSequences: true },
    batch: 3,
    steps: 4,
    features: 2,
  },
  {
    name: 'returnState, initial states',
    args: { units: 6, returnState: true },
    batch: 5,
    steps: 6,
    features: 4,
    withStates: true,
  },
  {
    name: 'masked, returnSequences and returnState',
    args: { units: 4, returnSequences: true, returnState: true },
    batch: 6,
    steps: 5,
    features: 2,
    masked: true,
  },
  {
    name: 'goBackwards, masked, last output',
    args: { units: 7, goBackwards: true },
    batch: 9,
    steps: 5,
    features: 3,
    masked: true,
  },
  {
    name: 'no bias, goBackwards',
    args: { units: 12, useBias: false, goBackwards: true },
    batch: 16,
    steps: 3,
    features: 1,
  },
];

/** The largest difference relative to 1 + |want| over all outputs; checks shapes and that want is not all zero. */
function worstDifference(got: number[][], want: number[][], label: string): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  want.forEach((w, i) => {
    const g = got[i] as number[];
    expect(g.length, `${label}: tensor ${i}`).toBe(w.length);
    expect(
      w.some((v) => v !== 0),
      `${label}: tensor ${i} is not all zero`,
    ).toBe(true);
    w.forEach((v, j) => {
      worst = Math.max(worst, Math.abs((g[j] as number) - v) / (1 + Math.abs(v)));
    });
  });
  return worst;
}

describe.runIf(hasWebgpu)('fused recurrences on WebGPU', () => {
  afterAll(useCpu);

  for (const kind of kinds) {
    it(`${kind.name}: the fused kernel runs on WebGPU for the default activations`, async () => {
      await useBackend('webgpu');
      const x = seededUniform([3, 4, 2], 1);
      const calls = (args: Partial<LSTMArgs>) =>
        countingFusedCalls('webgpu', kind.forward, () => {
          const layer = kind.make({ seed: 1, ...args });
          tf.dispose(layer.apply(x, { training: true }));
          layer.dispose();
        });
      expect(calls({})).toBe(1);
      expect(calls({ recurrentDropout: 0.5 })).toBe(0);
      expect(calls({ activation: 'relu' })).toBe(0);
      x.dispose();
    });

    for (const c of cases) {
      it(`${kind.name}, ${c.name}: agrees with the op-by-op path (on CPU) and the fused kernels on WASM`, async () => {
        const xValues = (await seededUniform(
          [c.batch, c.steps, c.features],
          1,
          -2,
          2,
        ).data()) as Float32Array;
        await useBackend('webgpu');
        const layer = kind.make({ ...c.args, seed: 3 });
        const fused = await run(layer, c, xValues);
        const weights = await Promise.all(
          layer.getWeights().map(async (w) => ({ shape: w.shape, values: await w.data() })),
        );
        layer.dispose();
        /** The same layer (same weights) on `backend`. */
        const runOn = async (backend: 'cpu' | 'wasm') => {
          await useBackend(backend);
          const other = kind.make({ ...c.args, seed: 3 });
          await run(other, c, xValues); // builds the weights
          other.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
          const values = await run(other, c, xValues);
          other.dispose();
          return values;
        };
        // The op-by-op path on the CPU backend (no fused kernel there): op-by-op on WebGPU took twice
        // the fused kernel's time on SwiftShader; it is compared on WebGPU in the carrying test below.
        expect(tf.getKernel(kind.forward, 'cpu')).toBeUndefined();
        const reference = await runOn('cpu');
        const wasm = await runOn('wasm');
        expect(worstDifference(fused, reference, 'op-by-op')).toBeLessThan(1e-4);
        expect(worstDifference(fused, wasm, 'WASM')).toBeLessThan(2e-5);
      });
    }

    it(`${kind.name}: carries states from one batch to the next as the op-by-op path does`, async () => {
      await useBackend('webgpu');
      const layer = kind.make({ units: 6, returnState: true, seed: 4 });
      const chunks = [seededUniform([4, 3, 2], 7), seededUniform([4, 3, 2], 8)];
      const carry = async () => {
        let states: tf.Tensor[] | undefined;
        const outs: tf.Tensor[] = [];
        for (const chunk of chunks) {
          const [y, ...finalStates] = layer.apply(
            chunk,
            states ? ({ initialState: states } as never) : {},
          ) as unknown as tf.Tensor[];
          tf.dispose(states);
          states = finalStates;
          outs.push(y as tf.Tensor);
        }
        tf.dispose(states);
        const stacked = tf.stack(outs);
        tf.dispose(outs);
        const values = Array.from(await stacked.data());
        stacked.dispose();
        return values;
      };
      const fused = await carry();
      const reference = await opByOp(carry);
      expect(worstDifference([fused], [reference], 'carried')).toBeLessThan(1e-4);
      tf.dispose(chunks);
      layer.dispose();
    });

    it(`${kind.name}: leaks no tensors or GPU buffers, in inference and in a training step`, async () => {
      await useBackend('webgpu');
      // tfjs-backend-webgpu's count of live GPU data (a buffer each).
      const backend = tf.backend() as unknown as { numDataIds(): number };
      const layer = kind.make({ units: 5, returnSequences: true, seed: 2 });
      const x = seededUniform([3, 4, 2], 1);
      const step = async () => {
        const y = layer.apply(x) as tf.Tensor; // inference (the first call builds the weights)
        await y.data();
        y.dispose();
        const value = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x))) as tf.Scalar);
          tf.dispose(grads);
          return value;
        });
        await value.data();
        value.dispose();
      };
      await step();
      const [tensors, buffers] = [tf.memory().numTensors, backend.numDataIds()];
      for (let i = 0; i < 3; i++) await step();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(backend.numDataIds()).toBe(buffers);
      x.dispose();
      layer.dispose();
    });
  }
});
