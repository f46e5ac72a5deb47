import { ConfigError, DataError } from '@tensorfold/core';
import { type HistoryLike, historySeries } from '../charts/history.js';
import type { LineSeries } from '../charts/line-chart.js';
import { PALETTE } from '../svg/colors.js';
import { formatTick, niceDomain } from '../svg/scale.js';
import { fg, RESET, xterm256 } from './ansi.js';

/** Options of {@link terminalLineChart}. */
export interface TerminalChartOptions {
  /** Width of the plot area in characters (each 2 dots wide). Default 60. */
  width?: number;
  /** Height of the plot area in lines (each 4 dots high). Default 12. */
  height?: number;
  /** Colour the series with ANSI codes. Default false (see `supportsColor`). */
  color?: boolean;
  /** A line above the chart. Default none. */
  title?: string;
}

// Braille dot bits for (column, row) within a 2 x 4 cell.
const DOTS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];
const MARKERS = ['⣿', '+', 'x', 'o', '*', '#'];

/**
 * Series as a Unicode line chart for the terminal, drawn with Braille dots (2 x 4 per character).
 * With colour each series gets its palette colour; without, the first is drawn in dots and the
 * others with a marker character each (`+`, `x`, `o`...), so the chart reads in plain text too.
 * NaN or infinite values are gaps, listed under the chart.
 */
export function terminalLineChart(series: LineSeries[], options: TerminalChartOptions = {}): string {
  const w = options.width ?? 60;
  const h = options.height ?? 12;
  if (!(Number.isInteger(w) && w >= 10 && Number.isInteger(h) && h >= 3))
    throw new ConfigError(`width must be a whole number >= 10 and height >= 3, got ${w} and ${h}.`);
  if (series.length === 0)
    throw new ConfigError('terminalLineChart needs at least one series: [{ name, y }].');
  const all = series.map((s) => {
    const y = Array.from(s.y);
    const x = s.x ? Array.from(s.x) : y.map((_, i) => i);
    if (x.length !== y.length)
      throw new ConfigError(`Series "${s.name}" has ${x.length} x values but ${y.length} y values.`);
    return { name: s.name, x, y };
  });
  const finite = (v: number) => Number.isFinite(v);
  const ys = all.flatMap((s) => s.y.filter(finite));
  const xs = all.flatMap((s) => s.x.filter(finite));
  if (ys.length === 0)
    throw new DataError(
      'There is no finite value to draw (every value is NaN, infinite, or the series are empty).',
    );
  const [y0, y1] = niceDomain(Math.min(...ys), Math.max(...ys), 4);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) > x0 ? Math.max(...xs) : x0 + 1;
  const dotsW = w * 2;
  const dotsH = h * 4;
  const bits = new Uint8Array(w * h);
  const owner = new Int16Array(w * h).fill(-1); // which series last drew in a cell
  const marks = new Int16Array(w * h).fill(-1); // for plain text: a non-first series passing here
  const px = (x: number) => Math.round(((x - x0) / (x1 - x0)) * (dotsW - 1));
  const py = (y: number) => Math.round(((y1 - y) / (y1 - y0)) * (dotsH - 1));
  const plotDot = (dx: number, dy: number, k: number) => {
    if (dx < 0 || dy < 0 || dx >= dotsW || dy >= dotsH) return;
    const cell = Math.floor(dy / 4) * w + Math.floor(dx / 2);
    if (!options.color && k > 0) {
      marks[cell] = k;
      return;
    }
    bits[cell] |= DOTS[dx % 2][dy % 4];
    owner[cell] = k;
  };
  const gaps: string[] = [];
  all.forEach((s, k) => {
    let prev: [number, number] | null = null;
    let missing = 0;
    for (let i = 0; i < s.y.length; i++) {
      if (!finite(s.y[i]) || !finite(s.x[i])) {
        missing++;
        prev = null;
        continue;
      }
      const p: [number, number] = [px(s.x[i]), py(s.y[i])];
      if (prev) {
        // Bresenham from prev to p.
        let [ax, ay] = prev;
        const [bx, by] = p;
        const dx = Math.abs(bx - ax);
        const dy = -Math.abs(by - ay);
        const sx = ax < bx ? 1 : -1;
        const sy = ay < by ? 1 : -1;
        let err = dx + dy;
        for (;;) {
          plotDot(ax, ay, k);
          if (ax === bx && ay === by) break;
          const e2 = 2 * err;
          if (e2 >= dy) {
            err += dy;
            ax += sx;
          }
          if (e2 <= dx) {
            err += dx;
            ay += sy;
          }
        }
      } else plotDot(p[0], p[1], k);
      prev = p;
    }
    if (missing)
      gaps.push(
        `${s.name}: ${missing} missing value${missing > 1 ? 's' : ''} (NaN or infinite), drawn as gaps`,
      );
  });
  const colour = (k: number) => fg(xterm256(hexRgb(PALETTE[k % PALETTE.length])));
  const labels = [y1, (y0 + y1) / 2, y0].map((v) => formatTick(Number(v.toPrecision(4))));
  const lw = Math.max(...labels.map((l) => l.length));
  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  for (let r = 0; r < h; r++) {
    const label =
      r === 0 ? labels[0] : r === Math.floor((h - 1) / 2) ? labels[1] : r === h - 1 ? labels[2] : '';
    let row = `${label.padStart(lw)} ${label ? '┤' : '│'}`;
    let current = -1; // the series whose colour is on, so runs share one escape code
    for (let c = 0; c < w; c++) {
      const cell = r * w + c;
      if (marks[cell] >= 0 && !options.color) row += MARKERS[marks[cell] % MARKERS.length];
      else if (bits[cell]) {
        if (options.color && owner[cell] !== current) {
          row += colour(owner[cell]);
          current = owner[cell];
        }
        row += String.fromCharCode(0x2800 + bits[cell]);
      } else row += ' ';
    }
    row = row.trimEnd();
    lines.push(current >= 0 ? row + RESET : row);
  }
  lines.push(`${' '.repeat(lw)} └${'─'.repeat(w)}`);
  const xl = formatTick(Number(x0.toPrecision(4)));
  const xr = formatTick(Number(x1.toPrecision(4)));
  lines.push(`${' '.repeat(lw + 2)}${xl}${xr.padStart(w - xl.length)}`);
  lines.push(
    ' '.repeat(lw + 2) +
      all
        .map((s, k) =>
          options.color ? `${colour(k)}━━${RESET} ${s.name}` : `${MARKERS[k % MARKERS.length]} ${s.name}`,
        )
        .join('   '),
  );
  for (const g of gaps) lines.push(`${' '.repeat(lw + 2)}note: ${g}`);
  return lines.join('\n');
}

function hexRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A metric of a training history (training and validation) as a terminal line chart, epochs from 1. */
export function terminalHistory(
  h: HistoryLike,
  options: TerminalChartOptions & { metric?: string } = {},
): string {
  const { record, epochs } = historySeries(h);
  const metric = options.metric ?? 'loss';
  if (!(metric in record) && !(`val_${metric}` in record))
    throw new DataError(`The history has no "${metric}" (it logged ${Object.keys(record).join(', ')}).`);
  const x = epochs.map((e) => e + 1);
  const series: LineSeries[] = [];
  if (record[metric]) series.push({ name: metric, x, y: record[metric] });
  if (record[`val_${metric}`]) series.push({ name: `val_${metric}`, x, y: record[`val_${metric}`] });
  return terminalLineChart(series, { title: `${metric} by epoch`, ...options });
}
