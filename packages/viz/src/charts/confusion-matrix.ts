import { ConfigError, DataError } from '@tensorfold/core';
import { classIds, type Values } from '../data.js';
import { COLOR_MAPS, contrastText, hex } from '../svg/colors.js';
import { el } from '../svg/element.js';
import { type Figure, figure } from '../svg/figure.js';
import { fitText, text, textWidth } from '../svg/text.js';

/** Options of {@link confusionMatrix} and {@link confusionMatrixFromCounts}. */
export interface ConfusionMatrixOptions {
  /** Names of the classes, in id order. Default `0`, `1`, ... */
  classNames?: string[];
  /**
   * `none` (counts), `true` (each row sums to 1: recall per class), `pred` (each column sums to 1:
   * precision per class) or `all` (everything sums to 1). Cell colours follow it. Default `none`.
   */
  normalize?: 'none' | 'true' | 'pred' | 'all';
  /** How many classes. Default: the largest id seen + 1, or the number of class names. */
  numClasses?: number;
  /** Default `Confusion matrix`. */
  title?: string;
  /** Cell size in px. Default: 48 for up to 8 classes, smaller for more (at least 16). */
  cellSize?: number;
}

/** Counts `[true][predicted]` for class ids below `k`. */
export function countConfusion(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  k: number,
): number[][] {
  if (labels.length !== predictions.length)
    throw new DataError(
      `There are ${labels.length} labels but ${predictions.length} predictions; give one prediction per label.`,
    );
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    const p = predictions[i];
    if (!(t >= 0 && t < k && p >= 0 && p < k))
      throw new DataError(
        `Sample ${i} has label ${t} and prediction ${p}, outside the ${k} classes 0..${k - 1}.`,
      );
    m[t][p]++;
  }
  return m;
}

/**
 * The confusion matrix of class predictions: rows are true classes, columns predicted ones. Labels
 * and predictions are class ids `[samples]` or scores `[samples, classes]` (their argmax is taken).
 */
export async function confusionMatrix(
  labels: Values,
  predictions: Values,
  options: ConfusionMatrixOptions = {},
): Promise<Figure> {
  const t = await classIds(labels, 'labels');
  const p = await classIds(predictions, 'predictions');
  let maxId = -1;
  for (const v of t) maxId = Math.max(maxId, v);
  for (const v of p) maxId = Math.max(maxId, v);
  const k = options.numClasses ?? Math.max(maxId + 1, options.classNames?.length ?? 0);
  return confusionMatrixFromCounts(countConfusion(t, p, k), options);
}

