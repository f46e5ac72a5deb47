import { ConfigError } from '@tensorfold/core';
import { categorical } from '../svg/colors.js';
import { el, hashId, num } from '../svg/element.js';
import { type Figure, figure } from '../svg/figure.js';
import { formatTick, linearScale, logScale, niceDomain, type Scale } from '../svg/scale.js';
import { fitText, text, textWidth } from '../svg/text.js';

/** One axis of a {@link PlotSpec}. */
export interface AxisSpec {
  /** Axis title. Default none. */
  label?: string;
  /** `linear` or `log` (base 10; non-positive values are left out, with a note). Default `linear`. */
  scale?: 'linear' | 'log';
  /** Fixed `[min, max]` in data units. Default: the data's extent, widened to round numbers. */
  domain?: [number, number];
  /** Only whole-number ticks (epochs, steps). Default false. */
  integer?: boolean;
  /** About how many ticks. Default 5. */
  ticks?: number;
}

/** A polyline through `(x[i], y[i])`; a non-finite value breaks the line (a gap). */
export interface LineMark {
  type: 'line';
  x: number[];
  y: number[];
  /** Series name, used by the legend and the NaN note. */
  name?: string;
  /** Stroke colour. Default: the palette colour of the mark's index. */
  color?: string;
  /** Dashed stroke (validation curves). Default false. */
  dash?: boolean;
  /** Draw a dot at each point. Default false. */
  dots?: boolean;
  /** Stroke width in px. Default 2. */
  width?: number;
}

/** Dots at `(x[i], y[i])`. */
export interface PointMark {
  type: 'points';
  x: number[];
  y: number[];
  name?: string;
  /** One colour, or one per point. Default: the palette colour of the mark's index. */
  color?: string | string[];
  /** Radius in px. Default 3. */
  radius?: number;
  /** Outline colour. Default none. */
  stroke?: string;
}

/** Bars from `x0[i]` to `x1[i]`, from 0 (or the axis bottom on a log scale) up to `y[i]`. */
export interface BarMark {
  type: 'bars';
  x0: number[];
  x1: number[];
  y: number[];
  name?: string;
  /** Fill colour. Default: the palette colour of the mark's index. */
  color?: string;
}

/** Filled rectangles in data units (heat maps, decision regions). */
export interface CellMark {
  type: 'cells';
  x0: number[];
  x1: number[];
  y0: number[];
  y1: number[];
  /** One fill colour per cell. */
  color: string[];
  /** Fill opacity, 0 to 1. Default 1. */
  opacity?: number;
}

/** What a plot draws, in order (later marks on top). */
export type Mark = LineMark | PointMark | BarMark | CellMark;

/** One legend row. */
export interface LegendEntry {
  label: string;
  color: string;
  /** How the swatch looks. Default `line`. */
  shape?: 'line' | 'dash' | 'point' | 'box';
}

/**
 * A chart described as data: axes, marks and a legend. Every chart of this package builds one and
 * hands it to {@link plot}, which lays it out and writes the SVG; build your own the same way.
 */
export interface PlotSpec {
  title: string;
  /** A sentence for screen readers. Default: generated from the marks. */
  description?: string;
  /** Width in px. Default 480. */
  width?: number;
  /** Height in px. Default 300. */
  height?: number;
  x?: AxisSpec;
  y?: AxisSpec;
  marks: Mark[];
  /** Legend rows; default one per named line/point/bar mark, none when there is a single unnamed one. */
  legend?: LegendEntry[];
  /** Notes to show under the chart. */
  notes?: string[];
}

/** The scales and plot area of a laid-out chart. */
export interface PlotLayout {
  x: Scale;
  y: Scale;
  /** Plot area in px: left, top, right, bottom. */
  area: { left: number; top: number; right: number; bottom: number };
}

const FONT = 11;

function markColor(mark: Mark, i: number): string {
  if (mark.type === 'cells') return '#888';
  return typeof mark.color === 'string' ? mark.color : categorical(i);
}

