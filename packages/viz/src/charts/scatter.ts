import { ConfigError, DataError } from '@tensorfold/core';
import { classIds, readValues, type Values } from '../data.js';
import { categorical, paletteNote } from '../svg/colors.js';
import type { Figure } from '../svg/figure.js';
import { pca } from './pca.js';
import { type LegendEntry, type PointMark, plot } from './plot.js';

/** Options of {@link scatter}. */
export interface ScatterOptions {
  /** Class id of each point (`[n]`, or one-hot `[n, classes]`); points are coloured by class. Default none. */
  labels?: Values;
  /** Names of the classes for the legend. Default `0`, `1`, ... */
  classNames?: string[];
  /** Title. Default `Scatter plot`, or `PCA of N-D data`. */
  title?: string;
  /** Axis titles. Default `x`/`y`, or the principal components with their explained variance. */
  xLabel?: string;
  yLabel?: string;
  /** Dot radius in px. Default 3. */
  radius?: number;
  /** Width in px. Default 480. */
  width?: number;
  /** Height in px. Default 360. */
  height?: number;
}

/**
 * Points `[n, 2]` (latent codes, embeddings), coloured by class when labels are given; data with more
 * than 2 columns is projected onto its first two principal components first (and the title says so).
 */
export async function scatter(points: Values, options: ScatterOptions = {}): Promise<Figure> {
  const { data, shape } = await readValues(points, 'points');
  if (shape.length !== 2 || shape[1] < 2)
    throw new DataError(
      `scatter needs points of shape [n, 2] (or [n, d] with d > 2, reduced by PCA), got [${shape}]. Stack x and y as columns.`,
    );
  const [n, d] = shape;
  if (n === 0) throw new DataError('scatter got no points: pass at least one row.');
  let xy: ArrayLike<number> = data;
  let xLabel = options.xLabel ?? 'x';
  let yLabel = options.yLabel ?? 'y';
  let title = options.title ?? 'Scatter plot';
  if (d > 2) {
    const p = pca(data, n, d, 2);
    xy = p.projected;
    xLabel = options.xLabel ?? `PC1 (${(100 * p.explained[0]).toFixed(1)}% of variance)`;
    yLabel = options.yLabel ?? `PC2 (${(100 * p.explained[1]).toFixed(1)}% of variance)`;
    title = options.title ?? `PCA of ${d}-D data`;
  } else if (d === 2) {
    xy = data;
  }
  const x = Array.from({ length: n }, (_, i) => xy[i * 2]);
  const y = Array.from({ length: n }, (_, i) => xy[i * 2 + 1]);
  const notes: string[] = [];
  let marks: PointMark[];
  let legend: LegendEntry[] = [];
  if (options.labels !== undefined) {
    const ids = await classIds(options.labels, 'labels');
    if (ids.length !== n)
      throw new DataError(`${ids.length} labels for ${n} points; give one label per point.`);
    const k = Math.max(...ids) + 1;
    const names = options.classNames ?? Array.from({ length: k }, (_, i) => String(i));
    if (names.length < k)
      throw new ConfigError(`Labels go up to ${k - 1} but only ${names.length} class names were given.`);
    const note = paletteNote(names.length);
    if (note) notes.push(note);
    marks = names.map((name, c) => {
      const idx = [...ids.keys()].filter((i) => ids[i] === c);
      return {
        type: 'points',
        name,
        x: idx.map((i) => x[i]),
        y: idx.map((i) => y[i]),
        color: categorical(c),
        radius: options.radius,
      };
    });
    legend = names.map((name, c) => ({ label: name, color: categorical(c), shape: 'point' }));
  } else {
    marks = [{ type: 'points', x, y, color: categorical(0), radius: options.radius }];
  }
  const dropped = x.filter((v, i) => !Number.isFinite(v) || !Number.isFinite(y[i])).length;
  if (dropped)
    notes.push(`${dropped} point${dropped > 1 ? 's' : ''} with NaN or infinite coordinates left out.`);
  return plot({
    title,
    width: options.width ?? 480,
    height: options.height ?? 360,
    x: { label: xLabel },
    y: { label: yLabel },
    marks,
    legend,
    notes,
    description: `Scatter plot of ${n} points${d > 2 ? ` (the first two principal components of ${d}-D data)` : ''}${options.labels !== undefined ? `, coloured by ${legend.length} classes` : ''}.`,
  });
}