/** Draws a confusion matrix already counted: `counts[trueClass][predictedClass]`. */
export function confusionMatrixFromCounts(counts: number[][], options: ConfusionMatrixOptions = {}): Figure {
  const k = counts.length;
  if (k === 0) throw new DataError('The confusion matrix is empty: there are no classes to draw.');
  for (const [i, row] of counts.entries())
    if (row.length !== k)
      throw new DataError(
        `Row ${i} of the confusion matrix has ${row.length} columns; a matrix of ${k} classes needs ${k}.`,
      );
  const names = options.classNames ?? counts.map((_, i) => String(i));
  if (names.length !== k)
    throw new ConfigError(`${names.length} class names for ${k} classes; give exactly one name per class.`);
  const normalize = options.normalize ?? 'none';
  const rowSums = counts.map((r) => r.reduce((a, b) => a + b, 0));
  const colSums = names.map((_, j) => counts.reduce((a, r) => a + r[j], 0));
  const total = rowSums.reduce((a, b) => a + b, 0);
  const share = (i: number, j: number): number => {
    const c = counts[i][j];
    const d = normalize === 'true' ? rowSums[i] : normalize === 'pred' ? colSums[j] : total;
    return d > 0 ? c / d : 0;
  };
  const maxCount = Math.max(1, ...counts.flat());
  const shade = (i: number, j: number) => (normalize === 'none' ? counts[i][j] / maxCount : share(i, j));
  const cell = options.cellSize ?? Math.max(16, Math.min(48, Math.floor(420 / k)));
  const font = Math.max(7, Math.min(11, cell / 4));
  const labelW = Math.max(...names.map((n) => textWidth(n, 11)));
  const rotate = labelW > cell - 4;
  const left = 30 + Math.min(labelW, 120) + 8;
  const top = 40;
  const gridW = cell * k;
  const bottomLabels = rotate ? Math.min(labelW, 120) + 10 : 18;
  const legendX = left + gridW + 16;
  const title =
    options.title ??
    (normalize === 'none'
      ? 'Confusion matrix'
      : `Confusion matrix (normalized over ${normalize === 'all' ? 'all samples' : normalize === 'true' ? 'true classes' : 'predictions'})`);
  const width = Math.max(legendX + 70, Math.ceil(textWidth(title, 13)) + 24);
  const height = top + gridW + bottomLabels + 26;

  const cells: string[] = [];
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const rgb = COLOR_MAPS.blues(shade(i, j));
      const x = left + j * cell;
      const y = top + i * cell;
      const label = normalize === 'none' ? String(counts[i][j]) : share(i, j).toFixed(2);
      cells.push(
        el('g', { class: 'cell', 'data-row': i, 'data-col': j, 'data-count': counts[i][j] }, [
          el('rect', { x, y, width: cell, height: cell, fill: hex(rgb), stroke: '#ffffff' }),
          cell >= 20
            ? text(x + cell / 2, y + cell / 2, fitText(label, cell - 2, font), {
                size: font,
                anchor: 'middle',
                fill: contrastText(rgb),
                className: 'value',
              })
            : '',
        ]),
      );
    }
  const rowLabels = names.map((n, i) =>
    text(left - 6, top + i * cell + cell / 2, fitText(n, 120, 11), {
      anchor: 'end',
      className: 'class-label row',
    }),
  );
  const colLabels = names.map((n, j) => {
    const x = left + j * cell + cell / 2;
    return rotate
      ? text(x, top + gridW + 6, fitText(n, 120, 11), {
          anchor: 'end',
          rotate: -90,
          className: 'class-label col',
        })
      : text(x, top + gridW + 10, n, { anchor: 'middle', className: 'class-label col' });
  });
  // Colour bar: what a shade means.
  const steps = 20;
  const barH = Math.min(gridW, 160);
  const bar = Array.from({ length: steps }, (_, s) =>
    el('rect', {
      x: legendX,
      y: top + (barH * (steps - 1 - s)) / steps,
      width: 12,
      height: barH / steps + 0.5,
      fill: hex(COLOR_MAPS.blues(s / (steps - 1))),
    }),
  );
  const hi = normalize === 'none' ? String(maxCount) : '1';
  const legend = el('g', { class: 'legend' }, [
    ...bar,
    text(legendX + 16, top, hi, { size: 10 }),
    text(legendX + 16, top + barH, '0', { size: 10 }),
  ]);
  const correct = counts.reduce((a, r, i) => a + r[i], 0);
  const body = [
    el('g', { class: 'cells' }, cells),
    el('g', { class: 'labels' }, [...rowLabels, ...colLabels]),
    text(12, top + gridW / 2, 'true label', { anchor: 'middle', rotate: -90, className: 'label y' }),
    text(left + gridW / 2, height - 12, 'predicted label', { anchor: 'middle', className: 'label x' }),
    legend,
  ].join('');
  return figure({
    width,
    height,
    title,
    description: `Confusion matrix of ${k} classes (${names.join(', ')}) over ${total} samples; ${correct} on the diagonal (accuracy ${total ? ((100 * correct) / total).toFixed(1) : '0'}%). Rows are true classes, columns predicted classes.`,
    body,
  });
}
