import { join, resolve } from 'node:path';
import { type History, type Model, tf } from '@tensorfold/core';
import { writeAtomically } from '@tensorfold/core/node';
import { confusionMatrix, history, imageGrid, writeFigure } from '@tensorfold/viz/node';

/** What `train --plot DIR` draws from. */
export interface TrainingPlotInput {
  history: History;
  model: Model;
  /** Test images `[n, h, w, c]` and class ids `[n]`. */
  test: { x: tf.Tensor; y: tf.Tensor };
  classNames?: readonly string[];
  /** Most mistakes to show. Default 25. */
  maxMistakes?: number;
}

/**
 * Writes `history.json`, the learning curves, the confusion matrix on the test set and a grid of
 * test mistakes (as SVG and PNG) into `dir`, and returns the files written.
 */
export async function writeTrainingPlots(dir: string, input: TrainingPlotInput): Promise<string[]> {
  const files: string[] = [];
  const path = (name: string) => {
    const p = join(resolve(dir), name);
    files.push(p);
    return p;
  };
  const { history: h, model, test } = input;
  await writeFigure(path('learning-curves.svg'), history(h));
  await writeFigure(path('learning-curves.png'), history(h), { scale: 2 });
  await writeAtomically(path('history.json'), `${JSON.stringify({ epoch: h.epoch, history: h.history })}\n`);

  const scores = model.predict(test.x, { batchSize: 1000 }) as tf.Tensor; // [n, classes]
  try {
    const predicted = tf.tidy(() => tf.argMax(scores, -1)); // [n]
    try {
      const names = input.classNames ? [...input.classNames] : undefined;
      const cm = await confusionMatrix(test.y, predicted, { classNames: names, numClasses: scores.shape[1] });
      await writeFigure(path('confusion-matrix.svg'), cm);
      await writeFigure(path('confusion-matrix.png'), cm, { scale: 2 });
      const labels = await test.y.data();
      const preds = await predicted.data();
      const wrong: number[] = [];
      for (let i = 0; i < labels.length && wrong.length < (input.maxMistakes ?? 25); i++)
        if (labels[i] !== preds[i]) wrong.push(i);
      if (wrong.length > 0) {
        const idx = tf.tensor1d(wrong, 'int32');
        const images = tf.gather(test.x, idx); // [m, h, w, c]
        try {
          const grid = await imageGrid(images, {
            labels: wrong.map((i) => labels[i]),
            predictions: wrong.map((i) => preds[i]),
            classNames: names,
            title: `First ${wrong.length} test mistakes`,
          });
          await writeFigure(path('mistakes.svg'), grid);
          await writeFigure(path('mistakes.png'), grid, { scale: 2 });
        } finally {
          idx.dispose();
          images.dispose();
        }
      }
    } finally {
      predicted.dispose();
    }
  } finally {
    scores.dispose();
  }
  return files;
}
