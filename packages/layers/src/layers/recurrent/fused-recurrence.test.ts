/**
 * The fused LSTM, simple RNN and GRU (both forms) kernels (@tensorfold/backend registers them on
 * WASM) against the op-by-op recurrences they replace: outputs, final states and the gradients of
 * the input, every weight and the initial states, with masks, goBackwards, returnSequences, recurrent
 * dropout and initial states carried from one batch to the next (the layers' form of statefulness),
 * shapes whose units and batch need padding, and no tensor leaks.
 */
import { useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { FUSED_RECURRENCE_KERNELS, FUSED_RECURRENT_DROPOUT, tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countingFusedCalls,
  type FusedCase,
  fusedKinds as kinds,
  outputsAndGradients,
  unregisterKernels,
} from '../../test-utils/fused-recurrence.js';
import { leakedTensors, seededUniform, useCpu } from '../../test-utils/setup.js';
import { canFuseGru, canFuseLstm, canFuseSimpleRnn } from './fused-recurrence.js';
import { GRU } from './gru.js';
import { LSTM, type LSTMArgs } from './lstm.js';
import { SimpleRNN } from './simple-rnn.js';

const hasWasm = (await backendsForTests()).includes('wasm');

/** Runs `f` with the kernels `names` unregistered (all fused ones: the op-by-op path), then registers them again. */
function opByOp<T>(f: () => T, names = [...FUSED_RECURRENCE_KERNELS, FUSED_RECURRENT_DROPOUT]): T {
  const registerAgain = unregisterKernels('wasm', names);
  try {
    return f();
  } finally {
    registerAgain();
  }
}

const cases: FusedCase[] = [
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
  {
    name: 'recurrent and input dropout, masked, initial states',
    args: { units: 5, recurrentDropout: 0.4, dropout: 0.3, returnSequences: true, returnState: true },
    batch: 6,
    steps: 5,
    features: 3,
    masked: true,
    withStates: true,
    training: true,
  },
  {
    name: 'recurrent dropout, goBackwards, last output',
    args: { units: 8, recurrentDropout: 0.5, goBackwards: true },
    batch: 9,
    steps: 4,
    features: 2,
    training: true,
  },
];

describe.runIf(hasWasm)('fused recurrences on WASM against the op-by-op recurrences', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(useCpu);

  it('are taken for the default activations only, without recurrent dropout', () => {
    const lstmOf = (args: Partial<LSTMArgs>) => new LSTM({ units: 2, ...args });
    const fusable = (args: Partial<LSTMArgs>) => {
      const layer = lstmOf(args);
      return canFuseLstm(layer.activation, layer.recurrentActivation);
    };
    expect(fusable({})).toBe(true);
    expect(fusable({ activation: 'relu' })).toBe(false);
    expect(fusable({ recurrentActivation: 'hardSigmoid' })).toBe(false);
    expect(opByOp(() => fusable({}))).toBe(false);
    expect(canFuseSimpleRnn(new SimpleRNN({ units: 2 }).activation)).toBe(true);
    expect(canFuseSimpleRnn(new SimpleRNN({ units: 2, activation: 'relu' }).activation)).toBe(false);
    expect(opByOp(() => canFuseSimpleRnn(new SimpleRNN({ units: 2 }).activation))).toBe(false);
    const gruFusable = (resetAfter: boolean, activation = 'tanh') => {
      const layer = new GRU({ units: 2, resetAfter, activation: activation as never });
      return canFuseGru(layer.resetAfter, layer.activation, layer.recurrentActivation);
    };
    expect(gruFusable(true)).toBe(true);
    expect(gruFusable(false)).toBe(true);
    expect(gruFusable(true, 'relu')).toBe(false);
    expect(gruFusable(false, 'relu')).toBe(false);
    expect(opByOp(() => gruFusable(false))).toBe(false);
    // Recurrent dropout: where the backend marks that its fused kernels take the mask.
    const layer = lstmOf({});
    expect(canFuseLstm(layer.activation, layer.recurrentActivation, true)).toBe(true);
    const withoutDropout = (f: () => boolean) => opByOp(f, [FUSED_RECURRENT_DROPOUT]);
    expect(withoutDropout(() => canFuseLstm(layer.activation, layer.recurrentActivation, true))).toBe(false);
    expect(withoutDropout(() => canFuseLstm(layer.activation, layer.recurrentActivation))).toBe(true);
    expect(withoutDropout(() => canFuseSimpleRnn(new SimpleRNN({ units: 2 }).activation, true))).toBe(false);
  });

  for (const kind of kinds) {
    it(`${kind.name}: the fused kernel runs for the default activations, input dropout and no recurrent dropout`, () => {
      const x = seededUniform([3, 4, 2], 1);
      const calls = (args: Partial<LSTMArgs>, training: boolean) =>
        countingFusedCalls('wasm', kind.forward, () => {
          const layer = kind.make({ seed: 1, ...args });
          tf.dispose(layer.apply(x, { training }));
          layer.dispose();
        });
      expect(calls({}, true)).toBe(1);
      expect(calls({ dropout: 0.5 }, true)).toBe(1); // input dropout: applied to x, before the kernel
      expect(calls({ recurrentDropout: 0.5 }, true)).toBe(1);
      expect(calls({ recurrentDropout: 0.5 }, false)).toBe(1); // no dropout at inference
      // A backend whose fused kernels take no recurrent dropout mask: op-by-op while training.
      expect(opByOp(() => calls({ recurrentDropout: 0.5 }, true), [FUSED_RECURRENT_DROPOUT])).toBe(0);
      expect(calls({ activation: 'relu' }, false)).toBe(0);
      x.dispose();
    });

    for (const c of cases) {
      it(`${kind.name}, ${c.name}: outputs and gradients agree`, async () => {
        const x = seededUniform([c.batch, c.steps, c.features], 1, -2, 2);
        // Two layers with the same weights and the same dropout seed: the same masks in both runs.
        const [layer, twin] = [kind.make({ ...c.args, seed: 3 }), kind.make({ ...c.args, seed: 3 })];
        tf.dispose([layer.apply(x), twin.apply(x)] as tf.Tensor[]); // builds them (no dropout outside training)
        const weights = layer.getWeights();
        twin.setWeights(weights);
        tf.dispose(weights);
        const fused = outputsAndGradients(layer, c, x);
        const reference = opByOp(() => outputsAndGradients(twin, c, x));
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
        twin.dispose();
      });
    }

    it(`${kind.name}: carries states from one batch to the next as the op-by-op path does`, async () => {
      const layer = kind.make({ units: 6, returnState: true, seed: 4 });
      const chunks = [seededUniform([4, 3, 2], 7), seededUniform([4, 3, 2], 8)];
      const carry = () => {
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
        return tf.stack(outs);
      };
      const fused = carry();
      const reference = opByOp(carry);
      const diff = tf.max(tf.abs(tf.sub(fused, reference)));
      expect((await diff.data())[0]).toBeLessThan(1e-5);
      tf.dispose([fused, reference, diff, ...chunks]);
      layer.dispose();
    });

    it(`${kind.name}: leaks no tensors, in inference and in a training step`, async () => {
      const layer = kind.make({ units: 5, returnSequences: true, seed: 2 });
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
  }
});
