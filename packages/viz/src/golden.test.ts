/**
 * Golden images: fixed figures drawn to PNG in Node and compared with the PNGs committed in
 * test/golden/, with a tolerance for renderer differences (resvg updates, anti-aliasing). A change in
 * layout, colours or marks fails here; run with `UPDATE_GOLDEN=1` to accept a change on purpose, and
 * look at the new files before committing them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { confusionMatrixFromCounts } from './charts/confusion-matrix.js';
import { history } from './charts/history.js';
import { scatter } from './charts/scatter.js';
import { imageGrid } from './images/image-grid.js';
import { toPng } from './node/png.js';
import type { Figure } from './svg/figure.js';
import { comparePngs } from './test-utils/compare.js';
import { useCpu } from './test-utils/setup.js';

const DIR = join(import.meta.dirname, '..', 'test', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

beforeAll(useCpu);

const cases: Record<string, () => Promise<Figure> | Figure> = {
  history: () =>
    history({
      loss: [1.2, 0.8, 0.55, 0.42, 0.36, 0.33, 0.31, 0.3],
      val_loss: [1.3, 0.9, 0.7, 0.62, Number.NaN, 0.6, 0.63, 0.66],
      acc: [0.55, 0.7, 0.8, 0.85, 0.88, 0.9, 0.91, 0.92],
      val_acc: [0.5, 0.66, 0.74, 0.78, 0.79, 0.8, 0.79, 0.79],
    }),
  confusion: () =>
    confusionMatrixFromCounts(
      [
        [50, 3, 2],
        [4, 41, 9],
        [1, 6, 44],
      ],
      { classNames: ['setosa', 'versicolor', 'virginica'], normalize: 'true' },
    ),
  scatter: () =>
    scatter(
      Array.from({ length: 30 }, (_, i) => [Math.cos(i) * (1 + (i % 3)), Math.sin(i) * (1 + (i % 3))]),
      { labels: Array.from({ length: 30 }, (_, i) => i % 3), classNames: ['a', 'b', 'c'] },
    ),
  grid: async () => {
    const images = tf.tidy(() => tf.div(tf.reshape(tf.range(0, 6 * 6 * 6 * 3), [6, 6, 6, 3]), 6 * 6 * 6 * 3));
    const fig = await imageGrid(images, {
      labels: [0, 1, 2, 0, 1, 2],
      predictions: [0, 1, 1, 0, 2, 2],
      scale: 6,
    });
    images.dispose();
    return fig;
  },
};

describe('golden images', () => {
  for (const [name, make] of Object.entries(cases)) {
    it(`${name} matches test/golden/${name}.png`, async () => {
      const png = toPng(await make());
      const file = join(DIR, `${name}.png`);
      if (update || !existsSync(file)) {
        mkdirSync(DIR, { recursive: true });
        writeFileSync(file, png);
        if (!update)
          expect.fail(`No golden image ${file}: written now; look at it, commit it and run again.`);
        return;
      }
      const diff = comparePngs(png, new Uint8Array(readFileSync(file)));
      expect(diff.differing, `${(diff.differing * 100).toFixed(3)}% of pixels differ`).toBeLessThan(0.002);
      expect(diff.mean).toBeLessThan(0.5);
    });
  }
});
