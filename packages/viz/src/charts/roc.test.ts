import { DataError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { byClass, parseSvg } from '../test-utils/svg.js';
import { prCurve, prPoints, rocCurve, rocPoints } from './roc.js';

describe('ROC and precision-recall', () => {
  it('computes the ROC points and AUC by hand', () => {
    // Scores 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.1 (neg): AUC is 3 of 4 pairs ordered right.
    const c = rocPoints([true, false, true, false], [0.9, 0.8, 0.7, 0.1]);
    expect(c.x).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(c.y).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(c.area).toBeCloseTo(0.75, 12);
  });

  it('treats tied scores as one threshold', () => {
    const c = rocPoints([true, false], [0.5, 0.5]);
    expect(c.x).toEqual([0, 1]);
    expect(c.y).toEqual([0, 1]);
    expect(c.area).toBeCloseTo(0.5, 12);
  });

  it('computes precision, recall and average precision', () => {
    const c = prPoints([true, false, true, false], [0.9, 0.8, 0.7, 0.1]);
    expect(c.x).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(c.y.map((v) => Number(v.toFixed(4)))).toEqual([1, 1, 0.5, 0.6667, 0.5]);
    expect(c.area).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
  });

  it('draws one curve per class from [samples, classes] scores, with AUC in the legend', async () => {
    const fig = await rocCurve(
      [0, 1, 2, 1],
      [
        [0.8, 0.1, 0.1],
        [0.2, 0.7, 0.1],
        [0.1, 0.2, 0.7],
        [0.3, 0.4, 0.3],
      ],
      { classNames: ['a', 'b', 'c'] },
    );
    const doc = parseSvg(fig.svg);
    const named = byClass(doc, 'mark line').filter((m) => m.attrs['data-name']);
    expect(named.map((m) => m.attrs['data-name'])).toEqual([
      'a (AUC 1.000)',
      'b (AUC 1.000)',
      'c (AUC 1.000)',
    ]);
    const pr = await prCurve([1, 0, 1], [0.9, 0.2, 0.4]);
    expect(pr.svg).toContain('AP 1.000');
  });

  it('needs both classes and finite scores', () => {
    expect(() => rocPoints([true, true], [0.1, 0.2])).toThrow(/2 positives and 0 negatives/);
    expect(() => rocPoints([true, false], [Number.NaN, 0.2])).toThrow(DataError);
    expect(() => rocPoints([true], [0.1, 0.2])).toThrow(/1 labels but 2 scores/);
  });
});

describe('more classes than colours', () => {
  it('cycles the colours of one-vs-rest curves and says so', async () => {
    const k = 12;
    const labels = Array.from({ length: 2 * k }, (_, i) => i % k);
    const scores = labels.map((c, i) =>
      Array.from({ length: k }, (_, j) => (j === c ? 0.5 + (i % 3) * 0.1 : 0.3)),
    );
    const fig = await rocCurve(labels, scores);
    expect(fig.notes[0]).toMatch(/12 classes but 10 colours/);
    const lines = byClass(parseSvg(fig.svg), 'mark line').filter((m) => m.attrs['data-name']);
    const stroke = (i: number) => lines[i].children[0].attrs.stroke;
    expect(stroke(10)).toBe(stroke(0));
  });
});
