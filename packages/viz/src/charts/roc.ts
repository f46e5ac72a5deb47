import { DataError } from '@tensorfold/core';
import { readValues, type Values } from '../data.js';
import { categorical, paletteNote } from '../svg/colors.js';
import type { Figure } from '../svg/figure.js';
import { type LineMark, plot } from './plot.js';

/** Points of a ROC or precision-recall curve and the area it sums to. */
export interface Curve {
  x: number[];
  y: number[];
  /** ROC: area under the curve (trapezoids). PR: average precision (steps). */
  area: number;
}

function order(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

function counts(positive: ArrayLike<boolean>, scores: ArrayLike<number>) {
  const idx = order(scores);
  const tp: number[] = [0];
  const fp: number[] = [0];
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r];
    const last = tp.length - 1;
    const t = tp[last] + (positive[i] ? 1 : 0);
    const f = fp[last] + (positive[i] ? 0 : 1);
    // Tied scores form one threshold: only the last of a run of ties becomes a point.
    if (r > 0 && scores[idx[r - 1]] === scores[i]) {
      tp[last] = t;
      fp[last] = f;
    } else {
      tp.push(t);
      fp.push(f);
    }
  }
  return { tp, fp };
}

function checkBoth(positive: ArrayLike<boolean>, scores: ArrayLike<number>, what: string): [number, number] {
  if (positive.length !== scores.length)
    throw new DataError(`${positive.length} labels but ${scores.length} scores; give one score per label.`);
  for (let i = 0; i < scores.length; i++)
    if (!Number.isFinite(scores[i]))
      throw new DataError(`Score ${i} is ${scores[i]}; a ${what} needs finite scores.`);
  let p = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) p++;
  const n = positive.length - p;
  if (p === 0 || n === 0)
    throw new DataError(
      `A ${what} needs both positive and negative samples, but there are ${p} positives and ${n} negatives.`,
    );
  return [p, n];
}

/** The ROC curve (false positive rate, true positive rate) of scores against binary labels. */
export function rocPoints(positive: ArrayLike<boolean>, scores: ArrayLike<number>): Curve {
  const [p, n] = checkBoth(positive, scores, 'ROC curve');
  const { tp, fp } = counts(positive, scores);
  const x = fp.map((v) => v / n);
  const y = tp.map((v) => v / p);
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return { x, y, area };
}

/** The precision-recall curve (recall, precision) of scores against binary labels. */
export function prPoints(positive: ArrayLike<boolean>, scores: ArrayLike<number>): Curve {
  const [p] = checkBoth(positive, scores, 'precision-recall curve');
  const { tp, fp } = counts(positive, scores);
  const x = [0];
  const y = [1];
  let area = 0;
  for (let i = 1; i < tp.length; i++) {
    const recall = tp[i] / p;
    const precision = tp[i] / (tp[i] + fp[i]);
    area += (recall - x[x.length - 1]) * precision;
    x.push(recall);
    y.push(precision);
  }
  return { x, y, area };
}

/** Options of {@link rocCurve} and {@link prCurve}. */
export interface CurveOptions {
  /** Class names for one-vs-rest curves of `[samples, classes]` scores. Default `class 0`, ... */
  classNames?: string[];
  /** Title. Default `ROC curve` / `Precision-recall curve`. */
  title?: string;
  /** Width in px. Default 500. */
  width?: number;
  /** Height in px. Default 340. */
  height?: number;
}

async function oneVsRest(labels: Values, scores: Values, names?: string[]) {
  const s = await readValues(scores, 'scores');
  const l = await readValues(labels, 'labels');
  if (s.shape.length === 1 || (s.shape.length === 2 && s.shape[1] === 1)) {
    const positive = Array.from(l.data, (v) => v >= 0.5);
    return [{ name: names?.[1] ?? 'positive', positive, scores: Array.from(s.data) }];
  }
  if (s.shape.length !== 2)
    throw new DataError(`Scores have shape [${s.shape}]; give [samples] (binary) or [samples, classes].`);
  const [n, k] = s.shape;
  const ids =
    l.shape.length === 2 && l.shape[1] === k
      ? Array.from({ length: n }, (_, i) => {
          let b = 0;
          for (let j = 1; j < k; j++) if (l.data[i * k + j] > l.data[i * k + b]) b = j;
          return b;
        })
      : Array.from(l.data, Math.round);
  return Array.from({ length: k }, (_, c) => ({
    name: names?.[c] ?? `class ${c}`,
    positive: ids.map((id) => id === c),
    scores: Array.from({ length: n }, (_, i) => s.data[i * k + c]),
  }));
}

/**
 * ROC curves from predictions: binary labels with scores `[samples]`, or class ids (or one-hot)
 * with scores `[samples, classes]` (one curve per class, one-vs-rest). The legend gives each AUC.
 */
export async function rocCurve(labels: Values, scores: Values, options: CurveOptions = {}): Promise<Figure> {
  const sets = await oneVsRest(labels, scores, options.classNames);
  const marks: LineMark[] = [{ type: 'line', x: [0, 1], y: [0, 1], color: '#999', dash: true, width: 1 }];
  const aucs: string[] = [];
  sets.forEach((set, i) => {
    const c = rocPoints(set.positive, set.scores);
    aucs.push(`${set.name} ${c.area.toFixed(3)}`);
    marks.push({
      type: 'line',
      name: `${set.name} (AUC ${c.area.toFixed(3)})`,
      x: c.x,
      y: c.y,
      color: categorical(i),
    });
  });
  return plot({
    title: options.title ?? 'ROC curve',
    width: options.width ?? 500,
    height: options.height ?? 340,
    x: { label: 'false positive rate', domain: [0, 1] },
    y: { label: 'true positive rate', domain: [0, 1] },
    marks,
    notes: sets.length > 1 && paletteNote(sets.length) ? [paletteNote(sets.length) as string] : [],
    description: `ROC curve${sets.length > 1 ? 's, one per class' : ''}; area under the curve: ${aucs.join(', ')}. The dashed diagonal is chance.`,
  });
}

/** Precision-recall curves from predictions, as {@link rocCurve}; the legend gives average precision. */
export async function prCurve(labels: Values, scores: Values, options: CurveOptions = {}): Promise<Figure> {
  const sets = await oneVsRest(labels, scores, options.classNames);
  const aps: string[] = [];
  const marks: LineMark[] = sets.map((set, i) => {
    const c = prPoints(set.positive, set.scores);
    aps.push(`${set.name} ${c.area.toFixed(3)}`);
    return {
      type: 'line',
      name: `${set.name} (AP ${c.area.toFixed(3)})`,
      x: c.x,
      y: c.y,
      color: categorical(i),
    };
  });
  return plot({
    title: options.title ?? 'Precision-recall curve',
    width: options.width ?? 500,
    height: options.height ?? 340,
    x: { label: 'recall', domain: [0, 1] },
    y: { label: 'precision', domain: [0, 1.05] },
    marks,
    notes: sets.length > 1 && paletteNote(sets.length) ? [paletteNote(sets.length) as string] : [],
    description: `Precision-recall curve${sets.length > 1 ? 's, one per class' : ''}; average precision: ${aps.join(', ')}.`,
  });
}
