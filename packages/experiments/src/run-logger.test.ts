import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@tensorfold/backend';
import { Callback, sequential, setSeed, tf } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import { adam } from '@tensorfold/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLogger } from './run-logger.js';
import { readEvents } from './test-utils/event-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-runlog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

function eventsIn(folder: string) {
  const files = readdirSync(folder).filter((f) => f.startsWith('events.out.tfevents.'));
  expect(files).toHaveLength(1);
  return readEvents(join(folder, files[0])).events.slice(1); // after the file version
}

const valuesOf = (events: ReturnType<typeof eventsIn>, tag: string) =>
  events.filter((e) => e.summary?.value[0].tag === tag).map((e) => [e.step ?? 0, e.summary.value[0]]);

describe('runLogger', () => {
  it("writes Keras's layout: train and validation scalars per epoch, histograms, hyperparameters and the model", async () => {
    setSeed(1);
    const model = sequential({
      layers: [
        dense({ units: 8, activation: 'relu', inputShape: [4] }),
        dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const optimizer = adam({ learningRate: 0.01 });
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const x = tf.randomNormal([60, 4], 0, 1, 'float32', 2);
    const y = tf.tensor1d(
      Array.from({ length: 60 }, (_, i) => i % 3),
      'float32',
    );
    const logdir = join(dir, 'run1');
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 20,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: [
        runLogger(logdir, {
          hparams: { learning_rate: 0.01, units: 8 },
          sample: { x: tf.slice(x, [0], [8]), y: tf.slice(y, [0], [8]) },
          updateEvery: 1,
        }),
      ],
    });
    const train = eventsIn(join(logdir, 'train'));
    const validation = eventsIn(join(logdir, 'validation'));
    const loss = valuesOf(train, 'epoch_loss');
    expect(loss.map(([step]) => step)).toEqual([0, 1, 2]);
    for (const [i, [, v]] of loss.entries()) expect(v.simpleValue).toBeCloseTo(history.history.loss[i], 5);
    const valAccuracy = valuesOf(validation, 'epoch_accuracy');
    for (const [i, [, v]] of valAccuracy.entries())
      expect(v.simpleValue).toBeCloseTo(history.history.val_accuracy[i], 5);
    // Batch logs at every batch: 48 training samples in batches of 20 are 3 batches (20 + 20 + 8) per epoch.
    expect(valuesOf(train, 'batch_loss')).toHaveLength(9);
    // One histogram per weight per epoch, holding every value of the weight.
    const kernel = valuesOf(train, model.weights[0].path);
    expect(kernel).toHaveLength(3);
    expect(kernel[2][1].histo.num).toBe(32);
    expect(valuesOf(train, `${model.weights[0].path}/gradient`)).toHaveLength(3);
    expect(valuesOf(train, `${model.layers[0].name}/activation`)[0][1].histo.num).toBe(8 * 8);
    const text = (tag: string) => new TextDecoder().decode(valuesOf(train, tag)[0][1].tensor.stringVal[0]);
    expect(text('hparams')).toContain('| learning_rate | 0.01 |');
    expect(text('model')).toContain('Total params: 67');
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });

  it('leaves whole, readable records when the training process is killed', () => {
    const logdir = join(dir, 'killed');
    // Beside this file, so its imports resolve as the package's own do (removed afterwards).
    const script = fileURLToPath(new URL('./killed-run.generated.ts', import.meta.url));
    writeFileSync(
      script,
      `import { initBackend } from '@tensorfold/backend';
import { sequential, tf, Callback } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import '@tensorfold/optim';
import { runLogger } from './run-logger.js';
await initBackend({ require: 'wasm' });
const model = sequential({ layers: [dense({ units: 4, inputShape: [2] }), dense({ units: 1 })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
class Kill extends Callback { override onEpochEnd(epoch: number) { if (epoch === 4) process.kill(process.pid, 'SIGKILL'); } }
await model.fit(tf.ones([8, 2]), tf.ones([8, 1]), { epochs: 100, verbose: 0, callbacks: [runLogger(${JSON.stringify(logdir)}), new Kill()] });
`,
    );
    const run = spawnSync(process.execPath, ['--conditions=@tensorfold/source', '--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    rmSync(script, { force: true });
    expect(run.stderr).toBe('');
    expect(run.signal).toBe('SIGKILL');
    // Epochs 0 to 4 were logged before the kill (the runLogger comes before the killer in the list).
    expect(valuesOf(eventsIn(join(logdir, 'train')), 'epoch_loss').map(([step]) => step)).toEqual([
      0, 1, 2, 3, 4,
    ]);
  }, 120_000);

  it('refuses a log directory that cannot be written before the first step', async () => {
    const model = sequential({ layers: [dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    let steps = 0;
    class CountSteps extends Callback {
      override onBatchBegin() {
        steps++;
      }
    }
    const x = tf.ones([2, 1]);
    await expect(
      model.fit(x, x, {
        verbose: 0,
        callbacks: [runLogger('/proc/tensorfold-runs'), new CountSteps()],
      }),
    ).rejects.toThrow(/cannot be written/);
    expect(steps).toBe(0);
    x.dispose();
    model.dispose();
  });
});
