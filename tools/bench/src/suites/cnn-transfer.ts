/**
 * Transfer learning against training from scratch on a small labelled set: 1,000 training images of a task
 * the shipped pretrained base (`loadDigitsBase`, MNIST digits 0-4) never saw, the same network on both sides:
 * - transfer: the pretrained base, frozen, with a new head (`featureExtractor`), then `fineTune`, in each
 *   recipe of {@link RECIPES}: from `c3` (the top conv) or from `c1` (the whole base), at a low learning rate;
 * - scratch: the same layers from random weights, all trained, for as many epochs in all.
 * `CNN_TRANSFER_TASKS=fashion` runs only the tasks whose names start with that (case-insensitive).
 * Tasks: MNIST digits 5-9 (unseen classes) and Fashion-MNIST (an unseen dataset, 10 classes). Figures are test
 * accuracy (%) on the whole test split of the task; the "advantage" column is transfer / scratch.
 */
import { setSeed, tf } from '@tensorfold/core/node';
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

/** How the transfer side trains after its head has trained on the frozen base. */
interface Recipe {
  label: string;
  unfreezeFrom: string;
  learningRate: number;
  /** No head-only phase: every epoch fine-tunes (the pretrained weights as the starting point). */
  noFrozenPhase?: boolean;
}

const RECIPES: Recipe[] = [
  { label: 'fine-tune from c3 at 1e-4', unfreezeFrom: 'c3', learningRate: 1e-4 },
  { label: 'fine-tune the whole base (from c1) at 3e-4', unfreezeFrom: 'c1', learningRate: 3e-4 },
  {
    label: 'the whole pretrained net trained at 1e-3 (no frozen phase)',
    unfreezeFrom: 'c1',
    learningRate: 1e-3,
    noFrozenPhase: true,
  },
];

/** The tasks `CNN_TRANSFER_TASKS` (comma-separated name prefixes) picks; all when unset. */
function chosenTasks(): Task[] {
  const wanted = (process.env.CNN_TRANSFER_TASKS ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return wanted.length === 0
    ? TASKS
    : TASKS.filter((t) => wanted.some((w) => t.name.toLowerCase().startsWith(w)));
}

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
    for (const task of chosenTasks()) {
      const train = await subset(task, 'train', TRAIN_IMAGES);
      const test = await subset(task, 'test', Number.POSITIVE_INFINITY);
      const head = { numClasses: task.classes, units: [64], dropout: 0.5 };
      const fitArgs = { batchSize: 32, seed: 7 };

      setSeed(7); // the same initial weights (of the scratch net and of each new head) on every run
      const scratch = featureExtractor(digitsBase(), { head, freeze: false });
      scratch.compile({
        optimizer: adam({ learningRate: 1e-3 }),
        loss: 'sparseCategoricalCrossentropy',
        metrics: ['accuracy'],
      });
      await scratch.fit(train.x, train.y, { ...fitArgs, epochs: headEpochs + tuneEpochs });
      const scratchAccuracy = await accuracy(scratch, test.x, test.y);
      scratch.dispose();

      for (const recipe of RECIPES) {
        setSeed(7);
        const base = await loadDigitsBase();
        const transfer = featureExtractor(base, { head });
        transfer.compile({
          optimizer: adam({ learningRate: 1e-3 }),
          loss: 'sparseCategoricalCrossentropy',
          metrics: ['accuracy'],
        });
        const frozenEpochs = recipe.noFrozenPhase ? 0 : headEpochs;
        if (frozenEpochs > 0) await transfer.fit(train.x, train.y, { ...fitArgs, epochs: frozenEpochs });
        const headAccuracy = frozenEpochs > 0 ? await accuracy(transfer, test.x, test.y) : null;
        fineTune(transfer, { unfreezeFrom: recipe.unfreezeFrom, learningRate: recipe.learningRate });
        await transfer.fit(train.x, train.y, { ...fitArgs, epochs: headEpochs + tuneEpochs - frozenEpochs });
        const transferAccuracy = await accuracy(transfer, test.x, test.y);
        transfer.dispose();
        ctx.report({
          suite: 'cnn-transfer',
          case: `${task.name}, ${TRAIN_IMAGES} training images, ${recipe.noFrozenPhase ? `${headEpochs + tuneEpochs} epochs of ${recipe.label}` : `${headEpochs} epochs head + ${tuneEpochs} ${recipe.label}`}`,
          unit: '% test accuracy',
          value: transferAccuracy,
          peer: scratchAccuracy,
          peerName: 'same network from scratch',
          higherIsBetter: true,
          note: `margin ${(transferAccuracy - scratchAccuracy).toFixed(2)} points on ${test.y.shape[0]} test images${headAccuracy === null ? '' : `; head alone on the frozen base ${headAccuracy.toFixed(2)}%`}`,
        });
      }
      tf.dispose([train.x, train.y, test.x, test.y]);
    }
  },
};

export default suite;
