import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { byClass, parseSvg, textOf } from '../test-utils/svg.js';
import { confusionMatrix, confusionMatrixFromCounts, countConfusion } from './confusion-matrix.js';

beforeAll(useCpu);

describe('confusionMatrix', () => {
  it('counts true classes in rows and predictions in columns, from ids or scores', async () => {
    const labels = [0, 0, 1, 2, 2, 2];
    const scores = tf.tensor2d([
      [0.9, 0.1, 0],
      [0.2, 0.7, 0.1],
      [0, 1, 0],
      [0, 0, 1],
      [0.6, 0.2, 0.2],
      [0.1, 0.1, 0.8],
    ]);
    const fig = await confusionMatrix(labels, scores, { classNames: ['cat', 'dog', 'bird'] });
    scores.dispose();
    const doc = parseSvg(fig.svg);
    const cells = byClass(doc, 'cell');
    expect(cells).toHaveLength(9);
    const at = (r: number, c: number) =>
      cells.find((n) => n.attrs['data-row'] === String(r) && n.attrs['data-col'] === String(c))!;
    expect(textOf(at(0, 0))).toBe('1');
    expect(textOf(at(0, 1))).toBe('1');
    expect(textOf(at(2, 0))).toBe('1');
    expect(textOf(at(2, 2))).toBe('2');
    // Rows go down, columns across: cell (2, 0) is left of and below cell (0, 2).
    const rect = (r: number, c: number) => at(r, c).children[0].attrs;
    expect(Number(rect(2, 0).y)).toBeGreaterThan(Number(rect(0, 2).y));
    expect(Number(rect(2, 0).x)).toBeLessThan(Number(rect(0, 2).x));
    expect(byClass(doc, 'class-label row').map(textOf)).toEqual(['cat', 'dog', 'bird']);
    expect(byClass(doc, 'class-label col').map(textOf)).toEqual(['cat', 'dog', 'bird']);
    expect(fig.svg).toContain('accuracy 66.7%');
  });

  it('normalizes over true classes, predictions or everything, and colours darker for larger shares', () => {
    const counts = [
      [3, 1],
      [0, 4],
    ];
    const cellText = (normalize: 'true' | 'pred' | 'all') =>
      byClass(parseSvg(confusionMatrixFromCounts(counts, { normalize }).svg), 'value').map(textOf);
    expect(cellText('true')).toEqual(['0.75', '0.25', '0.00', '1.00']);
    expect(cellText('pred')).toEqual(['1.00', '0.20', '0.00', '0.80']);
    expect(cellText('all')).toEqual(['0.38', '0.13', '0.00', '0.50']);
    const fills = byClass(parseSvg(confusionMatrixFromCounts(counts).svg), 'cell').map(
      (c) => c.children[0].attrs.fill,
    );
    const darkness = (hex: string) =>
      765 - [1, 3, 5].reduce((s, i) => s + Number.parseInt(hex.slice(i, i + 2), 16), 0);
    expect(darkness(fills[3])).toBeGreaterThan(darkness(fills[0]));
    expect(darkness(fills[0])).toBeGreaterThan(darkness(fills[1]));
  });

  it('rejects mismatched lengths, ids out of range and ragged matrices', () => {
    expect(() => countConfusion([0, 1], [0], 2)).toThrow(/2 labels but 1 predictions/);
    expect(() => countConfusion([0, 3], [0, 1], 2)).toThrow(DataError);
    expect(() => confusionMatrixFromCounts([[1, 2], [3]])).toThrow(/Row 1 .* 1 columns/);
    expect(() => confusionMatrixFromCounts([[1]], { classNames: ['a', 'b'] })).toThrow(
      /2 class names for 1 classes/,
    );
  });

  it('draws 10 classes with long names rotated under the columns', () => {
    const k = 10;
    const counts = Array.from({ length: k }, (_, i) =>
      Array.from({ length: k }, (_, j) => (i === j ? 50 : 1)),
    );
    const names = Array.from({ length: k }, (_, i) => `class number ${i}`);
    const doc = parseSvg(confusionMatrixFromCounts(counts, { classNames: names }).svg);
    const cols = byClass(doc, 'class-label col');
    expect(cols).toHaveLength(10);
    expect(cols[0].attrs.transform).toMatch(/^rotate\(-90 /);
  });
});

describe('confusionMatrix text', () => {
  it('escapes class names so the SVG stays well formed', () => {
    const fig = confusionMatrixFromCounts(
      [
        [1, 0],
        [0, 1],
      ],
      { classNames: ['<cat & "co">', "dog's"] },
    );
    const doc = parseSvg(fig.svg);
    expect(byClass(doc, 'class-label row').map(textOf)).toEqual(['<cat & "co">', "dog's"]);
    expect(fig.svg).not.toContain('<cat');
  });
});
