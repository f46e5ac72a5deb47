import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallbackList, loadModel, type Model, sequential, tf } from '@tensorfold/core';
import '@tensorfold/core/node';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { learningRateScheduler } from '../callbacks/learning-rate-scheduler.js';
import { sgd } from '../optimizers/sgd.js';
import { useCpu, values } from '../test-utils/setup.js';
import { blobs, TestDense } from '../test-utils/toys.js';
import { csvLogger } from './csv-logger.js';
import { fillTemplate } from './filepath.js';
import { modelCheckpoint } from './model-checkpoint.js';

beforeAll(useCpu);

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'tensorfold-ckpt-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function classifier(): Model {
  const m = sequential({
    layers: [new TestDense({ units: 3, activation: 'softmax', inputShape: [2], seed: 5 })],
  });
  m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'categoricalCrossentropy', metrics: ['acc'] });
  return m;
}

describe('fillTemplate', () => {
  it('formats Keras-style placeholders', () => {
    expect(fillTemplate('ckpt-{epoch:02d}-{val_loss:.3f}', { epoch: 3, val_loss: 0.123456 })).toBe(
      'ckpt-03-0.123',
    );
    expect(fillTemplate('{loss:.2e}/{epoch}/{acc:6.2f}', { loss: 0.000123, epoch: 12, acc: 0.5 })).toBe(
      '1.23e-04/12/  0.50',
    );
    expect(() => fillTemplate('{nope}', { epoch: 1 })).toThrow(/names \{nope\}, which has no value/);
    expect(() => fillTemplate('{epoch:x}', { epoch: 1 })).toThrow(/Unsupported format "x"/);
  });
});

describe('modelCheckpoint', () => {
  it('saves every epoch to a templated path, loadable with its optimizer', async () => {
    const { x, oneHot } = blobs(30, 1);
    const m = classifier();
    const cb = modelCheckpoint({ filepath: join(dir, 'ep{epoch:02d}'), includeOptimizer: true });
    await m.fit(x, oneHot, { epochs: 2, batchSize: 10, callbacks: [cb] });
    expect((await fs.readdir(dir)).sort()).toEqual(['ep01', 'ep02']);
    const loaded = await loadModel(`file://${join(dir, 'ep02')}`);
    const [a, b] = [m.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(await values(b)).toEqual(await values(a));
    expect(loaded.optimizer.iterations).toBe(6);
    tf.dispose([a, b, x, oneHot]);
    m.dispose();
    loaded.dispose();
  });

  it('with saveBestOnly saves only improvements of the monitored value', async () => {
    const { x, oneHot } = blobs(30, 1);
    const m = classifier();
    const lines: string[] = [];
    const cb = modelCheckpoint({
      filepath: join(dir, 'best'),
      monitor: 'val_loss',
      saveBestOnly: true,
      verbose: 1,
      print: (l) => lines.push(l),
    });
    // epoch 3 has a learning rate of 0: its validation loss equals epoch 2's, no improvement, no save
    const history = await m.fit(x, oneHot, {
      epochs: 3,
      batchSize: 30,
      validationData: [x, oneHot],
      callbacks: [learningRateScheduler((e) => (e < 2 ? 0.1 : 0)), cb],
    });
    const losses = history.history.val_loss;
    expect(losses[2]).toBe(losses[1]);
    expect(losses[1]).toBeLessThan(losses[0]);
    expect(cb.saved).toEqual([join(dir, 'best'), join(dir, 'best')]);
    expect(cb.best).toBe(losses[1]);
    expect(lines[2]).toMatch(/^Epoch 3: val_loss did not improve from /);
    const loaded = await loadModel(`file://${join(dir, 'best')}`);
    const evaluation = await loaded.evaluate(x, oneHot);
    expect(evaluation.loss).toBeCloseTo(losses[1], 4);
    tf.dispose([x, oneHot]);
    m.dispose();
    loaded.dispose();
  });

  it('saves every N batches and rejects a path naming a value training does not log', async () => {
    const { x, oneHot } = blobs(40, 1);
    const m = classifier();
    const cb = modelCheckpoint({ filepath: join(dir, 'e{epoch}-b{batch}'), saveFreq: 3 });
    await m.fit(x, oneHot, { epochs: 2, batchSize: 10, callbacks: [cb] });
    expect(cb.saved.map((p) => p.slice(dir.length + 1))).toEqual(['e1-b3', 'e2-b2']);
    const bad = modelCheckpoint({ filepath: join(dir, '{val_acc}') });
    await expect(m.fit(x, oneHot, { callbacks: [bad] })).rejects.toThrow(
      /names \{val_acc\}, which training does not log/,
    );
    // {batch} has a value only when saving every N batches: refused before training, not after an epoch
    const weightValues = async () => {
      const weights = m.getWeights();
      const out = await Promise.all(weights.map(values));
      tf.dispose(weights);
      return out;
    };
    const before = await weightValues();
    const perEpoch = modelCheckpoint({ filepath: join(dir, 'e{epoch}-b{batch}') });
    await expect(m.fit(x, oneHot, { callbacks: [perEpoch] })).rejects.toThrow(/names \{batch\}/);
    // and validation values exist only at epoch ends, not for saves every N batches
    const perBatch = modelCheckpoint({ filepath: join(dir, 'b{batch}-{val_loss}'), saveFreq: 2 });
    await expect(m.fit(x, oneHot, { callbacks: [perBatch], validationData: [x, oneHot] })).rejects.toThrow(
      /names \{val_loss\}.*validation values are not known yet/,
    );
    expect(await weightValues()).toEqual(before);
    tf.dispose([x, oneHot]);
    m.dispose();
  });

  it('listens to batches only when saving every N batches (fit then reads metrics after each batch)', () => {
    const perEpoch = modelCheckpoint({ filepath: join(dir, 'ckpt') });
    expect(new CallbackList([perEpoch]).listensTo('onBatchEnd')).toBe(false);
    expect(new CallbackList([perEpoch]).listensTo('onEpochEnd')).toBe(true);
    const perBatch = modelCheckpoint({ filepath: join(dir, 'ckpt'), saveFreq: 3 });
    expect(new CallbackList([perBatch]).listensTo('onBatchEnd')).toBe(true);
  });
});

describe('csvLogger', () => {
  it('writes a header and one row per epoch, and appends when asked', async () => {
    const { x, oneHot } = blobs(30, 1);
    const file = join(dir, 'log.csv');
    const m = classifier();
    await m.fit(x, oneHot, { epochs: 2, batchSize: 10, callbacks: [csvLogger({ filename: file })] });
    let lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('epoch,acc,loss');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '1']);
    const history = await m.fit(x, oneHot, {
      epochs: 1,
      batchSize: 10,
      callbacks: [csvLogger({ filename: file, append: true, separator: ',' })],
    });
    lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(Number(lines[3].split(',')[2])).toBeCloseTo(history.history.loss[0], 10);
    await m.fit(x, oneHot, {
      epochs: 1,
      batchSize: 10,
      callbacks: [csvLogger({ filename: file, separator: ';' })],
    });
    expect((await fs.readFile(file, 'utf8')).split('\n')[0]).toBe('epoch;acc;loss');
    expect((await fs.readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(() => csvLogger({ filename: '' })).toThrow(/needs a filename/);
    tf.dispose([x, oneHot]);
    m.dispose();
  });
});
