import { DataError } from '@tensorfold/core';
import { categorical } from '../svg/colors.js';
import { arrange, type Figure } from '../svg/figure.js';
import { type LineMark, plot } from './plot.js';

/**
 * What {@link history} accepts: the `History` that `fit` returns, its `history` record, or the same
 * record read from JSON (`{ "loss": [...], "val_loss": [...] }`; `null` there counts as a missing value).
 */
export type HistoryLike =
  | { history: Record<string, ArrayLike<number | null>>; epoch?: ArrayLike<number> }
  | Record<string, ArrayLike<number | null>>;

/** Options of {@link history}. */
export interface HistoryOptions {
  /** Which metrics get a panel (without `val_`). Default: every logged one, `loss` first. */
  metrics?: string[];
  /** Metrics drawn on a log y scale, or `true` for all. Default none. */
  logScale?: boolean | string[];
  /** What the x axis counts: `epoch` (1-based, as Keras prints) or `step`. Default `epoch`. */
  xLabel?: 'epoch' | 'step';
  /** Panel width in px. Default 420. */
  width?: number;
  /** Panel height in px. Default 280. */
  height?: number;
  /** Panels per row. Default 2. */
  columns?: number;
  /** Title of the whole figure. Default `Training history`. */
  title?: string;
}

/** The logged series of a history-like value. */
export function historySeries(h: HistoryLike): { record: Record<string, number[]>; epochs: number[] } {
  const hasRecord =
    typeof (h as { history?: unknown }).history === 'object' &&
    !Array.isArray((h as { history?: unknown }).history);
  const raw = (hasRecord ? (h as { history: Record<string, ArrayLike<number>> }).history : h) as Record<
    string,
    ArrayLike<number>
  >;
  const record: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number')
      throw new DataError(
        `History entry "${k}" is not a list of numbers; a history maps names to one value per epoch.`,
      );
    record[k] = Array.from(v as ArrayLike<number | null>, (x) => (x === null ? Number.NaN : Number(x)));
  }
  const n = Math.max(0, ...Object.values(record).map((v) => v.length));
  if (n === 0)
    throw new DataError(
      'The history has no epochs: nothing was logged. Train for at least one epoch (the History that fit returns) before plotting.',
    );
  const given = hasRecord ? (h as { epoch?: ArrayLike<number> }).epoch : undefined;
  const epochs = given && given.length === n ? Array.from(given) : Array.from({ length: n }, (_, i) => i);
  return { record, epochs };
}

/**
 * Learning curves as Keras users draw them: one panel per metric (loss, accuracy...), training as a
 * solid line and validation (`val_`) dashed in the same colour. NaN epochs are gaps, and noted.
 */
export function history(h: HistoryLike, options: HistoryOptions = {}): Figure {
  const { record, epochs } = historySeries(h);
  const names = Object.keys(record);
  const base = [...new Set(names.map((k) => k.replace(/^val_/, '')))];
  base.sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
  const metrics = options.metrics ?? base;
  for (const m of metrics)
    if (!(m in record) && !(`val_${m}` in record))
      throw new DataError(`The history has no "${m}" (it logged ${names.join(', ')}). Pick one of those.`);
  const step = options.xLabel === 'step';
  const xs = epochs.map((e) => (step ? e : e + 1));
  const panels = metrics.map((m, i) => {
    const color = categorical(i);
    const marks: LineMark[] = [];
    const few = xs.length <= 40;
    if (record[m]) marks.push({ type: 'line', name: `training ${m}`, x: xs, y: record[m], color, dots: few });
    if (record[`val_${m}`])
      marks.push({
        type: 'line',
        name: `validation ${m}`,
        x: xs,
        y: record[`val_${m}`],
        color,
        dash: true,
        dots: few,
      });
    const log =
      options.logScale === true || (Array.isArray(options.logScale) && options.logScale.includes(m));
    const last = (v?: number[]) => (v ? v.filter(Number.isFinite).at(-1) : undefined);
    const lastTrain = last(record[m]);
    const lastVal = last(record[`val_${m}`]);
    return plot({
      title: m,
      width: options.width ?? 420,
      height: options.height ?? 280,
      x: {
        label: step ? 'step' : 'epoch',
        integer: true,
        domain: xs.length > 1 ? [xs[0], xs[xs.length - 1]] : undefined,
      },
      y: { label: m, scale: log ? 'log' : 'linear' },
      marks,
      description: `${m} over ${xs.length} ${step ? 'steps' : 'epochs'}${lastTrain !== undefined ? `; last training value ${lastTrain.toPrecision(4)}` : ''}${lastVal !== undefined ? `; last validation value ${lastVal.toPrecision(4)}` : ''}.`,
    });
  });
  if (panels.length === 1) return panels[0];
  return arrange(panels, { columns: options.columns ?? 2, title: options.title ?? 'Training history' });
}
