import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@tensorfold/backend';
import { ConfigError, tf } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobs, searchArgs } from '../test-utils/tune-fixture.js';
import { gridPoints, intRange } from './space.js';
import { trialPoints, tune } from './tune.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-tune-'));
let data: { x: tf.Tensor; y: tf.Tensor };
beforeAll(async () => {
  await initBackend({ require: 'wasm' });
  data = blobs();
});
afterAll(() => {
  tf.dispose([data.x, data.y]);
  rmSync(dir, { recursive: true, force: true });
});

describe('tune', () => {
  it('draws the same trials for the same seed, no repeats; grid walks the grid', () => {
    const space = searchArgs(data.x, data.y).space;
    const a = trialPoints(space, 'random', 6, 5);
    expect(trialPoints(space, 'random', 6, 5)).toEqual(a);
    expect(trialPoints(space, 'random', 6, 6)).not.toEqual(a);
    expect(new Set(a.map((p) => JSON.stringify(p))).size).toBe(6);
    // A discrete space of 3 points gives 3 trials, however many are asked for.
    expect(trialPoints({ u: intRange(1, 3) }, 'random', 10, 1)).toHaveLength(3);
    expect(trialPoints(space, 'grid', 100, 0)).toEqual(gridPoints(space));
  });

  it('finds the best trial, logs each as a run, stops early and restores the best epoch', async () => {
    const before = tf.memory().numTensors;
    const logdir = join(dir, 'search');
    const seen: number[] = [];
    const result = await tune({ ...searchArgs(data.x, data.y, logdir), onTrial: (t) => seen.push(t.id) });
    expect(seen).toEqual([0, 1, 2, 3]);
    const scores = result.trials.map((t) => t.score);
    expect(result.best.score).toBe(Math.min(...scores));
    expect(result.bestHyperparameters).toEqual(
      result.trials[scores.indexOf(result.best.score)].hyperparameters,
    );
    for (const t of result.trials) {
      expect(t.epochs).toBeLessThanOrEqual(5);
      expect(t.bestEpoch).toBeLessThan(t.epochs);
    }
    // The best model holds its best epoch's weights: evaluating on the same validation split gives its score.
    // floor(90 * 0.7) = 62 samples train; the last 28 validate.
    const [xv, yv] = [tf.slice(data.x, [62], [28]), tf.slice(data.y, [62], [28])];
    const again = await result.bestModel.evaluate(xv, yv, { batchSize: 28 });
    expect(again.loss).toBeCloseTo(result.best.score, 4);
    expect(readdirSync(logdir).sort()).toEqual(
      ['best-weights.bin', 'trial-0', 'trial-1', 'trial-2', 'trial-3', 'tuner.json'].sort(),
    );
    expect(readdirSync(join(logdir, 'trial-2'))).toEqual(['train', 'validation']);
    // The test set is touched once.
    const test = await result.evaluateBest(xv, yv);
    expect(test.accuracy).toBeGreaterThan(0.5);
    await expect(result.evaluateBest(xv, yv)).rejects.toThrow(/already called/);
    tf.dispose([xv, yv]);
    result.bestModel.optimizer.dispose();
    result.bestModel.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('stops a trial after patience epochs without improvement and keeps its best epoch', async () => {
    // Maximising the training loss, which falls: epoch 0 is best, epoch 1 does not improve, patience 1 stops.
    const result = await tune({
      ...searchArgs(data.x, data.y),
      objective: 'loss',
      direction: 'max',
      patience: 1,
      maxTrials: 2,
    });
    for (const t of result.trials) {
      expect(t.epochs).toBe(2);
      expect(t.bestEpoch).toBe(0);
      expect(t.logs.loss).toBeLessThan(t.score);
    }
    result.bestModel.optimizer.dispose();
    result.bestModel.dispose();
  }, 120_000);

  it('runs hyperband: three configurations for one epoch, the best for three, then a bracket of two', async () => {
    const result = await tune({
      ...searchArgs(data.x, data.y),
      strategy: 'hyperband',
      fit: { epochs: 3, batchSize: 16 },
      patience: 5,
      maxTrials: 100,
    });
    expect(result.trials.map((t) => t.budget)).toEqual([1, 1, 1, 3, 3, 3]);
    const first = result.trials.slice(0, 3);
    const winner = first.reduce((a, b) => (b.score < a.score ? b : a));
    expect(result.trials[3].hyperparameters).toEqual(winner.hyperparameters);
    expect(result.trials[3].epochs).toBe(3);
    expect(result.best.score).toBe(Math.min(...result.trials.map((t) => t.score)));
    result.bestModel.optimizer.dispose();
    result.bestModel.dispose();
  }, 120_000);

  it('runs bayesian: random trials first, then the model picks new points', async () => {
    const run = () =>
      tune({
        ...searchArgs(data.x, data.y),
        strategy: 'bayesian',
        maxTrials: 5,
        fit: { epochs: 2, batchSize: 16 },
      });
    const result = await run();
    expect(result.trials).toHaveLength(5);
    expect(new Set(result.trials.map((t) => JSON.stringify(t.hyperparameters))).size).toBe(5);
    const again = await run();
    expect(again.trials.map((t) => t.hyperparameters)).toEqual(result.trials.map((t) => t.hyperparameters));
    for (const r of [result, again]) {
      r.bestModel.optimizer.dispose();
      r.bestModel.dispose();
    }
  }, 120_000);

  it('resumes a killed search where it stopped, with the same trials as an uninterrupted one', async () => {
    const logdir = join(dir, 'killed');
    const script = fileURLToPath(new URL('./killed-search.generated.ts', import.meta.url));
    writeFileSync(
      script,
      `import { initBackend } from '@tensorfold/backend';
import { Callback } from '@tensorfold/core';
import { blobs, searchArgs } from '../test-utils/tune-fixture.js';
import { tune } from './tune.js';
await initBackend({ require: 'wasm' });
const { x, y } = blobs();
const args = searchArgs(x, y, ${JSON.stringify(logdir)});
let built = 0;
class Kill extends Callback { override onEpochEnd(epoch: number) { if (epoch === 1) process.kill(process.pid, 'SIGKILL'); } }
await tune({ ...args, build: async (hp) => {
  const model = await args.build(hp);
  if (built++ === 2) { const fit = model.fit.bind(model); model.fit = ((a, b, c) => fit(a, b, { ...c, callbacks: [...c.callbacks, new Kill()] })) as typeof model.fit; }
  return model;
} });
`,
    );
    const run = spawnSync(process.execPath, ['--conditions=@tensorfold/source', '--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
    });
    rmSync(script, { force: true });
    expect(run.stderr).toBe('');
    expect(run.signal).toBe('SIGKILL');
    // Killed during trial 2: the state holds trials 0 and 1.
    const state = JSON.parse(readFileSync(join(logdir, 'tuner.json'), 'utf8'));
    expect(state.trials.map((t: { id: number }) => t.id)).toEqual([0, 1]);
    expect(readdirSync(logdir).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const args = searchArgs(data.x, data.y, logdir);
    const built: number[] = [];
    const resumed = await tune({
      ...args,
      build: (hp) => {
        built.push(hp.units as number);
        return args.build(hp);
      },
    });
    const fresh = await tune(searchArgs(data.x, data.y, join(dir, 'uninterrupted')));
    // Trials 2 and 3 trained again (plus a rebuild of the best if it was among 0 and 1), not 0 and 1.
    expect(built.length === 2 || (built.length === 3 && resumed.best.id < 2)).toBe(true);
    expect(resumed.trials.map((t) => t.hyperparameters)).toEqual(fresh.trials.map((t) => t.hyperparameters));
    for (const [i, t] of resumed.trials.entries()) expect(t.score).toBeCloseTo(fresh.trials[i].score, 5);
    expect(resumed.best.id).toBe(fresh.best.id);
    const [a, b] = [
      resumed.bestModel.predict(data.x) as tf.Tensor,
      fresh.bestModel.predict(data.x) as tf.Tensor,
    ];
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([a, b]);
    resumed.bestModel.dispose();
    fresh.bestModel.dispose();
  }, 240_000);

  it('refuses bad input before training: empty space, unwritable logdir, unlogged objective, other arguments', async () => {
    let built = 0;
    const args = {
      ...searchArgs(data.x, data.y),
      build: () => {
        built++;
        throw new Error('not reached');
      },
    };
    await expect(tune({ ...args, space: { units: intRange(5, 1) } })).rejects.toThrow(
      /"units" has no valid value/,
    );
    await expect(tune({ ...args, logdir: '/proc/tensorfold-tune' })).rejects.toThrow(/cannot be written/);
    expect(built).toBe(0);
    const error = await tune({ ...searchArgs(data.x, data.y), objective: 'val_auc', maxTrials: 1 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/"val_auc".*loss, accuracy, val_loss, val_accuracy/);
    const logdir = join(dir, 'killed');
    expect(existsSync(join(logdir, 'tuner.json'))).toBe(true);
    await expect(tune({ ...searchArgs(data.x, data.y, logdir), seed: 4 })).rejects.toThrow(/other arguments/);
  }, 120_000);
});
