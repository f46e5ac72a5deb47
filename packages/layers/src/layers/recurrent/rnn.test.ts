import * as tfl from '@tensorflow/tfjs-layers';
import {
  ConfigError,
  type LayerWeight,
  modelFromArtifacts,
  modelToArtifacts,
  register,
  type Shape,
  sequential,
  tf,
} from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../../test-utils/gradient-check.js';
import { expectLoadsFromTfjs, expectLoadsInTfjs } from '../../test-utils/interop.js';
import { compareWithTfjs } from '../../test-utils/oracle.js';
import { leakedTensors, maxAbsDiff, seededUniform, useCpu } from '../../test-utils/setup.js';
import { expectTrains, testBackends } from '../../test-utils/training.js';
import { dense } from '../core/dense.js';
import { GRUCell, gruCell, LSTMCell, lstmCell, SimpleRNNCell, simpleRNNCell } from './cell-types.js';
import { type CellStep, RNNCell } from './cells.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { RNN, rnn } from './rnn.js';
import { SimpleRNN } from './simple-rnn.js';
import { StackedRNNCells, stackedRNNCells } from './stacked-cells.js';

beforeAll(useCpu);

/** A [batch, steps] mask: sample 0 fully real, sample 1 padded after 2 steps, others real except step 1. */
function sampleMask(batch: number, steps: number): tf.Tensor {
  const values: boolean[] = [];
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < steps; t++) values.push(b === 0 ? true : b === 1 ? t < 2 : t !== 1);
  return tf.tensor2d(values, [batch, steps], 'bool');
}

/** Keras's minimal custom cell: `h_t = x_t W + h_{t-1} U` (no bias, linear). */
class MinimalRNNCell extends RNNCell {
  static override readonly className = 'MinimalRNNCell';
  readonly units: number;
  constructor(args: { units: number; name?: string }) {
    super(args);
    this.units = args.units;
  }
  override get stateSize(): number {
    return this.units;
  }
  override build(inputShape: Shape | Shape[]): void {
    const features = this.stepInputShape(inputShape)[1] as number;
    const init = {
      className: 'Ones',
      apply: (s: number[]) => tf.mul(tf.ones(s), 0.1),
      getConfig: () => ({}),
    };
    this.addWeight('kernel', [features, this.units], init);
    this.addWeight('recurrent_kernel', [this.units, this.units], init);
  }
  step(x: tf.Tensor, states: tf.Tensor[]): CellStep {
    const [k, r] = this.weights.map((w: LayerWeight) => w.read());
    const h = tf.add(tf.matMul(x, k), tf.matMul(states[0], r));
    return { output: h, states: [h] };
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units };
  }
}
register('layer', 'MinimalRNNCell', (c) => new MinimalRNNCell(c as never));

const cellKinds = [
  {
    name: 'simpleRNNCell',
    cell: (a: object) => new SimpleRNNCell(a as never),
    layer: (a: object) => new SimpleRNN(a as never),
    states: 1,
  },
  {
    name: 'lstmCell',
    cell: (a: object) => new LSTMCell(a as never),
    layer: (a: object) => new LSTM(a as never),
    states: 2,
  },
  {
    name: 'gruCell',
    cell: (a: object) => new GRUCell(a as never),
    layer: (a: object) => new GRU(a as never),
    states: 1,
  },
  {
    name: 'gruCell (resetAfter)',
    cell: (a: object) => new GRUCell({ ...a, resetAfter: true } as never),
    layer: (a: object) => new GRU({ ...a, resetAfter: true } as never),
    states: 1,
  },
];

