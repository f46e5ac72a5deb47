import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { input } from '../engine/input-layer.js';
import { Model, model } from '../engine/model.js';
import { sequential } from '../engine/sequential.js';
import { ConfigError, DataError, TrainingError } from '../errors.js';
import { useCpu } from '../test-utils/setup.js';
import { separableData, ToyBinaryAccuracy, ToyDense, ToyL2, ToySGD, toyMse } from '../test-utils/toys.js';
import { Callback, type Logs } from './callbacks.js';
import type { ModelBatch } from './data-adapter.js';

beforeAll(useCpu);

function classifier(seed = 1, lr = 0.5) {
  const m = sequential({
    layers: [new ToyDense({ units: 1, activation: 'sigmoid', inputShape: [2], seed })],
  });
  m.compile({ optimizer: new ToySGD(lr), loss: toyMse, metrics: [() => new ToyBinaryAccuracy('acc')] });
  return m;
}

class Recorder extends Callback {
  readonly events: string[] = [];
  override onTrainBegin() {
    this.events.push('trainBegin');
  }
  override onTrainEnd() {
    this.events.push('trainEnd');
  }
  override onEpochBegin(e: number) {
    this.events.push(`epochBegin${e}`);
  }
  override onEpochEnd(e: number, logs?: Logs) {
    this.events.push(`epochEnd${e}:${Object.keys(logs ?? {}).join(',')}`);
  }
  override onBatchBegin(b: number) {
    this.events.push(`batchBegin${b}`);
  }
  override onBatchEnd(b: number) {
    this.events.push(`batchEnd${b}`);
  }
  override onTestBegin() {
    this.events.push('testBegin');
  }
  override onTestBatchBegin(b: number) {
    this.events.push(`testBatchBegin${b}`);
  }
  override onTestBatchEnd(b: number) {
    this.events.push(`testBatchEnd${b}`);
  }
  override onTestEnd() {
    this.events.push('testEnd');
  }
}

async function weightValues(m: Model): Promise<number[]> {
  const ws = m.getWeights();
  const out = (await Promise.all(ws.map((w) => w.data()))).flatMap((d) => Array.from(d));
  tf.dispose(ws);
  return out;
}

/**
 * An endless dataset of 4-sample batches of `x`/`y` that records which batches each pass produced and
 * holds a buffered tensor while a pass is open (as a shuffle buffer does), freed when the pass is closed.
 */
function endlessBatches(x: tf.Tensor, y: tf.Tensor) {
  const passes: number[][] = [];
  let open = 0;
  const source = {
    async *[Symbol.asyncIterator]() {
      const produced: number[] = [];
      passes.push(produced);
      const buffer = tf.zeros([1]);
      open++;
      try {
        for (let i = 0; ; i++) {
          produced.push(i);
          const at = (i % 5) * 4;
          yield { xs: tf.slice(x, [at], [4]), ys: tf.slice(y, [at], [4]) };
        }
      } finally {
        buffer.dispose();
        open--;
      }
    },
  };
  return { source, passes, openPasses: () => open };
}