function extent(values: number[], log: boolean): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : log ? [1, 10] : [0, 1];
}

function axisValues(marks: Mark[], axis: 'x' | 'y'): number[] {
  return marks.flatMap((m) => {
    if (m.type === 'line' || m.type === 'points') return m[axis];
    if (m.type === 'bars') return axis === 'x' ? [...m.x0, ...m.x1] : [0, ...m.y];
    return axis === 'x' ? [...m.x0, ...m.x1] : [...m.y0, ...m.y1];
  });
}

function makeScale(spec: AxisSpec, values: number[], range: [number, number]): Scale {
  const log = spec.scale === 'log';
  if (spec.domain) {
    const [a, b] = spec.domain;
    if (!(Number.isFinite(a) && Number.isFinite(b) && b > a))
      throw new ConfigError(`An axis domain must be [min, max] with min < max, got [${a}, ${b}].`);
    return log ? logScale(spec.domain, range) : linearScale(spec.domain, range);
  }
  const [lo, hi] = extent(values, log);
  if (log) {
    const l0 = 10 ** Math.floor(Math.log10(lo) + 1e-9);
    const l1 = 10 ** Math.ceil(Math.log10(hi) - 1e-9);
    return logScale([l0, l1 > l0 ? l1 : l0 * 10], range);
  }
  return linearScale(niceDomain(lo, hi, spec.ticks ?? 5), range);
}

function ticksOf(scale: Scale, spec: AxisSpec): number[] {
  const t = scale.ticks(spec.ticks ?? 5);
  return spec.integer ? t.filter((v) => Number.isInteger(v)) : t;
}

function defaultLegend(marks: Mark[]): LegendEntry[] {
  const named = marks
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => m.type !== 'cells' && m.name !== undefined) as {
    m: Exclude<Mark, CellMark>;
    i: number;
  }[];
  return named.map(({ m, i }) => ({
    label: m.name as string,
    color: markColor(m, i),
    shape: m.type === 'points' ? 'point' : m.type === 'bars' ? 'box' : m.dash ? 'dash' : 'line',
  }));
}