describe('rnn and cells: contract', () => {
  it('gives output shapes, weights named as tfjs-layers, and round-trips configs', () => {
    const single = rnn({
      cell: lstmCell({ units: 3 }),
      returnSequences: true,
      returnState: true,
      name: 'r1',
    });
    expect(single.computeOutputShape([null, 5, 2])).toEqual([
      [null, 5, 3],
      [null, 3],
      [null, 3],
    ]);
    single.apply(tf.zeros([1, 5, 2]));
    expect(single.weights.map((w) => `${w.path} ${w.shape}`)).toEqual([
      'r1/kernel 2,12',
      'r1/recurrent_kernel 3,12',
      'r1/bias 12',
    ]);
    const stacked = rnn({ cell: [simpleRNNCell({ units: 4 }), gruCell({ units: 2 })], name: 'r2' });
    expect(stacked.cell).toBeInstanceOf(StackedRNNCells);
    expect(stacked.computeOutputShape([null, 5, 3])).toEqual([null, 2]);
    stacked.apply(tf.zeros([1, 5, 3]));
    expect(stacked.weights.map((w) => `${w.path} ${w.shape}`)).toEqual([
      'r2/RNNCell_0/kernel 3,4',
      'r2/RNNCell_0/recurrent_kernel 4,4',
      'r2/RNNCell_0/bias 4',
      'r2/RNNCell_1/kernel 4,6',
      'r2/RNNCell_1/recurrent_kernel 2,6',
      'r2/RNNCell_1/bias 6',
    ]);
    for (const layer of [single, stacked]) {
      const again = new RNN(JSON.parse(JSON.stringify(layer.getConfig())));
      const { name: _a, cell: c1, ...rest1 } = layer.getConfig();
      const { name: _b, cell: c2, ...rest2 } = again.getConfig();
      expect(rest2).toEqual(rest1);
      expect((c2 as { className: string }).className).toBe((c1 as { className: string }).className);
    }
    for (const cell of [
      simpleRNNCell({ units: 2 }),
      lstmCell({ units: 2, unitForgetBias: false }),
      gruCell({ units: 2, resetAfter: true }),
    ]) {
      const Class = cell.constructor as new (c: never) => RNNCell;
      expect(new Class(cell.getConfig() as never).getConfig()).toEqual(cell.getConfig());
    }
    expect(lstmCell({ units: 3 }).stateSize).toEqual([3, 3]);
    expect(() => rnn({ cell: dense({ units: 2 }) as never })).toThrow(ConfigError);
    expect(() => rnn({ cell: [] })).toThrow(ConfigError);
    expect(() => rnn({ cell: lstmCell({ units: 2 }), stateful: true })).toThrow(ConfigError);
    expect(() => stackedRNNCells({ cells: [] })).toThrow(ConfigError);
  });

  it('a cell called directly takes [x, ...states] and returns [output, ...states]', async () => {
    const cell = lstmCell({ units: 2 });
    const out = cell.apply([seededUniform([3, 4], 1), tf.zeros([3, 2]), tf.zeros([3, 2])]) as tf.Tensor[];
    expect(out.map((t) => t.shape)).toEqual([
      [3, 2],
      [3, 2],
      [3, 2],
    ]);
    expect(await maxAbsDiff(out[0], out[1])).toBe(0);
  });
});

describe('rnn: values', () => {
  it('runs a simple cell by hand (linear, 1 unit)', async () => {
    const layer = rnn({ cell: simpleRNNCell({ units: 1, activation: 'linear' }), returnSequences: true });
    const x = tf.tensor3d([[[1], [2], [3]]]);
    layer.apply(x);
    layer.setWeights([tf.tensor2d([[2]]), tf.tensor2d([[0.5]]), tf.tensor1d([1])]);
    // h1 = 2 + 1 = 3; h2 = 4 + 1.5 + 1 = 6.5; h3 = 6 + 3.25 + 1 = 10.25
    expect(Array.from(await layer.apply(x).data())).toEqual([3, 6.5, 10.25]);
    // Backwards: h1 = 6 + 1 = 7; h2 = 4 + 3.5 + 1 = 8.5; h3 = 2 + 4.25 + 1 = 7.25
    const back = rnn({
      cell: simpleRNNCell({ units: 1, activation: 'linear' }),
      returnSequences: true,
      goBackwards: true,
    });
    back.apply(x);
    back.setWeights(layer.getWeights());
    expect(Array.from(await back.apply(x).data())).toEqual([7, 8.5, 7.25]);
  });

  for (const kind of cellKinds) {
    it(`rnn(${kind.name}) computes what the fused layer computes, with masks, goBackwards, states`, async () => {
      for (const opts of [
        { returnSequences: true },
        { returnSequences: false, goBackwards: true },
        { returnSequences: true, returnState: true },
      ]) {
        const args = { units: 3, recurrentInitializer: 'glorotUniform', biasInitializer: 'randomNormal' };
        const ours = rnn({ cell: kind.cell(args), ...opts });
        const fused = kind.layer({ ...args, ...opts });
        const x = seededUniform([3, 5, 2], 2);
        const mask = sampleMask(3, 5);
        const initialState = Array.from({ length: kind.states }, (_, i) => seededUniform([3, 3], 10 + i));
        ours.apply(x);
        fused.apply(x);
        fused.setWeights(ours.getWeights());
        for (const call of [{}, { mask }, { mask, initialState }]) {
          const a = [ours.apply(x, call)].flat() as tf.Tensor[];
          const b = [fused.apply(x, call)].flat() as tf.Tensor[];
          expect(a.length).toBe(b.length);
          for (const [i, t] of a.entries())
            expect(await maxAbsDiff(t, b[i]), `output ${i}`).toBeLessThan(1e-5);
        }
      }
    });
  }

  it('stacked cells are the layers stacked', async () => {
    const args = { recurrentInitializer: 'glorotUniform' };
    const stacked = rnn({
      cell: [lstmCell({ units: 3, ...args }), gruCell({ units: 2, ...args })],
      returnSequences: true,
    });
    const first = new LSTM({ units: 3, returnSequences: true, ...args });
    const second = new GRU({ units: 2, returnSequences: true, ...args });
    const x = seededUniform([2, 4, 3], 3);
    stacked.apply(x);
    second.apply(first.apply(x));
    const w = stacked.getWeights();
    first.setWeights(w.slice(0, 3));
    second.setWeights(w.slice(3));
    const mask = sampleMask(2, 4);
    expect(
      await maxAbsDiff(
        stacked.apply(x, { mask }),
        second.apply(first.apply(x, { mask }), { mask }) as tf.Tensor,
      ),
    ).toBeLessThan(1e-5);
  });

  it('draws one dropout mask per sequence, repeatably per seed; none at inference', async () => {
    // Linear cell with no recurrence: output_t = (x ⊙ mask) W, the same for constant inputs.
    const make = () => {
      const layer = rnn({
        cell: simpleRNNCell({ units: 4, activation: 'linear', useBias: false, dropout: 0.5, seed: 3 }),
        returnSequences: true,
      });
      layer.apply(tf.zeros([1, 1, 6]));
      layer.setWeights([seededUniform([6, 4], 4), tf.zeros([4, 4])]);
      return layer;
    };
    const x = tf.ones([2, 5, 6]);
    const y = (await make().apply(x, { training: true }).array()) as number[][][];
    for (const sample of y) for (const step of sample) expect(step).toEqual(sample[0]);
    expect(await make().apply(x, { training: true }).array()).toEqual(y);
    const inference = await make().apply(x).array();
    expect(inference).not.toEqual(y);
  });
});

