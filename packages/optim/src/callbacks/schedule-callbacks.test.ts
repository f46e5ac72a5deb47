import {
  Callback,
  CallbackList,
  type Logs,
  type ModelBatch,
  NonFiniteLossError,
  Sequential,
  sequential,
  tf,
} from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sgd } from '../optimizers/sgd.js';
import { exponentialDecay } from '../schedules/decay.js';
import { useCpu } from '../test-utils/setup.js';
import { TestDense } from '../test-utils/toys.js';
import { lambdaCallback } from './lambda-callback.js';
import { learningRateScheduler } from './learning-rate-scheduler.js';
import { reduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { TerminateOnNaN, terminateOnNaN } from './terminate-on-nan.js';

beforeAll(useCpu);

function tinyModel(learningRate: number | ReturnType<typeof exponentialDecay> = 1) {
  const m = sequential({ layers: [new TestDense({ units: 1, inputShape: [1], seed: 2 })] });
  m.compile({ optimizer: sgd({ learningRate }), loss: 'mse' });
  return m;
}

describe('reduceLROnPlateau', () => {
  it('multiplies the rate by factor after patience epochs without improvement, then cools down', () => {
    const lines: string[] = [];
    const m = tinyModel(1);
    const cb = reduceLROnPlateau({
      factor: 0.5,
      patience: 2,
      cooldown: 1,
      minLr: 0.2,
      verbose: 1,
      print: (l) => lines.push(l),
    });
    cb.setModel(m);
    cb.onTrainBegin();
    const rates: number[] = [];
    const logged: number[] = [];
    for (const [epoch, v] of [1, 1, 1, 1, 1, 1, 1, 1, 1, 1].entries()) {
      const logs: Logs = { val_loss: v };
      cb.onEpochEnd(epoch, logs);
      logged.push(logs.learning_rate);
      rates.push(m.optimizer.learningRate);
    }
    // e0 sets best; e1, e2 -> wait 2 -> 0.5 and 1 epoch of cooldown, which e3 uses up (Keras then
    // counts e3 already); e4 -> 0.25; e6 -> 0.2 = minLr; never lower
    expect(rates).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2]);
    expect(logged.slice(0, 4)).toEqual([1, 1, 1, 0.5]);
    expect(lines[0]).toBe('Epoch 3: ReduceLROnPlateau reducing learning rate to 0.5.');
    expect(lines).toHaveLength(3);
    m.dispose();
  });

  it('counts only improvements larger than minDelta, and refuses a scheduled optimizer', () => {
    const m = tinyModel(1);
    const cb = reduceLROnPlateau({ factor: 0.1, patience: 1, minDelta: 0.1 });
    cb.setModel(m);
    cb.onTrainBegin();
    cb.onEpochEnd(0, { val_loss: 1 });
    cb.onEpochEnd(1, { val_loss: 0.95 });
    expect(m.optimizer.learningRate).toBeCloseTo(0.1);
    m.dispose();
    const scheduled = tinyModel(exponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5 }));
    const bad = reduceLROnPlateau();
    bad.setModel(scheduled);
    expect(() => bad.onTrainBegin()).toThrow(/constant learning rate/);
    expect(() => reduceLROnPlateau({ factor: 1 })).toThrow(/factor must be in \(0, 1\)/);
    scheduled.dispose();
  });
});

describe('learningRateScheduler', () => {
  it('sets the rate at each epoch from a function or a schedule object, and logs it', async () => {
    const x = tf.ones([4, 1]);
    for (const [schedule, expected] of [
      [(epoch: number, lr: number) => (epoch === 0 ? 0.5 : lr / 2), [0.5, 0.25, 0.125]],
      [exponentialDecay({ initialLearningRate: 0.3, decaySteps: 1, decayRate: 0.1 }), [0.3, 0.03, 0.003]],
    ] as const) {
      const m = tinyModel(1);
      const seen: number[] = [];
      const history = await m.fit(x, x, {
        epochs: 3,
        batchSize: 4,
        callbacks: [
          learningRateScheduler(schedule),
          lambdaCallback({ onBatchBegin: () => void seen.push(m.optimizer.learningRate) }),
        ],
      });
      expect(seen.map((r) => Number(r.toPrecision(6)))).toEqual(expected);
      expect(history.epoch).toEqual([0, 1, 2]);
      m.dispose();
    }
    const m = tinyModel(1);
    await expect(m.fit(x, x, { callbacks: [learningRateScheduler(() => Number.NaN)] })).rejects.toThrow(
      /returned NaN for epoch 1/,
    );
    m.dispose();
    x.dispose();
  });
});

