import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';
import { argmax, classIds, readValues, type Values } from '../data.js';
import { categorical, paletteNote } from '../svg/colors.js';
import type { Figure } from '../svg/figure.js';
import { type CellMark, type LegendEntry, type PointMark, plot } from './plot.js';

/** Options of {@link decisionBoundary}. */
export interface DecisionBoundaryOptions {
  /** Grid cells per side where the classifier is evaluated. Default 80. */
  resolution?: number;
  /** Margin around the data, as a fraction of its extent. Default 0.1. */
  padding?: number;
  /** Class names. Default `0`, `1`, ... */
  classNames?: string[];
  /** Default `Decision boundary`. */
  title?: string;
  /** Width in px. Default 440. */
  width?: number;
  /** Height in px. Default 380. */
  height?: number;
}

/**
 * The regions a 2-D classifier assigns to each class, with its data on top. `predict` maps points
 * `[m, 2]` to scores `[m, classes]` (argmax taken) or `[m, 1]`/`[m]` (threshold 0.5); it is called once on
 * the whole grid, inside `tidy`. `points` are `[n, 2]`, `labels` class ids `[n]` or one-hot.
 */
export async function decisionBoundary(
  predict: (x: tf.Tensor2D) => tf.Tensor,
  points: Values,
  labels: Values,
  options: DecisionBoundaryOptions = {},
): Promise<Figure> {
  const { data, shape } = await readValues(points, 'points');
  if (shape.length !== 2 || shape[1] !== 2)
    throw new DataError(
      `decisionBoundary needs points of shape [n, 2] (two input features), got [${shape}].`,
    );
  const n = shape[0];
  const ids = await classIds(labels, 'labels');
  if (ids.length !== n)
    throw new DataError(`${ids.length} labels for ${n} points; give one label per point.`);
  const res = options.resolution ?? 80;
  if (!(Number.isInteger(res) && res >= 2 && res <= 1000))
    throw new ConfigError(`resolution must be a whole number from 2 to 1000, got ${res}.`);
  const pad = options.padding ?? 0.1;
  const range = (c: number) => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, data[i * 2 + c]);
      hi = Math.max(hi, data[i * 2 + c]);
    }
    if (!(hi >= lo)) throw new DataError('decisionBoundary got no finite points.');
    const m = (hi - lo || 1) * pad;
    return [lo - m, hi + m] as const;
  };
  const [x0, x1] = range(0);
  const [y0, y1] = range(1);
  const dx = (x1 - x0) / res;
  const dy = (y1 - y0) / res;
  const grid = new Float32Array(res * res * 2); // [res * res, 2], cell centres, row by row from the bottom
  for (let r = 0; r < res; r++)
    for (let c = 0; c < res; c++) {
      grid[(r * res + c) * 2] = x0 + (c + 0.5) * dx;
      grid[(r * res + c) * 2 + 1] = y0 + (r + 0.5) * dy;
    }
  const scores = tf.tidy(() => predict(tf.tensor2d(grid, [res * res, 2])));
  let values: ArrayLike<number>;
  let k: number;
  try {
    if (scores.shape[0] !== res * res)
      throw new DataError(
        `predict returned shape [${scores.shape}] for ${res * res} points; it must return one row per point.`,
      );
    values = await scores.data();
    k = scores.rank === 1 ? 1 : scores.shape[1]!;
  } finally {
    scores.dispose();
  }
  const cellClass = (i: number) => (k === 1 ? (values[i] >= 0.5 ? 1 : 0) : argmax(values, i * k, k));
  const classes = Math.max(k === 1 ? 2 : k, Math.max(...ids) + 1);
  const names = options.classNames ?? Array.from({ length: classes }, (_, i) => String(i));
  // One rectangle per run of equal cells along a row.
  const cells: CellMark = { type: 'cells', x0: [], x1: [], y0: [], y1: [], color: [], opacity: 0.28 };
  for (let r = 0; r < res; r++) {
    let start = 0;
    for (let c = 1; c <= res; c++) {
      const here = cellClass(r * res + start);
      if (c < res && cellClass(r * res + c) === here) continue;
      cells.x0.push(x0 + start * dx);
      cells.x1.push(x0 + c * dx);
      cells.y0.push(y0 + r * dy);
      cells.y1.push(y0 + (r + 1) * dy);
      cells.color.push(categorical(here));
      start = c;
    }
  }
  const marks: (CellMark | PointMark)[] = [cells];
  for (let c = 0; c < classes; c++) {
    const idx = [...ids.keys()].filter((i) => ids[i] === c);
    if (idx.length)
      marks.push({
        type: 'points',
        name: names[c],
        x: idx.map((i) => data[i * 2]),
        y: idx.map((i) => data[i * 2 + 1]),
        color: categorical(c),
        stroke: '#ffffff',
      });
  }
  const legend: LegendEntry[] = names.map((name, c) => ({
    label: name,
    color: categorical(c),
    shape: 'point',
  }));
  const note = paletteNote(names.length);
  return plot({
    title: options.title ?? 'Decision boundary',
    width: options.width ?? 440,
    height: options.height ?? 380,
    x: { label: 'x1', domain: [x0, x1] },
    y: { label: 'x2', domain: [y0, y1] },
    marks,
    legend,
    notes: note ? [note] : [],
    description: `Regions of ${classes} classes that the classifier predicts over a ${res} by ${res} grid, with ${n} data points coloured by their true class.`,
  });
}
