import { ConfigError } from '@tensorfold/core';
import { categorical } from '../svg/colors.js';
import type { Figure } from '../svg/figure.js';
import type { AxisSpec, Mark, PlotSpec } from './plot.js';

/** A Vega-Lite v5 specification (plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

function axis(spec: AxisSpec | undefined, field: string) {
  return {
    field,
    type: 'quantitative',
    title: spec?.label ?? null,
    scale: {
      ...(spec?.scale === 'log' ? { type: 'log' } : {}),
      ...(spec?.domain ? { domain: spec.domain } : { zero: false }),
    },
    ...(spec?.integer ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
  };
}

const value = (v: number) => (Number.isFinite(v) ? v : null);

function layer(mark: Mark, i: number, spec: PlotSpec): VegaLiteSpec {
  const x = axis(spec.x, 'x');
  const y = axis(spec.y, 'y');
  const color =
    mark.type === 'cells' ? undefined : typeof mark.color === 'string' ? mark.color : categorical(i);
  const name = mark.type === 'cells' ? undefined : mark.name;
  const seriesColor = name
    ? { color: { datum: name, scale: { domain: [] as string[], range: [] as string[] } } }
    : {};
  if (mark.type === 'line')
    return {
      data: { values: mark.x.map((vx, j) => ({ x: value(vx), y: value(mark.y[j]) })) },
      mark: {
        type: 'line',
        color,
        invalid: null,
        point: mark.dots ?? false,
        strokeDash: mark.dash ? [6, 4] : undefined,
        strokeWidth: mark.width ?? 2,
      },
      encoding: { x, y, ...seriesColor },
    };
  if (mark.type === 'points')
    return {
      data: {
        values: mark.x.map((vx, j) => ({
          x: value(vx),
          y: value(mark.y[j]),
          color: Array.isArray(mark.color) ? mark.color[j] : color,
        })),
      },
      mark: { type: 'point', filled: true, size: Math.PI * (mark.radius ?? 3) ** 2 * 4 },
      encoding: {
        x,
        y,
        ...(name ? seriesColor : { color: { field: 'color', type: 'nominal', scale: null } }),
      },
    };
  if (mark.type === 'bars')
    return {
      data: { values: mark.y.map((v, j) => ({ x: mark.x0[j], x2: mark.x1[j], y: value(v) })) },
      mark: { type: 'rect', color },
      encoding: { x, x2: { field: 'x2' }, y, y2: { datum: 0 } },
    };
  return {
    data: {
      values: mark.color.map((c, j) => ({
        x: mark.x0[j],
        x2: mark.x1[j],
        y: mark.y0[j],
        y2: mark.y1[j],
        color: c,
      })),
    },
    mark: { type: 'rect', opacity: mark.opacity ?? 1 },
    encoding: {
      x,
      x2: { field: 'x2' },
      y,
      y2: { field: 'y2' },
      color: { field: 'color', type: 'nominal', scale: null, legend: null },
    },
  };
}

/** A {@link PlotSpec} as a Vega-Lite layer chart: one layer per mark, the legend as a colour scale. */
export function plotSpecToVegaLite(spec: PlotSpec): VegaLiteSpec {
  const layers = spec.marks.map((m, i) => layer(m, i, spec));
  // One shared colour scale for the named series, so Vega-Lite draws the legend.
  const named = spec.marks
    .map((m, i) => ({ m, i }))
    .filter(
      ({ m }) =>
        m.type !== 'cells' && m.name !== undefined && typeof (m as { color?: unknown }).color !== 'object',
    );
  const domain = named.map(({ m }) => (m as { name: string }).name);
  const range = named.map(({ m, i }) => {
    const c = (m as { color?: string }).color;
    return typeof c === 'string' ? c : categorical(i);
  });
  for (const l of layers) {
    const enc = l.encoding as { color?: { datum?: string; scale?: { domain: string[]; range: string[] } } };
    if (enc.color?.datum !== undefined && enc.color.scale) {
      enc.color.scale.domain = domain;
      enc.color.scale.range = range;
    }
  }
  return {
    $schema: SCHEMA,
    title: spec.title,
    description: spec.description,
    width: (spec.width ?? 480) - 140,
    height: (spec.height ?? 300) - 70,
    layer: layers,
  };
}

/**
 * The Vega-Lite specification of a figure drawn by `plot` (`history`, `lineChart`, `scatter`,
 * `histogram`, ROC/PR, `decisionBoundary`, `activationPlot`), or of an `arrange`d figure of such
 * panels (a `concat`). Figures that are not charts (image grids, confusion matrices, model diagrams) have
 * no Vega-Lite form: a {@link ConfigError} says so.
 */
export function toVegaLite(figure: Figure): VegaLiteSpec {
  if (figure.spec) return plotSpecToVegaLite(figure.spec);
  if (figure.panels?.every((p) => p.spec))
    return {
      $schema: SCHEMA,
      title: figure.title,
      columns: figure.columns ?? figure.panels.length,
      concat: figure.panels.map((p) => {
        const { $schema: _, ...rest } = plotSpecToVegaLite(p.spec as PlotSpec);
        return rest;
      }),
    };
  throw new ConfigError(
    `"${figure.title}" is not a chart drawn by plot (it is a picture: an image grid, a matrix or a diagram), so it has no Vega-Lite form; use its SVG.`,
  );
}
