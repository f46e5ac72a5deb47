/**
 * Time to draw the pictures training produces: a 100-epoch history (loss and accuracy, training and
 * validation) and a 10 x 10 confusion matrix, to an SVG string and to PNG bytes (resvg with the
 * bundled font, in Node), and a 25-image grid written straight to PNG. There is no JavaScript peer
 * that draws the same in Node (tfjs-vis needs a browser), so the "peer" column is the budget issue 19
 * set: 50 ms to SVG, 200 ms to PNG; the ratio is budget / time (> 1: within budget).
 */
import * as tf from '@tensorflow/tfjs-core';
import { confusionMatrixFromCounts, history, imageGridPng, toPng } from '@tensorfold/viz/node';
import { type BenchContext, type Suite, timeIt } from '../harness.js';

function fakeHistory(epochs: number) {
  const loss = Array.from({ length: epochs }, (_, i) => 2 * Math.exp(-i / 20) + 0.1 + 0.02 * Math.sin(i));
  return {
    loss,
    val_loss: loss.map((v, i) => v * 1.08 + (i > 60 ? (i - 60) * 0.004 : 0)),
    accuracy: loss.map((v) => 1 - v / 2.3),
    val_accuracy: loss.map((v, i) => 0.97 - v / 2.3 - (i > 60 ? (i - 60) * 0.001 : 0)),
  };
}

const suite: Suite = {
  name: 'viz',
  description: 'history and confusion matrix to SVG and PNG, image grid to PNG, against issue 19 budgets',
  backends: ['cpu', 'wasm'],
  async run(ctx: BenchContext) {
    const h = fakeHistory(100);
    const counts = Array.from({ length: 10 }, (_, i) =>
      Array.from({ length: 10 }, (_, j) => (i === j ? 900 + 7 * i : (i * 31 + j * 17) % 40)),
    );
    const names = [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ];
    const options = { minTimeMs: ctx.quick ? 200 : 1500, warmup: 3 };
    const cases: Array<{ name: string; budget: number; fn: () => unknown | Promise<unknown> }> = [
      { name: '100-epoch history (4 series) to SVG', budget: 50, fn: () => history(h).svg.length },
      { name: '100-epoch history (4 series) to PNG', budget: 200, fn: () => toPng(history(h)).length },
      {
        name: '10x10 confusion matrix to SVG',
        budget: 50,
        fn: () => confusionMatrixFromCounts(counts, { classNames: names }).svg.length,
      },
      {
        name: '10x10 confusion matrix to PNG',
        budget: 200,
        fn: () => toPng(confusionMatrixFromCounts(counts, { classNames: names })).length,
      },
    ];
    const images = tf.randomUniform([25, 28, 28, 1], 0, 1, 'float32', 7);
    cases.push({
      name: '25 28x28 images to a PNG grid (fast-png, no SVG)',
      budget: 200,
      fn: async () => (await imageGridPng(images)).length,
    });
    for (const c of cases) {
      const t = await timeIt(c.fn, options);
      ctx.report({
        suite: 'viz',
        case: c.name,
        unit: 'ms',
        value: t.medianMs,
        peer: c.budget,
        peerName: 'budget of issue 19',
        higherIsBetter: false,
        note: `median of ${t.runs}`,
      });
    }
    images.dispose();
  },
};

export default suite;