describe('fit', () => {
  it('lowers the loss on a separable problem and reaches full accuracy', async () => {
    const { x, y } = separableData(200);
    const m = classifier();
    const history = await m.fit(x, y, { epochs: 15, batchSize: 20, seed: 3 });
    const loss = history.history.loss;
    expect(loss).toHaveLength(15);
    expect(loss[14]).toBeLessThan(loss[0] * 0.5);
    expect(history.history.acc[14]).toBeGreaterThan(0.97);
    const evaluation = await m.evaluate(x, y, { batchSize: 64 });
    expect(evaluation.acc).toBeGreaterThan(0.97);
    expect(evaluation.loss).toBeLessThan(loss[0]);
    tf.dispose([x, y]);
  });

  it('calls the callbacks in Keras order, validation included', async () => {
    const { x, y } = separableData(4);
    const m = classifier();
    const rec = new Recorder();
    await m.fit(x, y, {
      epochs: 2,
      batchSize: 2,
      callbacks: [rec],
      validationData: [x, y],
      validationBatchSize: 4,
    });
    const epoch = (e: number) => [
      `epochBegin${e}`,
      'batchBegin0',
      'batchEnd0',
      'batchBegin1',
      'batchEnd1',
      'testBegin',
      'testBatchBegin0',
      'testBatchEnd0',
      'testEnd',
      `epochEnd${e}:loss,acc,val_loss,val_acc`,
    ];
    expect(rec.events).toEqual(['trainBegin', ...epoch(0), ...epoch(1), 'trainEnd']);
    expect(rec.params).toMatchObject({ epochs: 2, steps: 2, samples: 4, batchSize: 2, doValidation: true });
    tf.dispose([x, y]);
  });

  it('stops after the current batch when a callback sets stopTraining', async () => {
    const { x, y } = separableData(8);
    const m = classifier();
    let batches = 0;
    class Stopper extends Callback {
      override onBatchEnd(batch: number) {
        batches++;
        if (batch === 1) this.model.stopTraining = true;
      }
    }
    const history = await m.fit(x, y, { epochs: 5, batchSize: 2, callbacks: [new Stopper()] });
    expect(batches).toBe(2);
    expect(history.epoch).toEqual([0]);
    tf.dispose([x, y]);
  });

  it('holds out the last samples for validationSplit, before shuffling', async () => {
    // 8 samples; the last 2 (validation) have target 10, the rest 0. With a learning rate of 0
    // the model is fixed, so val_loss is the MSE of its outputs against 10 on those two samples.
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 0],
      [0, 2],
      [1, 2],
      [3, 1],
      [1, 3],
    ]);
    const y = tf.tensor2d([0, 0, 0, 0, 0, 0, 10, 10], [8, 1]);
    const m = sequential({ layers: [new ToyDense({ units: 1, inputShape: [2], seed: 5 })] });
    m.compile({ optimizer: new ToySGD(0), loss: toyMse });
    const history = await m.fit(x, y, { epochs: 1, batchSize: 3, validationSplit: 0.25 });
    const pred = m.predict(tf.slice(x, [6], [2])) as tf.Tensor;
    const p = await pred.data();
    const expected = ((p[0] - 10) ** 2 + (p[1] - 10) ** 2) / 2;
    expect(history.history.val_loss[0]).toBeCloseTo(expected, 4);
    await expect(m.fit(x, y, { validationSplit: 1.5 })).rejects.toThrow(ConfigError);
    tf.dispose([x, y, pred]);
  });

  it('splits as Keras and tfjs-layers do: floor(samples * (1 - validationSplit)) train, the rest validate', async () => {
    const x = tf.ones([10, 2]);
    const y = tf.ones([10, 1]);
    const m = sequential({ layers: [new ToyDense({ units: 1, inputShape: [2], seed: 5 })] });
    m.compile({ optimizer: new ToySGD(0), loss: toyMse });
    class Sizes extends Callback {
      readonly train: number[] = [];
      readonly test: number[] = [];
      override onBatchEnd(_batch: number, logs?: Logs) {
        this.train.push(logs?.size as number);
      }
      override onTestBatchEnd(_batch: number, logs?: Logs) {
        this.test.push(logs?.size as number);
      }
    }
    const sizes = new Sizes();
    // 10 * 0.75 = 7.5: Keras trains on 7 and validates on 3 (holding out floor(2.5) = 2 would train on 8).
    await m.fit(x, y, { epochs: 1, batchSize: 100, validationSplit: 0.25, callbacks: [sizes] });
    expect(sizes.train).toEqual([7]);
    expect(sizes.test).toEqual([3]);
    // A split that leaves one side empty names both counts and the way out.
    await expect(m.fit(x, y, { validationSplit: 0.95 })).rejects.toThrow(
      /leaves 0 for training and 10 for validation; .*validationData/,
    );
    tf.dispose([x, y]);
  });

  it('predicts the same in batches as in one pass', async () => {
    const { x } = separableData(37);
    const m = classifier();
    const whole = m.predict(x, { batchSize: 100 }) as tf.Tensor;
    const batched = m.predict(x, { batchSize: 5 }) as tf.Tensor;
    expect(Array.from(await batched.data())).toEqual(Array.from(await whole.data()));
    expect(batched.shape).toEqual([37, 1]);
    tf.dispose([x, whole, batched]);
  });

  it('leaks no tensors across batches and epochs', async () => {
    const { x, y } = separableData(64);
    const m = classifier();
    const counts: number[] = [];
    class Counter extends Callback {
      override onEpochEnd() {
        counts.push(tf.memory().numTensors);
      }
    }
    await m.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, callbacks: [new Counter()] });
    expect(counts[2]).toBe(counts[0]);
    const before = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 2, batchSize: 16 });
    await m.evaluate(x, y);
    tf.dispose(m.predict(x));
    await m.trainOnBatch(x, y);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it("dispose() frees everything compile and fit made, the metrics' state included", async () => {
    const { x, y } = separableData(32);
    const before = tf.memory().numTensors;
    const m = classifier();
    await m.fit(x, y, { epochs: 1, batchSize: 16 });
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const recompiled = classifier();
    recompiled.compile({
      optimizer: new ToySGD(0.1),
      loss: toyMse,
      metrics: [() => new ToyBinaryAccuracy('acc')],
    });
    recompiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // One metric instance compiled twice still works after the first state is let go.
    const shared = new ToyBinaryAccuracy('acc');
    const twice = classifier();
    twice.compile({ optimizer: new ToySGD(0.1), loss: toyMse, metrics: [shared] });
    twice.compile({ optimizer: new ToySGD(0.1), loss: toyMse, metrics: [shared] });
    expect(await twice.metricsState.read()).toEqual({ loss: 0, acc: 0 });
    twice.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('shuffles by seed: the same seed gives the same weights, another seed others', async () => {
    const { x, y } = separableData(40);
    const run = async (seed: number) => {
      const m = classifier(11, 0.3);
      await m.fit(x, y, { epochs: 2, batchSize: 8, seed });
      return weightValues(m);
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
    tf.dispose([x, y]);
  });

  it('stops with a TrainingError naming epoch and batch when the loss is not finite, keeping the last good weights', async () => {
    const x = tf.tensor2d([
      [1, 1],
      [2, 2],
      [3, 3],
      [Number.NaN, 1],
    ]);
    const y = tf.tensor2d([[1], [2], [3], [4]]);
    const m = sequential({ layers: [new ToyDense({ units: 1, inputShape: [2], seed: 2 })] });
    m.compile({ optimizer: new ToySGD(0.01), loss: toyMse });
    await expect(m.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false })).rejects.toThrow(
      /epoch 1, batch 2/,
    );
    await expect(m.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false })).rejects.toThrow(TrainingError);
    expect((await weightValues(m)).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
  });

  it('trains from a dataset (async iterable of {xs, ys}) and disposes its batches', async () => {
    const { x, y } = separableData(60);
    const m = classifier();
    const batches = {
      size: 3,
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 3; i++)
          yield { xs: tf.slice(x, [i * 20], [20]), ys: tf.slice(y, [i * 20], [20]) };
      },
    };
    const before = tf.memory().numTensors;
    const history = await m.fit(batches, { epochs: 4 });
    expect(history.history.loss).toHaveLength(4);
    expect(history.history.loss[3]).toBeLessThan(history.history.loss[0]);
    expect(tf.memory().numTensors).toBe(before);
    const evaluation = await m.evaluate(batches);
    expect(evaluation.loss).toBeGreaterThan(0);
    const tuples = {
      async *[Symbol.asyncIterator]() {
        yield [tf.slice(x, [0], [10]), tf.slice(y, [0], [10])] as [tf.Tensor, tf.Tensor];
      },
    };
    await m.fit(tuples, { epochs: 1 });
    const empty = { async *[Symbol.asyncIterator]() {} };
    await expect(m.fit(empty, { epochs: 1 })).rejects.toThrow(DataError);
    tf.dispose([x, y]);
  });

  it('reads datasets by steps: training goes on across epochs, validation and evaluate restart, nothing more is read or left open', async () => {
    const { x, y } = separableData(20);
    const m = classifier();
    const train = endlessBatches(x, y);
    const validation = endlessBatches(x, y);
    const before = tf.memory().numTensors;
    await m.fit(train.source, {
      epochs: 3,
      stepsPerEpoch: 2,
      validationData: validation.source,
      validationSteps: 2,
    });
    expect(train.passes).toEqual([[0, 1, 2, 3, 4, 5]]); // one stream across the epochs
    expect(validation.passes).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]); // the same batches every epoch
    await m.evaluate(validation.source, { steps: 3 });
    expect(validation.passes.at(-1)).toEqual([0, 1, 2]);
    // Every pass was closed, so the datasets freed their buffers.
    expect(train.openPasses() + validation.openPasses()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('reads the running loss and metrics once per epoch unless a callback wants them after every batch', async () => {
    const { x, y } = separableData(40);
    const m = classifier();
    const reads = vi.spyOn(m.metricsState, 'read');
    class EpochOnly extends Callback {}
    // 30 training samples in 4 batches, 10 validation samples in 2, for 2 epochs.
    const args = { epochs: 2, batchSize: 8, validationSplit: 0.25, seed: 1 };
    const quiet = await m.fit(x, y, { ...args, callbacks: [new EpochOnly()] });
    expect(reads).toHaveBeenCalledTimes(2 * 2); // each epoch: the training logs and the validation logs
    class BatchWatcher extends Callback {
      readonly seen: Logs[] = [];
      override onBatchEnd(_batch: number, logs?: Logs) {
        this.seen.push(logs ?? {});
      }
      override onTestBatchEnd(_batch: number, logs?: Logs) {
        this.seen.push(logs ?? {});
      }
    }
    const watcher = new BatchWatcher();
    const watched = await classifier().fit(x, y, { ...args, callbacks: [watcher] });
    expect(watcher.seen).toHaveLength(2 * (4 + 2));
    for (const logs of watcher.seen) expect(Object.keys(logs)).toEqual(['batch', 'size', 'loss', 'acc']);
    // The epoch logs are the same whichever way they were read.
    expect(watched.history).toEqual(quiet.history);
    reads.mockRestore();
    tf.dispose([x, y]);
  });

  it('runs a custom trainStep and logs what it returns', async () => {
    class Custom extends Model {
      steps = 0;
      override trainStep(batch: ModelBatch) {
        this.steps++;
        return { sum: tf.sum(batch.xs[0]) as tf.Scalar, constant: 2 };
      }
    }
    const x = input({ shape: [1] });
    const m = new Custom({ inputs: x, outputs: new ToyDense({ units: 1 }).apply(x) });
    m.compile({ optimizer: new ToySGD(), loss: toyMse });
    const history = await m.fit(tf.tensor2d([[1], [2], [3], [4]]), tf.zeros([4, 1]), {
      epochs: 1,
      batchSize: 2,
      shuffle: false,
    });
    expect(m.steps).toBe(2);
    expect(history.history.constant).toEqual([2]);
    expect(history.history.sum[0]).toBeCloseTo((3 * 2 + 7 * 2) / 4);
  });

  it('fits a model with its own trainStep on inputs alone, and still asks others for targets', async () => {
    class InputsOnly extends Model {
      seen = 0;
      override trainStep(batch: ModelBatch) {
        this.seen += batch.size;
        expect(batch.ys).toEqual([]);
        return { mean: tf.mean(batch.xs[0]) as tf.Scalar };
      }
    }
    const x = input({ shape: [1] });
    const m = new InputsOnly({ inputs: x, outputs: new ToyDense({ units: 1 }).apply(x) });
    m.compile({ optimizer: new ToySGD(), loss: toyMse });
    const data = tf.tensor2d([[1], [2], [3], [4]]);
    await m.fit(data, { epochs: 1, batchSize: 4 }); // creates the model's lasting state
    m.seen = 0;
    const before = tf.memory().numTensors;
    const history = await m.fit(data, { epochs: 2, batchSize: 2, shuffle: false });
    expect(m.seen).toBe(8);
    expect(history.history.mean).toEqual([2.5, 2.5]);
    expect(Object.keys(history.history)).toEqual(['mean']); // no compiled loss it never computed
    expect(tf.memory().numTensors).toBe(before);
    const plain = classifier();
    await expect(plain.fit(data, { epochs: 1 })).rejects.toThrow(/needs targets y/);
    data.dispose();
  });

  it('runs History after the user callbacks, so it records what they add to the epoch logs', async () => {
    const { x, y } = separableData(8);
    const m = classifier();
    class AddsRate extends Callback {
      override onEpochEnd(_epoch: number, logs?: Logs) {
        if (logs) logs.learning_rate = 0.5;
      }
    }
    const history = await m.fit(x, y, { epochs: 2, batchSize: 4, callbacks: [new AddsRate()] });
    expect(history.history.learning_rate).toEqual([0.5, 0.5]);
    tf.dispose([x, y]);
  });

  it('starts at initialEpoch and numbers epochs from there', async () => {
    const { x, y } = separableData(10);
    const m = classifier();
    const rec = new Recorder();
    const history = await m.fit(x, y, { epochs: 3, initialEpoch: 1, callbacks: [rec] });
    expect(history.epoch).toEqual([1, 2]);
    tf.dispose([x, y]);
  });

  it('weights samples as Keras does: sum of weighted losses over the batch size', async () => {
    const x = tf.tensor2d([[1], [1], [1], [1]]);
    const y = tf.tensor2d([[0], [1], [2], [3]]);
    const w = tf.tensor1d([1, 0, 0, 2]);
    const m = sequential({ layers: [new ToyDense({ units: 1, inputShape: [1], useBias: false, seed: 1 })] });
    m.getLayer(0).setWeights([tf.tensor2d([[1]])]);
    m.compile({ optimizer: new ToySGD(0), loss: toyMse });
    const logs = await m.evaluate(x, y, { sampleWeight: w, batchSize: 4 });
    // predictions are all 1: errors 1, 0, 1, 4 -> (1*1 + 0 + 0 + 2*4) / 4
    expect(logs.loss).toBeCloseTo(9 / 4);
  });

  it("takes a loss's batchMean where it gives one, and its per-sample values where it gives null or samples are weighted", async () => {
    const x = tf.tensor2d([[1], [1], [1], [1]]);
    const y = tf.tensor2d([[0], [1], [2], [3]]);
    const w = tf.tensor1d([1, 0, 0, 2]);
    const calls: string[] = [];
    let mean: number | null = 100; // what batchMean returns (null: none)
    const loss = {
      name: 'mse_with_mean',
      call: (t: tf.Tensor, p: tf.Tensor) => {
        calls.push('call');
        return toyMse(t, p);
      },
      batchMean: (t: tf.Tensor, p: tf.Tensor) => {
        calls.push('batchMean');
        // `mean`, tied to the predictions (a zero times their loss) so that a step has gradients
        return mean == null ? null : tf.add(tf.mul(tf.mean(toyMse(t, p)), 0), mean);
      },
    };
    const m = sequential({ layers: [new ToyDense({ units: 1, inputShape: [1], useBias: false, seed: 1 })] });
    m.getLayer(0).setWeights([tf.tensor2d([[1]])]);
    m.compile({ optimizer: new ToySGD(0), loss });
    // predictions are all 1: errors 1, 0, 1, 4
    expect((await m.evaluate(x, y, { batchSize: 4 })).loss).toBe(100);
    expect(calls).toEqual(['batchMean']);
    mean = null;
    calls.length = 0;
    expect((await m.evaluate(x, y, { batchSize: 4 })).loss).toBeCloseTo(6 / 4);
    expect(calls).toEqual(['batchMean', 'call']);
    mean = 100;
    calls.length = 0;
    expect((await m.evaluate(x, y, { sampleWeight: w, batchSize: 4 })).loss).toBeCloseTo(9 / 4);
    expect(calls).toEqual(['call']);
    const before = tf.memory().numTensors;
    await m.trainOnBatch(x, y);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, w]);
    m.dispose();
  });

  it('adds regularization to the training loss only and logs it separately', async () => {
    const x = tf.tensor2d([[1, 0]]);
    const y = tf.tensor2d([[0]]);
    const m = sequential({
      layers: [
        new ToyDense({ units: 1, inputShape: [2], useBias: false, kernelRegularizer: new ToyL2(0.1) }),
      ],
    });
    m.getLayer(0).setWeights([tf.tensor2d([[1], [2]])]);
    m.compile({ optimizer: new ToySGD(0), loss: toyMse });
    const trained = await m.trainOnBatch(x, y);
    expect(trained.regularization_loss).toBeCloseTo(0.1 * 5);
    expect(trained.loss).toBeCloseTo(1 + 0.5);
    const evaluated = await m.evaluate(x, y);
    expect(evaluated.loss).toBeCloseTo(1);
    expect(evaluated.regularization_loss).toBeUndefined();
  });

  it('names per-output losses and metrics for a two-output model', async () => {
    const inp = input({ shape: [2] });
    const a = new ToyDense({ units: 1, name: 'a', activation: 'sigmoid' }).apply(inp);
    const b = new ToyDense({ units: 1, name: 'b' }).apply(inp);
    const m = model({ inputs: inp, outputs: [a, b] });
    m.compile({
      optimizer: new ToySGD(0.1),
      loss: [toyMse, toyMse],
      lossWeights: { a: 1, b: 0.5 },
      metrics: { a: ['accuracy'] },
    });
    const { x, y } = separableData(8);
    const history = await m.fit(x, { a: y, b: y }, { epochs: 1, batchSize: 4 });
    expect(Object.keys(history.history).sort()).toEqual(['a_accuracy', 'a_loss', 'b_loss', 'loss']);
    expect(history.history.loss[0]).toBeCloseTo(
      history.history.a_loss[0] + 0.5 * history.history.b_loss[0],
      5,
    );
    tf.dispose([x, y]);
  });

  it('refuses to train an uncompiled model or mismatched data, with errors that say what to do', async () => {
    const m = sequential({ layers: [new ToyDense({ units: 1, inputShape: [2] })] });
    await expect(m.fit(tf.zeros([2, 2]), tf.zeros([2, 1]))).rejects.toThrow(/must be compiled/);
    m.compile({ optimizer: new ToySGD(), loss: toyMse });
    await expect(m.fit(tf.zeros([3, 2]), tf.zeros([2, 1]))).rejects.toThrow(/3 samples but y has 2/);
    const kernel = await m.weights[0].read().data();
    await expect(m.trainOnBatch(tf.ones([3, 2]), tf.ones([2, 1]))).rejects.toThrow(/3 samples but y has 2/);
    expect(await m.weights[0].read().data()).toEqual(kernel); // no step was taken
    await expect(m.fit(tf.zeros([2, 2]), tf.zeros([2, 1]), { epochs: 0 })).rejects.toThrow(
      /epochs must be a positive integer/,
    );
    expect(() => m.compile({ optimizer: 'nope', loss: toyMse })).toThrow(/Unknown optimizer "nope"/);
  });

  it('starts at the epoch a callback sets in model.resumeFromEpoch during onTrainBegin', async () => {
    const { x, y } = separableData(8);
    const m = classifier();
    const seen: number[] = [];
    class Resumer extends Callback {
      override onTrainBegin() {
        this.model.resumeFromEpoch = 2;
      }
      override onEpochBegin(epoch: number) {
        seen.push(epoch);
      }
    }
    const resumer = new Resumer();
    const history = await m.fit(x, y, { epochs: 4, batchSize: 4, callbacks: [resumer] });
    expect(seen).toEqual([2, 3]);
    expect(history.epoch).toEqual([2, 3]);
    expect(resumer.params.initialEpoch).toBe(2);
    // the next fit starts from initialEpoch again
    await m.fit(x, y, { epochs: 1, batchSize: 4, callbacks: [] });
    expect(m.resumeFromEpoch).toBeNull();
    tf.dispose([x, y]);
  });
});
