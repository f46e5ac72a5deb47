import { describe, expect, it } from 'vitest';
import { MAX_COLOURED_CLASSES, projectEmbedding } from './commands/board-projector.js';

/** Orthonormal directions in 5-D (a rotated basis, so no component is axis-aligned). */
const s = Math.SQRT1_2;
const u = [
  [s, s, 0, 0, 0],
  [0, 0, s, s, 0],
  [0.5, -0.5, 0.5, -0.5, 0],
];

describe('board projector: PCA to 3-D', () => {
  it('finds known principal components: ±3u1, ±2u2, ±1u3 explain 9:4:1 of the variance', async () => {
    // Each point is ±a_k u_k plus an offset (PCA centres the data): the covariance is diagonal in u.
    const scales = [3, 2, 1];
    const rows: number[][] = [];
    const labels: string[] = [];
    for (let k = 0; k < 3; k++)
      for (const sign of [1, -1]) {
        rows.push(u[k].map((v) => sign * scales[k] * v + 10));
        labels.push(`pc${k + 1}`);
      }
    const p = await projectEmbedding(rows.flat(), 6, 5, labels, 'known');
    expect(p.explained[0]).toBeCloseTo(9 / 14, 6);
    expect(p.explained[1]).toBeCloseTo(4 / 14, 6);
    expect(p.explained[2]).toBeCloseTo(1 / 14, 6);
    // The point +a_k u_k lands at ±a_k on axis k and 0 on the others.
    for (let k = 0; k < 3; k++) {
      const point = p.points[2 * k];
      for (let c = 0; c < 3; c++) expect(Math.abs(point[c])).toBeCloseTo(c === k ? scales[k] : 0, 6);
      expect(p.points[2 * k + 1][k]).toBeCloseTo(-point[k], 6);
    }
    expect(p.classes.map((c) => c.name)).toEqual(['pc1', 'pc2', 'pc3']);
    expect(p.classOf).toEqual([0, 0, 1, 1, 2, 2]);
    // The 2-D view is viz's scatter of the first two components: one dot per point, by class.
    expect(
      p.svg2d
        .match(/<g class="mark points"[\s\S]*?<\/g>/g)
        ?.join('')
        .match(/<circle/g),
    ).toHaveLength(6);
    expect(p.svg2d).toContain('PC1 (64.3% of variance)');
  });

  it('pads data of fewer than 3 dimensions and leaves too many labels uncoloured', async () => {
    const n = MAX_COLOURED_CLASSES + 1;
    const vectors = Array.from({ length: n * 2 }, (_, i) => Math.sin(i));
    const p = await projectEmbedding(
      vectors,
      n,
      2,
      Array.from({ length: n }, (_, i) => `w${i}`),
      'words',
    );
    expect(p.points.every((q) => q[2] === 0)).toBe(true);
    expect(p.classes).toEqual([]);
    expect(p.note).toMatch(/21 distinct labels: too many to colour/);
    expect((await projectEmbedding(vectors, n, 2, null, 'plain')).note).toBe('no labels logged');
  });
});
