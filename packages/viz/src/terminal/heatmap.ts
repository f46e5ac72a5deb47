import { ConfigError, DataError } from '@tensorfold/core';
import { colorMap } from '../images/pixels.js';
import type { ColorMap, ColorMapName } from '../svg/colors.js';
import { bg, fg, RESET, xterm256 } from './ansi.js';

/** Options of {@link terminalHeatmap}. */
export interface TerminalHeatmapOptions {
  /** Labels of the rows. Default `0`, `1`, ... */
  rowLabels?: string[];
  /** Labels of the columns (their first characters are shown). Default `0`, `1`, ... */
  colLabels?: string[];
  /** Print each value in its cell. Default true. */
  values?: boolean;
  /** Colour backgrounds with ANSI 256-colour codes; otherwise shades ` ░▒▓█`. Default false. */
  color?: boolean;
  /** Colour map. Default `blues`. */
  colorMap?: ColorMapName | ColorMap;
  /** A line above the heatmap. Default none. */
  title?: string;
}

const SHADES = [' ', '░', '▒', '▓', '█'];

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) < 10 ? v.toFixed(2) : v.toPrecision(3);
}

/**
 * A matrix (a confusion matrix, attention weights) as text: each cell shaded by its value, with the
 * value printed in it. Colour backgrounds when `color`, Unicode shades otherwise.
 */
export function terminalHeatmap(matrix: number[][], options: TerminalHeatmapOptions = {}): string {
  const rows = matrix.length;
  if (rows === 0 || matrix[0].length === 0) throw new DataError('The matrix is empty: nothing to draw.');
  const cols = matrix[0].length;
  for (const [i, r] of matrix.entries())
    if (r.length !== cols) throw new DataError(`Row ${i} has ${r.length} values but row 0 has ${cols}.`);
  const rowLabels = options.rowLabels ?? matrix.map((_, i) => String(i));
  const colLabels = options.colLabels ?? matrix[0].map((_, j) => String(j));
  if (rowLabels.length !== rows || colLabels.length !== cols)
    throw new ConfigError(
      `Give ${rows} row labels and ${cols} column labels, got ${rowLabels.length} and ${colLabels.length}.`,
    );
  const showValues = options.values ?? true;
  const map = colorMap(options.colorMap, 'blues');
  const flat = matrix.flat().filter(Number.isFinite);
  const lo = Math.min(...flat, 0);
  const hi = Math.max(...flat);
  const t = (v: number) => (hi > lo ? (v - lo) / (hi - lo) : 0);
  const cellW =
    1 +
    Math.max(
      2,
      ...(showValues ? matrix.flat().map((v) => formatValue(v).length + 1) : [2]),
      ...colLabels.map((l) => Math.min(6, l.length) + 1),
    );
  const lw = Math.max(...rowLabels.map((l) => l.length));
  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  lines.push(`${' '.repeat(lw + 1)}${colLabels.map((l) => l.slice(0, cellW - 1).padStart(cellW)).join('')}`);
  matrix.forEach((row, i) => {
    let line = `${rowLabels[i].padStart(lw)} `;
    for (const v of row) {
      const s = t(v);
      if (options.color) {
        const rgb = map(s);
        const ink = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 150 ? 16 : 231;
        line += `${bg(xterm256(rgb))}${fg(ink)}${(showValues ? formatValue(v) : '').padStart(cellW)}${RESET}`;
      } else if (showValues) {
        const shade = SHADES[Math.min(4, Math.floor(s * 5))];
        line += `${formatValue(v).padStart(cellW - 1)}${shade}`;
      } else line += SHADES[Math.min(4, Math.floor(s * 5))].repeat(cellW);
    }
    lines.push(line.trimEnd());
  });
  const legend = options.color
    ? `${formatValue(lo)} to ${formatValue(hi)}`
    : `${formatValue(lo)} ${SHADES.join('')} ${formatValue(hi)}`;
  lines.push(`${' '.repeat(lw + 1)}scale: ${legend}`);
  return lines.join('\n');
}
