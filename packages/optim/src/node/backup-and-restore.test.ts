import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Callback, type Model, type Optimizer, SerializationError, sequential, tf } from '@tensorfold/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { earlyStopping } from '../callbacks/early-stopping.js';
import { learningRateScheduler } from '../callbacks/learning-rate-scheduler.js';
import { reduceLROnPlateau } from '../callbacks/reduce-lr-on-plateau.js';
import { adam } from '../optimizers/adam.js';
import { sgd } from '../optimizers/sgd.js';
import { exponentialDecay } from '../schedules/decay.js';
import { useCpu, values } from '../test-utils/setup.js';
import { blobs, TestDense, TestDropout } from '../test-utils/toys.js';
import { backupAndRestore } from './backup-and-restore.js';

beforeAll(useCpu);

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'tensorfold-backup-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The same model every time (explicit names and seeds), as a fresh process would build it. */
function build(optimizer: Optimizer = adam({ learningRate: 0.05 })): Model {
  const m = sequential({
    layers: [
      new TestDense({ name: 'hidden', units: 8, activation: 'relu', inputShape: [2], seed: 11 }),
      new TestDropout(0.3, 99, { name: 'dropout' }),
      new TestDense({ name: 'out', units: 3, activation: 'softmax', seed: 12 }),
    ],
  });
  m.compile({
    optimizer,
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return m;
}

class Crash extends Callback {
  constructor(private readonly atEpoch: number) {
    super();
  }
  override onEpochBegin(epoch: number): void {
    if (epoch === this.atEpoch) throw new Error('killed');
  }
}

async function allWeights(m: Model): Promise<number[]> {
  return (await Promise.all(m.weights.map((w) => values(w.read())))).flat();
}

describe('backupAndRestore', () => {
  it('resumes a run killed after epoch 2 with exactly the weights of an uninterrupted run', async () => {
    const { x, oneHot } = blobs(48, 5);
    const fitArgs = {
      epochs: 5,
      batchSize: 8,
      seed: 7,
      validationData: [x, oneHot] as [tf.Tensor, tf.Tensor],
    };

    const straight = build();
    const straightHistory = await straight.fit(x, oneHot, fitArgs);
    const expected = await allWeights(straight);

    const first = build();
    const backup = backupAndRestore({ backupDir: dir });
    await expect(first.fit(x, oneHot, { ...fitArgs, callbacks: [backup, new Crash(2)] })).rejects.toThrow(
      'killed',
    );
    expect((await fs.readdir(dir)).sort()).toEqual(['backup.bin']);
    expect(await allWeights(first)).not.toEqual(expected);

    const resumed = build(); // a fresh model and optimizer, as after a restart
    const again = backupAndRestore({ backupDir: dir });
    const history = await resumed.fit(x, oneHot, { ...fitArgs, callbacks: [again] });
    expect(again.resumedAfterEpoch).toBe(1);
    expect(history.epoch).toEqual([2, 3, 4]);
    expect(history.history.loss).toEqual(straightHistory.history.loss.slice(2));
    expect(await allWeights(resumed)).toEqual(expected);
    expect(resumed.optimizer.iterations).toBe(straight.optimizer.iterations);
    // training ended normally: the backup is gone
    await expect(fs.access(join(dir, 'backup.bin'))).rejects.toThrow();
    for (const m of [straight, first, resumed]) m.dispose();
    tf.dispose([x, oneHot]);
  });

  it('resumes a model rebuilt in the same process, whose automatic layer names moved on (by structure)', async () => {
    const { x, oneHot } = blobs(48, 5);
    const fitArgs = { epochs: 4, batchSize: 8, seed: 3 };
    // No names: each build takes the next automatic names, as a script that rebuilds its model does.
    const anonymous = () => {
      const m = sequential({
        layers: [
          new TestDense({ units: 6, activation: 'relu', inputShape: [2], seed: 21 }),
          new TestDense({ units: 3, activation: 'softmax', seed: 22 }),
        ],
      });
      m.compile({ optimizer: adam({ learningRate: 0.05 }), loss: 'categoricalCrossentropy' });
      return m;
    };
    const straight = anonymous();
    await straight.fit(x, oneHot, fitArgs);
    const expected = await allWeights(straight);
    const first = anonymous();
    await expect(
      first.fit(x, oneHot, { ...fitArgs, callbacks: [backupAndRestore({ backupDir: dir }), new Crash(2)] }),
    ).rejects.toThrow('killed');
    const resumed = anonymous();
    expect(resumed.weights.map((w) => w.path)).not.toEqual(first.weights.map((w) => w.path));
    const again = backupAndRestore({ backupDir: dir });
    await resumed.fit(x, oneHot, { ...fitArgs, callbacks: [again] });
    expect(again.resumedAfterEpoch).toBe(1);
    expect(await allWeights(resumed)).toEqual(expected);
    expect(resumed.optimizer.iterations).toBe(straight.optimizer.iterations);

    // The same structure with other sizes: refused, changing nothing.
    const crashed = anonymous();
    await crashed
      .fit(x, oneHot, { ...fitArgs, callbacks: [backupAndRestore({ backupDir: dir }), new Crash(1)] })
      .catch(() => undefined);
    const wider = sequential({
      layers: [
        new TestDense({ units: 7, activation: 'relu', inputShape: [2], seed: 21 }),
        new TestDense({ units: 3, activation: 'softmax', seed: 22 }),
      ],
    });
    wider.compile({ optimizer: adam(), loss: 'categoricalCrossentropy' });
    const before = await allWeights(wider);
    await expect(
      wider.fit(x, oneHot, { ...fitArgs, callbacks: [backupAndRestore({ backupDir: dir })] }),
    ).rejects.toThrow(
      /Weight ".*\/kernel" has shape \[2,7\] in the model but its backup ".*\/kernel" has \[2,6\]/,
    );
    expect(await allWeights(wider)).toEqual(before);
    for (const m of [straight, first, resumed, crashed, wider]) m.dispose();
    tf.dispose([x, oneHot]);
  });

  it('restores the learning rate and the state of tracked callbacks', async () => {
    const { x, oneHot } = blobs(24, 2);
    const plateau = () => reduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5, minDelta: 10 });
    const fitArgs = { epochs: 4, batchSize: 8, seed: 3 };

    const straight = build();
    await straight.fit(x, oneHot, { ...fitArgs, callbacks: [plateau()] });

    const first = build();
    const firstPlateau = plateau();
    await expect(
      first.fit(x, oneHot, {
        ...fitArgs,
        callbacks: [
          firstPlateau,
          backupAndRestore({ backupDir: dir, callbacks: [firstPlateau] }),
          new Crash(2),
        ],
      }),
    ).rejects.toThrow('killed');

    const resumed = build();
    const resumedPlateau = plateau();
    await resumed.fit(x, oneHot, {
      ...fitArgs,
      callbacks: [resumedPlateau, backupAndRestore({ backupDir: dir, callbacks: [resumedPlateau] })],
    });
    expect(resumed.optimizer.learningRate).toBe(straight.optimizer.learningRate);
    expect(resumed.optimizer.learningRate).toBeLessThan(0.05);
    expect(await allWeights(resumed)).toEqual(await allWeights(straight));
    for (const m of [straight, first, resumed]) m.dispose();
    tf.dispose([x, oneHot]);
    expect(earlyStopping().getState()).toEqual({ wait: 0, best: 'Infinity', bestEpoch: -1 });
  });

  it('resumes SGD momentum exactly after the learning rate was changed', async () => {
    // SGD keeps its momentum relative to the learning rate: restoring the state must not rescale it
    const { x, oneHot } = blobs(24, 2);
    const momentum = () => sgd({ learningRate: 0.1, momentum: 0.9 });
    const halve = () => learningRateScheduler((epoch) => (epoch >= 1 ? 0.05 : 0.1));
    const fitArgs = { epochs: 4, batchSize: 8, seed: 3 };

    const straight = build(momentum());
    await straight.fit(x, oneHot, { ...fitArgs, callbacks: [halve()] });

    const first = build(momentum());
    await expect(
      first.fit(x, oneHot, {
        ...fitArgs,
        callbacks: [halve(), backupAndRestore({ backupDir: dir }), new Crash(2)],
      }),
    ).rejects.toThrow('killed');

    const resumed = build(momentum());
    await resumed.fit(x, oneHot, { ...fitArgs, callbacks: [halve(), backupAndRestore({ backupDir: dir })] });
    expect(resumed.optimizer.learningRate).toBe(0.05);
    expect(await allWeights(resumed)).toEqual(await allWeights(straight));
    for (const m of [straight, first, resumed]) m.dispose();
    tf.dispose([x, oneHot]);
  });

  it('refuses to resume a constant-rate run with a scheduled optimizer (or back), changing nothing', async () => {
    const { x, oneHot } = blobs(12, 1);
    const crashAfterOne = { epochs: 3, batchSize: 4, seed: 1 };
    const scheduled = () =>
      adam({ learningRate: exponentialDecay({ initialLearningRate: 0.05, decaySteps: 2, decayRate: 0.5 }) });
    for (const [writer, reader] of [
      [() => adam({ learningRate: 0.05 }), scheduled],
      [scheduled, () => adam({ learningRate: 0.05 })],
    ]) {
      const first = build(writer());
      const backup = backupAndRestore({ backupDir: dir, deleteCheckpoint: false });
      await expect(
        first.fit(x, oneHot, { ...crashAfterOne, callbacks: [backup, new Crash(1)] }),
      ).rejects.toThrow('killed');
      const resumed = build(reader());
      const before = await allWeights(resumed);
      const error = await resumed
        .fit(x, oneHot, { ...crashAfterOne, callbacks: [backupAndRestore({ backupDir: dir })] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SerializationError);
      expect((error as Error).message).toMatch(/learning-rate schedule/);
      expect(await allWeights(resumed)).toEqual(before);
      expect(resumed.optimizer.iterations).toBe(0);
      await fs.rm(join(dir, 'backup.bin'));
      first.dispose();
      resumed.dispose();
    }
    tf.dispose([x, oneHot]);
  });

  it('warns when listed before the callbacks whose state it saves', async () => {
    const { x, oneHot } = blobs(16, 2);
    const warnings: string[] = [];
    const stop = earlyStopping({ monitor: 'loss', patience: 5 });
    const m = build();
    await m.fit(x, oneHot, {
      epochs: 3,
      batchSize: 8,
      callbacks: [
        backupAndRestore({ backupDir: dir, callbacks: [stop], warn: (l) => warnings.push(l) }),
        stop,
      ],
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/List backupAndRestore after them/);
    m.dispose();
    tf.dispose([x, oneHot]);
  });

  it('refuses a corrupt backup or one from another model, changing nothing', async () => {
    const { x, oneHot } = blobs(12, 1);
    await fs.writeFile(join(dir, 'backup.bin'), 'not a backup');
    const m = build();
    const before = await allWeights(m);
    await expect(m.fit(x, oneHot, { callbacks: [backupAndRestore({ backupDir: dir })] })).rejects.toThrow(
      /is not a tensorfold training backup\. Delete .*backup\.bin/,
    );
    expect(await allWeights(m)).toEqual(before);

    const other = sequential({ layers: [new TestDense({ name: 'solo', units: 3, inputShape: [2] })] });
    other.compile({ optimizer: adam(), loss: 'categoricalCrossentropy' });
    await other
      .fit(x, oneHot, {
        callbacks: [backupAndRestore({ backupDir: dir, deleteCheckpoint: false }), new Crash(1)],
        epochs: 2,
      })
      .catch(() => undefined);
    await fs.rm(join(dir, 'backup.bin')).catch(() => undefined);
    await other.fit(x, oneHot, {
      epochs: 1,
      callbacks: [backupAndRestore({ backupDir: dir, deleteCheckpoint: false })],
    });
    const error = await m
      .fit(x, oneHot, { callbacks: [backupAndRestore({ backupDir: dir })] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toMatch(
      /does not match the model: neither the weight names nor the structure agree \(the backup holds 2 weights: solo\/kernel, solo\/bias; the model has 4: hidden\/kernel/,
    );
    expect(await allWeights(m)).toEqual(before);
    m.dispose();
    other.dispose();
    tf.dispose([x, oneHot]);
  });
});