describe('rnn: a cell of your own', () => {
  it('runs, differentiates, saves and loads, and trains', async () => {
    const layer = rnn({ cell: new MinimalRNNCell({ units: 2 }), returnSequences: true });
    const x = tf.tensor3d([[[1], [1]]]);
    // Weights 0.1: h1 = [0.1, 0.1]; h2 = 0.1 + 2 · 0.1 · 0.1 = 0.12.
    expect(Array.from(await layer.apply(x).data()).map((v) => Number(v.toFixed(6)))).toEqual([
      0.1, 0.1, 0.12, 0.12,
    ]);
    await checkGradients(rnn({ cell: new MinimalRNNCell({ units: 2 }) }), seededUniform([2, 3, 2], 5), {
      callOptions: { mask: sampleMask(2, 3) },
    });
    const model = sequential({
      layers: [rnn({ cell: new MinimalRNNCell({ units: 3 }), inputShape: [4, 2] }), dense({ units: 1 })],
    });
    const input = seededUniform([3, 4, 2], 6);
    const loaded = await modelFromArtifacts(await modelToArtifacts(model));
    expect((loaded.getLayer(0) as RNN).cell).toBeInstanceOf(MinimalRNNCell);
    expect(await maxAbsDiff(loaded.predict(input) as tf.Tensor, model.predict(input) as tf.Tensor)).toBe(0);
    for (const backend of testBackends()) {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              rnn({ cell: new MinimalRNNCell({ units: 4 }), inputShape: [3, 2] }),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const xs = seededUniform([16, 3, 2], 7);
          return { x: xs, y: tf.reshape(tf.sum(xs, [1, 2]), [16, 1]) };
        },
      );
    }
  });
});

