/**
 * The fused LSTM kernels (@tensorfold/backend registers them on WASM) against the op-by-op
 * recurrence they replace: outputs, final states and the gradients of the input, every weight and
 * the initial states, with masks, goBackwards, returnSequences and initial states carried from one
 * batch to the next (the layers' form of statefulness), shapes whose units and batch need padding,
 * and no tensor leaks.
 */
import { useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { FUSED_LSTM, FUSED_LSTM_GRAD, type Layer, tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { canFuseLstm } from './fused-lstm-recurrence.js';
import { LSTM, type LSTMArgs } from './lstm.js';

const hasWasm = (await backendsForTests()).includes('wasm');

/** Runs `f` with the fused kernels unregistered (the op-by-op path), then registers them again. */
function opByOp<T>(f: () => T): T {
  const configs = [FUSED_LSTM, FUSED_LSTM_GRAD].map((name) => tf.getKernel(name, 'wasm') as tf.KernelConfig);
  for (const config of configs) tf.unregisterKernel(config.kernelName, 'wasm');
  try {
    return f();
  } finally {
    for (const config of configs) tf.registerKernel(config);
  }
}

/** How many times `f` ran the fused forward kernel. */
function countingFusedCalls(f: () => void): number {
  const config = tf.getKernel(FUSED_LSTM, 'wasm') as tf.KernelConfig;
  let count = 0;
  tf.unregisterKernel(FUSED_LSTM, 'wasm');
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      count++;
      return config.kernelFunc(args);
    },
  });
  try {
    f();
  } finally {
    tf.unregisterKernel(FUSED_LSTM, 'wasm');
    tf.registerKernel(config);
  }
  return count;
}

/** A [batch, steps] mask with padding at the end of some samples and in the middle of others. */
function sampleMask(batch: number, steps: number): tf.Tensor {
  const values: boolean[] = [];
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < steps; t++) values.push(b % 3 === 0 ? true : b % 3 === 1 ? t < 2 : t !== 1);
  return tf.tensor2d(values, [batch, steps], 'bool');
}

interface Case {
  name: string;
  args: Partial<LSTMArgs>;
  batch: number;
  steps: number;
  features: number;
  masked?: boolean;
  withStates?: boolean;
}

/**
 * Everything the layer computes on `x` (outputs, then final states with returnState) and the
 * gradients of a random projection of them with respect to x, the weights and the initial states.
 */
function run(layer: Layer, c: Case, x: tf.Tensor): tf.Tensor[] {
  return tf.tidy(() => {
    const units = (layer as LSTM).units;
    const states = c.withStates
      ? [seededUniform([c.batch, units], 5), seededUniform([c.batch, units], 6)]
      : undefined;
    const mask = c.masked ? sampleMask(c.batch, c.steps) : undefined;
    const loss = (input: tf.Tensor, h0?: tf.Tensor, c0?: tf.Tensor) => {
      const out = layer.apply(input, {
        ...(mask ? { mask } : {}),
        ...(h0 && c0 ? { initialState: [h0, c0] } : {}),
      } as never) as tf.Tensor | tf.Tensor[];
      const list = Array.isArray(out) ? out : [out];
      return {
        list,
        value: tf.addN(list.map((t, i) => tf.sum(tf.mul(t, seededUniform(t.shape, 10 + i))))) as tf.Scalar,
      };
    };
    const outputs = loss(x, ...(states ?? [])).list;
    const variables = [x, ...(states ?? [])].map((t) => tf.variable(t));
    const [xv, h0v, c0v] = variables as [tf.Variable, tf.Variable?, tf.Variable?];
    const list = [xv, ...layer.trainableWeights.map((w) => w.read()), ...variables.slice(1)];
    const { value, grads: named } = tf.variableGrads(() => loss(xv, h0v, c0v).value, list);
    const grads = list.map((v) => named[v.name] as tf.Tensor);
    value.dispose();
    tf.dispose(variables);
    return [...outputs, ...grads];
  });
}