function linePath(mark: LineMark, xs: Scale, ys: Scale): { d: string; gaps: number } {
  let d = '';
  let pen = false;
  let gaps = 0;
  const n = Math.min(mark.x.length, mark.y.length);
  for (let i = 0; i < n; i++) {
    const x = mark.x[i];
    const y = mark.y[i];
    const ok = Number.isFinite(x) && Number.isFinite(y) && (ys.type !== 'log' || y > 0);
    if (!ok) {
      gaps++;
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${num(xs(x))} ${num(ys(y))}`;
    pen = true;
  }
  return { d, gaps };
}

/** Lays out `spec` (scales and plot area) without drawing it. */
export function layoutPlot(spec: PlotSpec): PlotLayout & { legend: LegendEntry[] } {
  const width = spec.width ?? 480;
  const height = spec.height ?? 300;
  const xSpec = spec.x ?? {};
  const ySpec = spec.y ?? {};
  const legend = spec.legend ?? defaultLegend(spec.marks);
  const legendWidth = legend.length
    ? Math.min(width * 0.45, Math.max(...legend.map((e) => textWidth(e.label, FONT))) + 34)
    : 0;
  const top = 28;
  const bottom = height - (xSpec.label ? 40 : 24);
  // The y scale is needed first, to know how wide its tick labels are.
  const yProbe = makeScale(ySpec, axisValues(spec.marks, 'y'), [bottom, top]);
  const yLabelWidth = Math.max(...ticksOf(yProbe, ySpec).map((t) => textWidth(formatTick(t), FONT)), 8);
  const left = 8 + (ySpec.label ? 16 : 0) + yLabelWidth + 6;
  const right = width - 12 - legendWidth;
  const x = makeScale(xSpec, axisValues(spec.marks, 'x'), [left, right]);
  return { x, y: yProbe, area: { left, top, right, bottom }, legend };
}

/** Draws a {@link PlotSpec}: gridlines, axes with ticks and titles, the marks (clipped), and the legend. */
export function plot(spec: PlotSpec): Figure {
  if (spec.marks.length === 0)
    throw new ConfigError(`"${spec.title}": a plot needs at least one mark (a line, points, bars or cells).`);
  const width = spec.width ?? 480;
  const height = spec.height ?? 300;
  const { x, y, area, legend } = layoutPlot(spec);
  const xSpec = spec.x ?? {};
  const ySpec = spec.y ?? {};
  const notes = [...(spec.notes ?? [])];
  const clip = `clip-${hashId(JSON.stringify([spec.title, width, height, spec.marks.length]))}`;
  const parts: string[] = [];
  parts.push(
    el('defs', {}, [
      el('clipPath', { id: clip }, [
        el('rect', {
          x: area.left,
          y: area.top - 2,
          width: area.right - area.left,
          height: area.bottom - area.top + 4,
        }),
      ]),
    ]),
  );

  // Grid and axes.
  const grid: string[] = [];
  const xTicks = ticksOf(x, xSpec);
  const yTicks = ticksOf(y, ySpec);
  for (const t of yTicks) {
    const py = y(t);
    grid.push(el('line', { x1: area.left, x2: area.right, y1: py, y2: py, stroke: '#e6e6e6' }));
    grid.push(
      text(area.left - 6, py, formatTick(t), {
        anchor: 'end',
        size: FONT,
        className: 'tick y',
        fill: '#444',
      }),
    );
  }
  for (const t of xTicks) {
    const px = x(t);
    grid.push(el('line', { x1: px, x2: px, y1: area.top, y2: area.bottom, stroke: '#e6e6e6' }));
    grid.push(
      text(px, area.bottom + 10, formatTick(t), {
        anchor: 'middle',
        size: FONT,
        className: 'tick x',
        fill: '#444',
      }),
    );
  }
  parts.push(el('g', { class: 'grid' }, grid));
  parts.push(
    el('g', { class: 'axis x' }, [
      el('line', { x1: area.left, x2: area.right, y1: area.bottom, y2: area.bottom, stroke: '#333' }),
      xSpec.label
        ? text((area.left + area.right) / 2, height - 10, xSpec.label, {
            anchor: 'middle',
            className: 'label x',
          })
        : '',
    ]),
  );
  parts.push(
    el('g', { class: 'axis y' }, [
      el('line', { x1: area.left, x2: area.left, y1: area.top, y2: area.bottom, stroke: '#333' }),
      ySpec.label
        ? text(14, (area.top + area.bottom) / 2, fitText(ySpec.label, area.bottom - area.top, FONT), {
            anchor: 'middle',
            rotate: -90,
            className: 'label y',
          })
        : '',
    ]),
  );

  // Marks.
  const marks: string[] = [];
  spec.marks.forEach((mark, i) => {
    const color = markColor(mark, i);
    if (mark.type === 'line') {
      if (mark.x.length !== mark.y.length)
        throw new ConfigError(
          `Line "${mark.name ?? i}" has ${mark.x.length} x values but ${mark.y.length} y values; give one x per y.`,
        );
      const { d, gaps } = linePath(mark, x, y);
      if (gaps > 0)
        notes.push(
          `${mark.name ?? `line ${i + 1}`} has ${gaps} missing value${gaps > 1 ? 's' : ''} (NaN, infinite${y.type === 'log' ? ' or not positive' : ''}), drawn as gaps.`,
        );
      const dots = mark.dots
        ? mark.x
            .map((vx, j) =>
              Number.isFinite(vx) && Number.isFinite(mark.y[j]) && (y.type !== 'log' || mark.y[j] > 0)
                ? el('circle', { cx: x(vx), cy: y(mark.y[j]), r: 2.5, fill: color })
                : '',
            )
            .join('')
        : '';
      marks.push(
        el('g', { class: 'mark line', 'data-name': mark.name }, [
          d
            ? el('path', {
                d,
                fill: 'none',
                stroke: color,
                'stroke-width': mark.width ?? 2,
                'stroke-dasharray': mark.dash ? '6 4' : undefined,
                'stroke-linejoin': 'round',
              })
            : '',
          dots,
        ]),
      );
    } else if (mark.type === 'points') {
      const r = mark.radius ?? 3;
      const circles = mark.x.map((vx, j) => {
        const vy = mark.y[j];
        if (!Number.isFinite(vx) || !Number.isFinite(vy)) return '';
        const c = Array.isArray(mark.color) ? mark.color[j] : color;
        return el('circle', { cx: x(vx), cy: y(vy), r, fill: c, stroke: mark.stroke, 'fill-opacity': 0.85 });
      });
      marks.push(el('g', { class: 'mark points', 'data-name': mark.name }, circles));
    } else if (mark.type === 'bars') {
      const base = y.type === 'log' ? y.domain[0] : 0;
      const rects = mark.y.map((v, j) => {
        if (!Number.isFinite(v) || (y.type === 'log' && v <= 0)) return '';
        const px0 = x(mark.x0[j]);
        const px1 = x(mark.x1[j]);
        const top = Math.min(y(v), y(base));
        return el('rect', {
          x: px0,
          y: top,
          width: Math.max(0, px1 - px0 - 1),
          height: Math.abs(y(base) - y(v)),
          fill: color,
        });
      });
      marks.push(el('g', { class: 'mark bars', 'data-name': mark.name }, rects));
    } else {
      const rects = mark.color.map((c, j) => {
        const px0 = x(mark.x0[j]);
        const px1 = x(mark.x1[j]);
        const py0 = y(mark.y0[j]);
        const py1 = y(mark.y1[j]);
        return el('rect', {
          x: Math.min(px0, px1),
          y: Math.min(py0, py1),
          width: Math.abs(px1 - px0),
          height: Math.abs(py1 - py0),
          fill: c,
        });
      });
      marks.push(
        el(
          'g',
          { class: 'mark cells', 'fill-opacity': mark.opacity, 'shape-rendering': 'crispEdges' },
          rects,
        ),
      );
    }
  });
  parts.push(el('g', { 'clip-path': `url(#${clip})` }, marks));

  // Legend.
  if (legend.length) {
    const lx = area.right + 14;
    const rows = legend.map((e, i) => {
      const ly = area.top + 8 + i * 16;
      const maxW = width - lx - 26;
      const swatch =
        e.shape === 'point'
          ? el('circle', { cx: lx + 8, cy: ly, r: 4, fill: e.color })
          : e.shape === 'box'
            ? el('rect', { x: lx + 2, y: ly - 5, width: 12, height: 10, fill: e.color })
            : el('line', {
                x1: lx,
                x2: lx + 16,
                y1: ly,
                y2: ly,
                stroke: e.color,
                'stroke-width': 2,
                'stroke-dasharray': e.shape === 'dash' ? '4 3' : undefined,
              });
      return (
        swatch + text(lx + 22, ly, fitText(e.label, maxW, FONT), { size: FONT, className: 'legend-label' })
      );
    });
    parts.push(el('g', { class: 'legend' }, rows));
  }

  const description =
    spec.description ??
    `Chart with ${spec.marks.length} mark${spec.marks.length > 1 ? 's' : ''}; x axis ${xSpec.label ?? 'unlabelled'} from ${formatTick(x.domain[0])} to ${formatTick(x.domain[1])}, y axis ${ySpec.label ?? 'unlabelled'} from ${formatTick(y.domain[0])} to ${formatTick(y.domain[1])}.`;
  return { ...figure({ width, height, title: spec.title, description, body: parts.join(''), notes }), spec };
}