describe('rnn: gradients, tfjs-layers, leaks, save/load, training', () => {
  it('has correct gradients for every cell, with masks and stacked', async () => {
    for (const kind of cellKinds) {
      await checkGradients(
        rnn({ cell: kind.cell({ units: 2 }), returnSequences: true }),
        seededUniform([2, 3, 2], 8),
        {
          callOptions: { mask: sampleMask(2, 3) },
        },
      );
    }
    await checkGradients(
      rnn({ cell: [lstmCell({ units: 2 }), simpleRNNCell({ units: 2 })] }),
      seededUniform([2, 3, 2], 9),
    );
  });

  it('matches tfjs-layers for each cell and a stack, with masks', async () => {
    const ri = { recurrentInitializer: 'glorotUniform' } as const;
    const cases: Array<[() => RNN, () => tfl.layers.Layer]> = [
      [
        () => rnn({ cell: simpleRNNCell({ units: 3 }), returnSequences: true }),
        () => tfl.layers.rnn({ cell: tfl.layers.simpleRNNCell({ units: 3, ...ri }), returnSequences: true }),
      ],
      [
        () => rnn({ cell: lstmCell({ units: 3 }), returnState: true }),
        () =>
          tfl.layers.rnn({
            cell: tfl.layers.lstmCell({ units: 3, recurrentActivation: 'sigmoid', ...ri }),
            returnState: true,
          }),
      ],
      [
        () => rnn({ cell: gruCell({ units: 3 }), goBackwards: true }),
        () =>
          tfl.layers.rnn({
            cell: tfl.layers.gruCell({ units: 3, recurrentActivation: 'sigmoid', ...ri }),
            goBackwards: true,
          }),
      ],
      [
        () => rnn({ cell: [lstmCell({ units: 3 }), simpleRNNCell({ units: 2 })], returnSequences: true }),
        () =>
          tfl.layers.rnn({
            cell: [
              tfl.layers.lstmCell({ units: 3, recurrentActivation: 'sigmoid', ...ri }),
              tfl.layers.simpleRNNCell({ units: 2, ...ri }),
            ],
            returnSequences: true,
          }),
      ],
    ];
    for (const [ours, theirs] of cases) {
      const t = theirs();
      // tfjs-layers copies the cell's options into the RNN's config; tensorfold keeps them under `cell`, as Keras.
      const cellKeys = Object.keys((t.getConfig().cell as { config: object }).config);
      const x = seededUniform([3, 4, 2], 10);
      await compareWithTfjs(ours(), t, x, { ignoreConfigKeys: cellKeys });
      const mask = sampleMask(3, 4);
      await compareWithTfjs(ours(), theirs(), x, {
        ignoreConfigKeys: cellKeys,
        ourCallOptions: { mask },
        theirCallOptions: { mask },
      });
    }
  });

  it('does not leak', async () => {
    const layer = rnn({
      cell: [lstmCell({ units: 2, dropout: 0.2, recurrentDropout: 0.2 }), gruCell({ units: 2 })],
    });
    const x = seededUniform([2, 3, 2], 11);
    const mask = sampleMask(2, 3);
    expect(await leakedTensors(() => layer.apply(x, { mask, training: true }))).toBe(0);
    expect(
      await leakedTensors(() =>
        tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v, { mask, training: true }) as tf.Tensor))(x),
      ),
    ).toBe(0);
    const cell = simpleRNNCell({ units: 2, dropout: 0.5 });
    const stepInputs = [seededUniform([2, 2], 12), tf.zeros([2, 2])];
    expect(await leakedTensors(() => cell.apply(stepInputs, { training: true }))).toBe(0);
  });

  it('saves and loads both ways with tfjs-layers (single and stacked cells)', async () => {
    // glorotUniform recurrent kernels: tfjs-layers' orthogonal initializer needs tfjs's chained ops.
    const ri = { recurrentInitializer: 'glorotUniform' } as const;
    const x = seededUniform([3, 4, 2], 12);
    const ours = sequential({
      layers: [
        rnn({
          cell: [lstmCell({ units: 3, ...ri }), gruCell({ units: 2, ...ri })],
          returnSequences: true,
          inputShape: [4, 2],
        }),
        rnn({ cell: simpleRNNCell({ units: 2, ...ri }) }),
      ],
    });
    (await expectLoadsInTfjs(ours, x)).dispose();
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.rnn({
          cell: [tfl.layers.gruCell({ units: 3, ...ri }), tfl.layers.lstmCell({ units: 2, ...ri })],
          returnSequences: true,
          inputShape: [4, 2],
        }),
        tfl.layers.rnn({ cell: tfl.layers.simpleRNNCell({ units: 2, ...ri }) }),
      ],
    });
    await expectLoadsFromTfjs(theirs, x);
  });

  for (const backend of testBackends()) {
    it(`trains on ${backend}`, async () => {
      await expectTrains(
        backend,
        () =>
          sequential({
            layers: [
              rnn({ cell: [lstmCell({ units: 4 }), gruCell({ units: 4 })], inputShape: [3, 2] }),
              dense({ units: 1 }),
            ],
          }),
        () => {
          const xs = seededUniform([16, 3, 2], 13);
          return { x: xs, y: tf.reshape(tf.sum(xs, [1, 2]), [16, 1]) };
        },
        { epochs: 10, learningRate: 0.2 },
      );
    });
  }
});
