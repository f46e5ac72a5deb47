import { type BatchSource, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sgd } from '../optimizers/sgd.js';
import { useCpu } from '../test-utils/setup.js';
import { blobs, TestDense } from '../test-utils/toys.js';
import { formatDuration, formatStepTime } from './format.js';
import { progressBar } from './progress-bar.js';

beforeAll(useCpu);

/** A stream that records what is written, and a clock that advances 1 s at every batch. */
function recorder(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (s: string) => writes.push(s) } };
}

function classifier() {
  const m = sequential({ layers: [new TestDense({ units: 3, activation: 'softmax', inputShape: [2] })] });
  m.compile({
    optimizer: sgd({ learningRate: 0.5 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['acc'],
  });
  return m;
}

/** Fits 2 epochs of 10 batches; the fake clock advances 1 s per batch. */
async function fitWith(bar: ReturnType<typeof progressBar>, clock: { t: number }, validation = false) {
  const { x, labels } = blobs(40);
  const m = classifier();
  const ticker = new (class extends (await import('@tensorfold/core')).Callback {
    override onBatchBegin() {
      clock.t += 1000;
    }
  })();
  await m.fit(x, labels, {
    epochs: 2,
    batchSize: 4,
    callbacks: [ticker, bar],
    seed: 1,
    validationData: validation ? [x, labels] : undefined,
  });
  m.dispose();
  tf.dispose([x, labels]);
}

describe('progressBar', () => {
  it('prints plain periodic lines and an epoch summary without a terminal', async () => {
    const { writes, stream } = recorder(false);
    const clock = { t: 0 };
    await fitWith(progressBar({ stream, clock: () => clock.t, lineSeconds: 4 }), clock, true);
    const lines = writes.join('').split('\n').filter(Boolean);
    // per epoch: progress lines at 4 s and 8 s, then the summary
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^Epoch 1\/2 - {2}4\/10 \(40%\) - ETA 6s - loss: \d\.\d{4} - acc: \d\.\d{4}$/);
    expect(lines[1]).toMatch(/^Epoch 1\/2 - {2}8\/10 \(80%\) - ETA 2s - loss: /);
    expect(lines[2]).toMatch(
      /^Epoch 1\/2 - 10\/10 - 10s 1\.0s\/step - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4}$/,
    );
    expect(lines[5]).toMatch(/^Epoch 2\/2 - 10\/10 - 10s/);
    expect(writes.join('')).not.toContain('\r');
  });

  it('redraws one bar in place on a terminal, cut to its width, and ends each epoch with a newline', async () => {
    const { writes, stream } = recorder(true, 60);
    const clock = { t: 0 };
    await fitWith(progressBar({ stream, clock: () => clock.t, refreshSeconds: 0, width: 10 }), clock);
    const epoch1 = writes.slice(0, writes.findIndex((w) => w.endsWith('\n')) + 1);
    expect(epoch1[0]).toBe('\rEpoch 1/2  0/10 [>.........] ETA ?\x1b[K');
    expect(epoch1[3]).toMatch(/^\rEpoch 1\/2 {2}3\/10 \[===>\.{6}\] ETA 7s - loss: /);
    for (const w of epoch1.slice(0, -1)) {
      expect(w.startsWith('\r')).toBe(true);
      expect(w.replace('\r', '').replace('\x1b[K', '').length).toBeLessThan(60);
    }
    const last = epoch1.at(-1) as string;
    expect(last.endsWith('\x1b[K\n')).toBe(true);
    expect(last.replace('\x1b[K\n', '')).toMatch(
      /^\rEpoch 1\/2 10\/10 \[==========\] 10s 1\.0s\/step - loss: \d\.\d{4} - acc: \d\.\d{4}$/,
    );
    expect(writes.filter((w) => w.endsWith('\n'))).toHaveLength(2);
  });

  it('shows a count and elapsed time when the number of steps is unknown', async () => {
    const { writes, stream } = recorder(false);
    const { x, labels } = blobs(8);
    const source: BatchSource = {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 4; i++)
          yield { xs: tf.slice(x, [2 * i], [2]), ys: tf.slice(labels, [2 * i], [2]) };
      },
    };
    const clock = { t: 0 };
    const m = classifier();
    const ticker = new (class extends (await import('@tensorfold/core')).Callback {
      override onBatchBegin() {
        clock.t += 3000;
      }
    })();
    await m.fit(source, {
      epochs: 1,
      callbacks: [ticker, progressBar({ stream, clock: () => clock.t, lineSeconds: 5 })],
    });
    const lines = writes.join('').split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^Epoch 1\/1 - 2\/\? - 6s - loss: /);
    expect(lines.at(-1)).toMatch(/^Epoch 1\/1 - 4\/4 - 12s 3\.0s\/step - loss: /);
    m.dispose();
    tf.dispose([x, labels]);
  });

  it('finish() ends a line left open by an interrupted epoch', () => {
    const { writes, stream } = recorder(true);
    const bar = progressBar({ stream });
    bar.setParams({
      epochs: 1,
      initialEpoch: 0,
      steps: 5,
      samples: null,
      batchSize: 1,
      verbose: 0,
      doValidation: false,
      metrics: [],
    });
    bar.onEpochBegin(0);
    bar.finish();
    expect(writes.at(-1)).toBe('\n');
    bar.finish();
    expect(writes.filter((w) => w === '\n')).toHaveLength(1);
  });

  it('formats durations and step times', () => {
    expect([formatDuration(12.4), formatDuration(245), formatDuration(3723)]).toEqual([
      '12s',
      '4:05',
      '1:02:03',
    ]);
    expect([formatStepTime(0.0005), formatStepTime(0.013), formatStepTime(1.23)]).toEqual([
      '500us/step',
      '13ms/step',
      '1.2s/step',
    ]);
  });
});