const cases: Case[] = [
  { name: 'last output', args: { units: 8 }, batch: 8, steps: 5, features: 3 },
  {
    name: 'returnSequences, padded units and batch',
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
    name: 'masked',
    args: { units: 4, returnSequences: true, returnState: true },
    batch: 6,
    steps: 5,
    features: 2,
    masked: true,
  },
  { name: 'masked, last output', args: { units: 7 }, batch: 9, steps: 5, features: 3, masked: true },
  {
    name: 'goBackwards, masked',
    args: { units: 4, goBackwards: true, returnSequences: true },
    batch: 4,
    steps: 5,
    features: 2,
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

describe.runIf(hasWasm)('fused LSTM on WASM against the op-by-op recurrence', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(useCpu);

  it('is taken for the default activations only, without recurrent dropout', () => {
    const lstmOf = (args: Partial<LSTMArgs>) => new LSTM({ units: 2, ...args });
    const fusable = (args: Partial<LSTMArgs>) => {
      const layer = lstmOf(args);
      return canFuseLstm(layer.activation, layer.recurrentActivation);
    };
    expect(fusable({})).toBe(true);
    expect(fusable({ activation: 'relu' })).toBe(false);
    expect(fusable({ recurrentActivation: 'hardSigmoid' })).toBe(false);
    expect(opByOp(() => fusable({}))).toBe(false);
    const x = seededUniform([3, 4, 2], 1);
    const calls = (args: Partial<LSTMArgs>, training: boolean) =>
      countingFusedCalls(() => {
        const layer = lstmOf({ seed: 1, ...args });
        tf.dispose(layer.apply(x, { training }));
        layer.dispose();
      });
    expect(calls({}, true)).toBe(1);
    expect(calls({ dropout: 0.5 }, true)).toBe(1); // input dropout: applied to x, before the kernel
    expect(calls({ recurrentDropout: 0.5 }, true)).toBe(0);
    expect(calls({ recurrentDropout: 0.5 }, false)).toBe(1); // no dropout at inference
    expect(calls({ activation: 'relu' }, false)).toBe(0);
    x.dispose();
  });

  for (const c of cases) {
    it(`${c.name}: outputs and gradients agree`, async () => {
      const layer = new LSTM({ ...c.args, units: c.args.units ?? 4, seed: 3 } as LSTMArgs);
      const x = seededUniform([c.batch, c.steps, c.features], 1, -2, 2);
      const fused = run(layer, c, x);
      const reference = opByOp(() => run(layer, c, x));
      expect(fused.length).toBe(reference.length);
      for (let i = 0; i < fused.length; i++) {
        const a = fused[i] as tf.Tensor;
        const b = reference[i] as tf.Tensor;
        expect(a.shape).toEqual(b.shape);
        const [av, bv] = [await a.data(), await b.data()];
        let worst = 0;
        for (let j = 0; j < av.length; j++)
          worst = Math.max(worst, Math.abs(av[j] - bv[j]) / (1 + Math.abs(bv[j])));
        expect(worst, `tensor ${i} of ${c.name}`).toBeLessThan(2e-5);
        expect(
          Array.from(bv).some((v) => v !== 0),
          `tensor ${i} of ${c.name} is not all zero`,
        ).toBe(true);
      }
      tf.dispose([...fused, ...reference, x]);
      layer.dispose();
    });
  }

  it('carries states from one batch to the next as the op-by-op path does', async () => {
    const layer = new LSTM({ units: 6, returnState: true, seed: 4 });
    const chunks = [seededUniform([4, 3, 2], 7), seededUniform([4, 3, 2], 8)];
    const carry = () => {
      let states: tf.Tensor[] | undefined;
      const outs: tf.Tensor[] = [];
      for (const chunk of chunks) {
        const [y, h, c] = layer.apply(
          chunk,
          states ? ({ initialState: states } as never) : {},
        ) as unknown as tf.Tensor[];
        tf.dispose(states);
        states = [h as tf.Tensor, c as tf.Tensor];
        outs.push(y as tf.Tensor);
      }
      tf.dispose(states);
      return tf.stack(outs);
    };
    const fused = carry();
    const reference = opByOp(carry);
    const diff = tf.max(tf.abs(tf.sub(fused, reference)));
    expect((await diff.data())[0]).toBeLessThan(1e-5);
    tf.dispose([fused, reference, diff, ...chunks]);
    layer.dispose();
  });

  it('leaks no tensors, in inference and in a training step', async () => {
    const layer = new LSTM({ units: 5, returnSequences: true, seed: 2 });
    const x = seededUniform([3, 4, 2], 1);
    expect(await leakedTensors(() => layer.apply(x))).toBe(0);
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x))) as tf.Scalar);
        tf.dispose(grads);
        return value;
      });
    expect(await leakedTensors(step)).toBe(0);
    x.dispose();
    layer.dispose();
  });
});
