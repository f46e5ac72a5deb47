import { type Model, sequential, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sgd } from '../optimizers/sgd.js';
import { useCpu, values } from '../test-utils/setup.js';
import { blobs, TestDense } from '../test-utils/toys.js';
import { type EarlyStopping, earlyStopping } from './early-stopping.js';
import { lambdaCallback } from './lambda-callback.js';
import { learningRateScheduler } from './learning-rate-scheduler.js';

beforeAll(useCpu);

function tinyModel(): Model {
  const m = sequential({ layers: [new TestDense({ units: 1, inputShape: [1], seed: 2 })] });
  m.compile({ optimizer: sgd(), loss: 'mse' });
  return m;
}

/**
 * Drives the callback through epochs with the given monitored values, setting the model's kernel to
 * the epoch number at each epoch (so restored weights show which epoch they came from). Returns the
 * epoch at which it asked to stop (0-based, or null), the final kernel, and the messages.
 */
async function drive(
  args: ConstructorParameters<typeof EarlyStopping>[0],
  sequence: number[],
  key = 'val_loss',
) {
  const lines: string[] = [];
  const cb = earlyStopping({ print: (l) => lines.push(l), ...args });
  const m = tinyModel();
  cb.setModel(m);
  cb.onTrainBegin();
  let stoppedAt: number | null = null;
  for (const [epoch, value] of sequence.entries()) {
    m.getLayer(0).setWeights([tf.tensor2d([[epoch]]), tf.zeros([1])]);
    cb.onEpochEnd(epoch, { [key]: value });
    if (m.stopTraining) {
      stoppedAt = epoch;
      break;
    }
  }
  cb.onTrainEnd();
  const [kernel] = await values(m.getLayer(0).weights[0].read());
  m.dispose();
  return { stoppedAt, kernel, lines, cb };
}

describe('earlyStopping', () => {
  it('stops after `patience` epochs without improvement and says so with a 1-based epoch', async () => {
    const r = await drive({ patience: 2, verbose: 1 }, [1, 0.9, 0.95, 0.96, 0.97, 0.98]);
    expect(r.stoppedAt).toBe(3);
    expect(r.lines).toEqual(['Epoch 4: early stopping']);
    expect((await drive({ patience: 0 }, [1, 0.9, 0.95, 0.8])).stoppedAt).toBe(2);
  });

  it('only counts improvements larger than minDelta', async () => {
    expect((await drive({ patience: 1, minDelta: 0.1 }, [1, 0.95, 0.92])).stoppedAt).toBe(1);
    expect((await drive({ patience: 1, minDelta: 0.01 }, [1, 0.95, 0.92])).stoppedAt).toBe(null);
  });

  it('watches maxima in max mode, and guesses the mode from the name', async () => {
    expect(
      (await drive({ monitor: 'val_acc', patience: 1, mode: 'max' }, [0.5, 0.6, 0.55], 'val_acc')).stoppedAt,
    ).toBe(2);
    expect(
      (await drive({ monitor: 'val_accuracy', patience: 1 }, [0.5, 0.6, 0.55], 'val_accuracy')).stoppedAt,
    ).toBe(2);
    expect((await drive({ monitor: 'val_loss', patience: 1, mode: 'max' }, [0.5, 0.6, 0.55])).stoppedAt).toBe(
      2,
    );
    expect(() => earlyStopping({ monitor: 'mystery' })).toThrow(/pass mode: 'max'/);
  });

  it('keeps counting until the baseline is beaten', async () => {
    // improving, but never below the baseline 0.5: the stall at epoch 2 ends training
    expect((await drive({ patience: 2, baseline: 0.5 }, [0.8, 0.7, 0.75, 0.6])).stoppedAt).toBe(2);
    expect((await drive({ patience: 2 }, [0.8, 0.7, 0.75, 0.6])).stoppedAt).toBe(null);
    // beating the baseline resets the count
    expect((await drive({ patience: 2, baseline: 0.5 }, [0.8, 0.4, 0.45, 0.45])).stoppedAt).toBe(3);
  });

  it('restores the weights of the best epoch at the end, stopped early or not', async () => {
    const stopped = await drive(
      { patience: 2, restoreBestWeights: true, verbose: 1 },
      [1, 0.5, 0.7, 0.8, 0.9],
    );
    expect(stopped.stoppedAt).toBe(3);
    expect(stopped.kernel).toBe(1);
    expect(stopped.lines).toEqual([
      'Epoch 4: early stopping',
      'Restoring model weights from the end of the best epoch: 2.',
    ]);
    const finished = await drive({ patience: 5, restoreBestWeights: true }, [1, 0.5, 0.7]);
    expect(finished.stoppedAt).toBe(null);
    expect(finished.kernel).toBe(1);
    expect((await drive({ patience: 2 }, [1, 0.5, 0.7, 0.8, 0.9])).kernel).toBe(3);
  });

  it('ignores epochs before startFromEpoch', async () => {
    expect((await drive({ patience: 1 }, [0.5, 1, 1, 1, 1])).stoppedAt).toBe(1);
    const late = await drive({ patience: 1, startFromEpoch: 2, restoreBestWeights: true }, [0.5, 1, 1, 1, 1]);
    expect(late.stoppedAt).toBe(3);
    expect(late.kernel).toBe(2); // epoch 0 was better, but not watched
  });

  it('warns once when the monitored value is missing', async () => {
    const r = await drive({ patience: 0 }, [1, 2, 3], 'loss');
    expect(r.stoppedAt).toBe(null);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(
      /monitors "val_loss", which is not in the logs \(available: loss\)\. Pass validationData/,
    );
  });

  it('ends a real fit early and puts back the best weights', async () => {
    const { x, oneHot } = blobs(60, 3);
    const m = sequential({
      layers: [new TestDense({ units: 3, activation: 'softmax', inputShape: [2], seed: 5 })],
    });
    m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
    const snapshots: number[][] = [];
    const history = await m.fit(x, oneHot, {
      epochs: 20,
      batchSize: 20,
      seed: 1,
      validationData: [x, oneHot],
      callbacks: [
        // from epoch 4 on, a learning rate large enough to make the validation loss jump
        learningRateScheduler((epoch) => (epoch < 3 ? 0.1 : 200)),
        lambdaCallback({
          onEpochEnd: async () => void snapshots.push(await values(m.getLayer(0).weights[0].read())),
        }),
        earlyStopping({ patience: 2, restoreBestWeights: true }),
      ],
    });
    const losses = history.history.val_loss;
    const best = losses.indexOf(Math.min(...losses));
    expect(losses.length).toBeLessThan(20);
    expect(losses.length).toBe(best + 3);
    expect(await values(m.getLayer(0).weights[0].read())).toEqual(snapshots[best]);
    m.dispose();
    tf.dispose([x, oneHot]);
  });
});
