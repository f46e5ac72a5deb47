/**
 * Transfer learning against training from scratch on a small labelled set: 1,000 training images of a task
 * the shipped pretrained base (`loadDigitsBase`, MNIST digits 0-4) never saw, the same network on both sides:
 * - transfer: the pretrained base, frozen, with a new head (`featureExtractor`), then `fineTune` from `c3`;
 * - scratch: the same layers from random weights, all trained, for as many epochs in all.
 * Tasks: MNIST digits 5-9 (unseen classes) and Fashion-MNIST (an unseen dataset, 10 classes). Figures are test
 * accuracy (%) on the whole test split of the task; the "advantage" column is transfer / scratch.
 */
import { tf } from '@tensorfold/core/node';
import { type LabeledData, loadFashionMnist, loadMnist } from '@tensorfold/data/node';
import '@tensorfold/layers';
import { digitsBase, featureExtractor, fineTune, loadDigitsBase } from '@tensorfold/models-cnn';
import { adam } from '@tensorfold/optim';
import type { BenchContext, Suite } from '../harness.js';

interface Task {
  name: string;
  load(split: 'train' | 'test'): Promise<LabeledData>;
  /** Keeps a label (and maps it to 0..classes-1), or -1 to drop the image. */
  map(label: number): number;
  classes: number;
}

const TASKS: Task[] = [
  {
    name: 'MNIST digits 5-9',
    load: (split) => loadMnist({ split }),
    map: (l) => (l >= 5 ? l - 5 : -1),
    classes: 5,
  },
  { name: 'Fashion-MNIST', load: (split) => loadFashionMnist({ split }), map: (l) => l, classes: 10 },
];

const TRAIN_IMAGES = 1000;

async function subset(task: Task, split: 'train' | 'test', limit: number) {
  const data = await task.load(split);
  const keep: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < data.count && keep.length < limit; i++) {
    const mapped = task.map(data.labels[i]);
    if (mapped >= 0) {
      keep.push(i);
      labels.push(mapped);
    }
  }
  const x = tf.gather(data.xs, keep);
  const y = tf.tensor1d(labels, 'int32');
  data.dispose();
  return { x, y };
}

async function accuracy(
  model: import('@tensorfold/core').Model,
  x: tf.Tensor,
  y: tf.Tensor,
): Promise<number> {
  const logs = await model.evaluate(x, y, { batchSize: 1000 });
  return logs.accuracy * 100;
}

const suite: Suite = {
  name: 'cnn-transfer',
  description: 'Transfer from the shipped digits 0-4 base vs the same network from scratch, 1,000 images',
  backends: ['wasm', 'cpu'],
  async run(ctx: BenchContext) {
    const headEpochs = ctx.quick ? 2 : 10;
    const tuneEpochs = ctx.quick ? 1 : 5;
    for (const task of TASKS) {
      const train = await subset(task, 'train', TRAIN_IMAGES);
      const test = await subset(task, 'test', Number.POSITIVE_INFINITY);
      const head = { numClasses: task.classes, units: [64], dropout: 0.5 };
      const fitArgs = { batchSize: 32, seed: 7 };

      const base = await loadDigitsBase();
      const transfer = featureExtractor(base, { head });
      transfer.compile({
        optimizer: adam({ learningRate: 1e-3 }),
        loss: 'sparseCategoricalCrossentropy',
        metrics: ['accuracy'],
      });
      await transfer.fit(train.x, train.y, { ...fitArgs, epochs: headEpochs });
      fineTune(transfer, { unfreezeFrom: 'c3', learningRate: 1e-4 });
      await transfer.fit(train.x, train.y, { ...fitArgs, epochs: tuneEpochs });
      const transferAccuracy = await accuracy(transfer, test.x, test.y);
      transfer.dispose();

      const scratch = featureExtractor(digitsBase(), { head, freeze: false });
      scratch.compile({
        optimizer: adam({ learningRate: 1e-3 }),
        loss: 'sparseCategoricalCrossentropy',
        metrics: ['accuracy'],
      });
      await scratch.fit(train.x, train.y, { ...fitArgs, epochs: headEpochs + tuneEpochs });
      const scratchAccuracy = await accuracy(scratch, test.x, test.y);
      scratch.dispose();

      ctx.report({
        suite: 'cnn-transfer',
        case: `${task.name}, ${TRAIN_IMAGES} training images, ${headEpochs}+${tuneEpochs} epochs`,
        unit: '% test accuracy',
        value: transferAccuracy,
        peer: scratchAccuracy,
        peerName: 'same network from scratch',
        higherIsBetter: true,
        note: `margin ${(transferAccuracy - scratchAccuracy).toFixed(2)} points on ${test.y.shape[0]} test images`,
      });
      tf.dispose([train.x, train.y, test.x, test.y]);
    }
  },
};

export default suite;
