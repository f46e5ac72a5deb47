import { ConfigError, DataError } from '@tensorfold/core';
import type { Figure } from '../svg/figure.js';
import { type AxisSpec, type LineMark, plot } from './plot.js';

/** One series of {@link lineChart}. */
export interface LineSeries {
  name: string;
  /** The y values. NaN or infinite values are drawn as gaps (and a note says so). */
  y: ArrayLike<number>;
  /** The x values. Default 0, 1, 2, ... */
  x?: ArrayLike<number>;
  /** Colour. Default: the palette, in order. */
  color?: string;
  /** Dashed. Default false. */
  dash?: boolean;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** Default `Line chart`. */
  title?: string;
  /** Width in px. Default 480. */
  width?: number;
  /** Height in px. Default 300. */
  height?: number;
  x?: AxisSpec;
  y?: AxisSpec;
  /** Dots at each point. Default: when every series has at most 40 points. */
  dots?: boolean;
}

/** Lines through series of numbers: one per entry, with a legend when there are several. */
export function lineChart(series: LineSeries[], options: LineChartOptions = {}): Figure {
  if (series.length === 0) throw new ConfigError('lineChart needs at least one series: pass [{ name, y }].');
  const longest = Math.max(...series.map((s) => s.y.length));
  if (longest === 0)
    throw new DataError(
      `Every series is empty (${series.map((s) => s.name).join(', ')}): there is nothing to draw. Pass at least one value.`,
    );
  const dots = options.dots ?? longest <= 40;
  const marks: LineMark[] = series.map((s) => {
    const y = Array.from(s.y);
    const x = s.x ? Array.from(s.x) : y.map((_, i) => i);
    if (x.length !== y.length)
      throw new ConfigError(
        `Series "${s.name}" has ${x.length} x values but ${y.length} y values; give one x per y.`,
      );
    return { type: 'line', name: s.name, x, y, color: s.color, dash: s.dash, dots };
  });
  return plot({
    title: options.title ?? 'Line chart',
    width: options.width,
    height: options.height,
    x: options.x,
    y: options.y,
    marks,
    legend: series.length > 1 ? undefined : [],
    description: `Line chart of ${series.map((s) => `${s.name} (${s.y.length} points)`).join(', ')}.`,
  });
}
