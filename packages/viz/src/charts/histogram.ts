import { ConfigError, DataError, type Model } from '@tensorfold/core';
import { readValues, type Values } from '../data.js';
import { arrange, type Figure } from '../svg/figure.js';
import { plot } from './plot.js';

/** Options of {@link histogram}. */
export interface HistogramOptions {
  /** Number of equal-width bins. Default 30. */
  bins?: number;
  /** Title (of the whole, for several). Default `Histogram`. */
  title?: string;
  /** Log scale for the counts. Default false. */
  logScale?: boolean;
  /** Panel width in px. Default 360. */
  width?: number;
  /** Panel height in px. Default 240. */
  height?: number;
  /** Panels per row, for several. Default 3. */
  columns?: number;
}

/** Equal-width bin edges and counts of the finite values; also how many were not finite. */
export function binValues(values: ArrayLike<number>, bins: number) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let skipped = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      skipped++;
      continue;
    }
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo > hi) return { edges: [0, 1], counts: [0], skipped };
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  return { edges, counts, skipped };
}

function panel(name: string, values: ArrayLike<number>, options: HistogramOptions): Figure {
  const bins = options.bins ?? 30;
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new ConfigError(`bins must be a whole number >= 1, got ${bins}.`);
  if (values.length === 0) throw new DataError(`"${name}" has no values to count.`);
  const { edges, counts, skipped } = binValues(values, bins);
  let mean = 0;
  let m2 = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++)
    if (Number.isFinite(values[i])) {
      n++;
      const delta = values[i] - mean;
      mean += delta / n;
      m2 += delta * (values[i] - mean);
    }
  const std = n > 1 ? Math.sqrt(m2 / n) : 0;
  return plot({
    title: name,
    width: options.width ?? 360,
    height: options.height ?? 240,
    x: { label: 'value' },
    y: { label: 'count', scale: options.logScale ? 'log' : 'linear' },
    marks: [{ type: 'bars', x0: edges.slice(0, -1), x1: edges.slice(1), y: counts }],
    legend: [],
    notes: skipped ? [`${skipped} NaN or infinite value${skipped > 1 ? 's' : ''} not counted.`] : [],
    description: `Histogram of ${n} values of ${name} in ${bins} bins; mean ${mean.toPrecision(4)}, standard deviation ${std.toPrecision(4)}.`,
  });
}

/**
 * The distribution of values (weights, activations, gradients): one panel, or one per entry of a
 * record (`{ dense_1: kernel, dense_2: kernel }`), in a grid.
 */
export async function histogram(
  values: Values | Record<string, Values>,
  options: HistogramOptions = {},
): Promise<Figure> {
  const isRecord =
    typeof values === 'object' && values !== null && !('length' in values) && !('dataId' in values);
  if (!isRecord) {
    const { data } = await readValues(values as Values);
    return panel(options.title ?? 'Histogram', data, options);
  }
  const entries = Object.entries(values as Record<string, Values>);
  if (entries.length === 0)
    throw new DataError('histogram got an empty record: give at least one named set of values.');
  const panels: Figure[] = [];
  for (const [name, v] of entries) panels.push(panel(name, (await readValues(v)).data, options));
  return panels.length === 1
    ? panels[0]
    : arrange(panels, { columns: options.columns ?? 3, title: options.title ?? 'Histogram' });
}

/** Histograms of every weight of a model (kernels, biases...), one panel per weight, named by its path. */
export async function weightHistograms(model: Model, options: HistogramOptions = {}): Promise<Figure> {
  const weights = model.weights;
  if (weights.length === 0)
    throw new DataError(
      `Model "${model.name}" has no weights yet; build it (call it on data, or give an input shape) first.`,
    );
  const record: Record<string, Values> = {};
  for (const w of weights) record[w.path] = w.read();
  return histogram(record, { ...options, title: options.title ?? `Weights of ${model.name}` });
}
