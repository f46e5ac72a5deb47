import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PALETTE } from '../svg/colors.js';
import { useCpu } from '../test-utils/setup.js';
import { byClass, findAll, parseSvg, textOf } from '../test-utils/svg.js';
import { pca } from './pca.js';
import { scatter } from './scatter.js';

beforeAll(useCpu);

describe('pca', () => {
  it('finds the direction of largest variance and its share', () => {
    // Points along (1, 1, 0) with a little spread along (1, -1, 0).
    const rows = [-2, -1, 0, 1, 2].flatMap((t, i) => {
      const e = i % 2 ? 0.1 : -0.1;
      return [t + e, t - e, 0];
    });
    const { projected, explained } = pca(rows, 5, 3, 2);
    const s = Math.SQRT2;
    expect([0, 1, 2, 3, 4].map((i) => projected[i * 2])).toEqual(
      [-2, -1, 0, 1, 2].map((t) => expect.closeTo(t * s, 6)),
    );
    expect(explained[0]).toBeGreaterThan(0.99);
    expect(explained[0] + explained[1]).toBeCloseTo(1, 8);
  });
});

describe('scatter', () => {
  it('draws one coloured group per class and a legend', async () => {
    const fig = await scatter(
      tf.tensor2d([
        [0, 0],
        [1, 1],
        [2, 0],
      ]),
      { labels: [0, 1, 0], classNames: ['a', 'b'] },
    );
    const doc = parseSvg(fig.svg);
    const groups = byClass(doc, 'mark points');
    expect(groups.map((g) => g.attrs['data-name'])).toEqual(['a', 'b']);
    expect(findAll(groups[0], (n) => n.tag === 'circle')).toHaveLength(2);
    expect(findAll(groups[1], (n) => n.tag === 'circle')[0].attrs.fill).toBe(PALETTE[1]);
    expect(byClass(doc, 'legend-label').map(textOf)).toEqual(['a', 'b']);
  });

  it('projects wider data onto two principal components and says so', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => [i, 2 * i, (i * 3) % 5, 1]);
    const fig = await scatter(rows);
    expect(fig.title).toBe('PCA of 4-D data');
    expect(textOf(byClass(parseSvg(fig.svg), 'label x')[0])).toMatch(/^PC1 \(\d+\.\d% of variance\)$/);
  });

  it('cycles colours past ten classes and says so in a note', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => [i, i]);
    const fig = await scatter(rows, { labels: rows.map((_, i) => i) });
    expect(fig.notes[0]).toMatch(/12 classes but 10 colours: colours repeat/);
    const groups = byClass(parseSvg(fig.svg), 'mark points');
    expect(findAll(groups[10], (n) => n.tag === 'circle')[0].attrs.fill).toBe(PALETTE[0]);
  });

  it('rejects one-column data and label counts that do not match', async () => {
    await expect(scatter([[1], [2]])).rejects.toThrow(/shape \[n, 2\].*got \[2,1\]/);
    await expect(scatter([[1, 2]], { labels: [0, 1] })).rejects.toThrow(DataError);
  });
});