/** A model whose custom training step logs a loss that becomes NaN at the third batch. */
class NaNStep extends Sequential {
  step = 0;
  override trainStep(_batch: ModelBatch) {
    this.step++;
    return { loss: this.step === 3 ? Number.NaN : 1 / this.step };
  }
}

describe('NaN losses', () => {
  it('terminateOnNaN stops after the batch whose logged loss is NaN, naming it', async () => {
    const m = new NaNStep({ layers: [new TestDense({ units: 1, inputShape: [1] })] });
    m.compile({ optimizer: sgd(), loss: 'mse' });
    const lines: string[] = [];
    const guard = terminateOnNaN({ print: (l) => lines.push(l) });
    let batches = 0;
    const counter = lambdaCallback({ onBatchEnd: () => void batches++ });
    const x = tf.ones([10, 1]);
    const history = await m.fit(x, x, { epochs: 3, batchSize: 2, callbacks: [counter, guard] });
    expect(batches).toBe(3);
    expect(history.epoch).toEqual([0]);
    expect(guard.terminated).toEqual({ epoch: 1, batch: 3, key: 'loss' });
    expect(lines).toEqual(['Epoch 1, batch 3: invalid loss (NaN), terminating training.']);
    expect(guard).toBeInstanceOf(TerminateOnNaN);
    m.dispose();
    x.dispose();
  });

  it("fit's default step stops on a NaN loss with an error naming the epoch and batch, before updating", async () => {
    const m = tinyModel(0.1);
    const x = tf.tensor2d([[1], [2], [3], [Number.NaN]]);
    const before = m.getWeights();
    const error = await m.fit(x, x, { epochs: 2, batchSize: 2, shuffle: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(
      /The training loss became NaN at epoch 1, batch 2; this batch's update was not applied/,
    );
    // the first batch was applied, the second was not
    const after = m.getWeights();
    expect(await after[0].data()).not.toEqual(await before[0].data());
    tf.dispose([x, ...before, ...after]);
    m.dispose();
  });
});

describe('lambdaCallback', () => {
  it('calls the given functions with Keras hook arguments', async () => {
    const events: string[] = [];
    const m = tinyModel(0.1);
    const x = tf.ones([4, 1]);
    await m.fit(x, x, {
      epochs: 2,
      batchSize: 2,
      callbacks: [
        lambdaCallback({
          onTrainBegin: () => void events.push('begin'),
          onEpochBegin: (e) => void events.push(`e${e}`),
          onBatchEnd: (b, logs) => void events.push(`b${b}:${typeof logs?.loss}`),
          onEpochEnd: async (e) => void events.push(`/e${e}`),
          onTrainEnd: () => void events.push('end'),
        }),
      ],
    });
    expect(events).toEqual([
      'begin',
      'e0',
      'b0:number',
      'b1:number',
      '/e0',
      'e1',
      'b0:number',
      'b1:number',
      '/e1',
      'end',
    ]);
    expect(new (class extends Callback {})()).toBeInstanceOf(Callback);
    m.dispose();
    x.dispose();
  });

  it('listens only to the hooks it was given, so fit does not read metrics after every batch for it', () => {
    const onEpochEnd = lambdaCallback({ onEpochEnd: () => undefined });
    const list = new CallbackList([onEpochEnd]);
    expect(list.listensTo('onEpochEnd')).toBe(true);
    expect(list.listensTo('onBatchEnd')).toBe(false);
    expect(list.listensTo('onBatchBegin')).toBe(false);
    expect(new CallbackList([lambdaCallback({ onBatchEnd: () => undefined })]).listensTo('onBatchEnd')).toBe(
      true,
    );
  });
});
