import { el, esc, hashId, num } from './element.js';
import { FONT_FAMILY, fitText, text, wrapText } from './text.js';

/**
 * A finished picture: an SVG document plus what it says in words. Every function of this package
 * returns one; `toPng` (from `@tensorfold/viz/node` or `/browser`) turns it into PNG bytes.
 */
export interface Figure {
  /** The SVG document, identical for the same input on every machine. */
  readonly svg: string;
  /** Width in px. */
  readonly width: number;
  /** Height in px. */
  readonly height: number;
  /** The title, also the SVG's `<title>`. */
  readonly title: string;
  /** Things the reader should know (NaN gaps, repeated colours...), also drawn under the chart and put in `<desc>`. */
  readonly notes: readonly string[];
  /** The chart as data, for charts drawn by `plot` (turn it into Vega-Lite with `toVegaLite`). */
  readonly spec?: import('../charts/plot.js').PlotSpec;
  /** The panels of a figure made by `arrange`, and how many per row. */
  readonly panels?: readonly Figure[];
  readonly columns?: number;
}

/** What {@link figure} wraps. */
export interface FigureParts {
  width: number;
  height: number;
  title: string;
  /** A sentence describing the picture for screen readers (`<desc>`). */
  description: string;
  /** The drawing, in px, with the origin at the top left of the figure. */
  body: string;
  notes?: string[];
  /** Draw the title at the top. Default true. */
  showTitle?: boolean;
}

/** Height in px of one line of the notes under a figure. */
export const NOTE_LINE = 14;

/**
 * Wraps a drawing into a standalone, accessible SVG document: `role="img"`, `<title>` and `<desc>`
 * referenced by `aria-labelledby`, a white background, the title on top and the notes underneath.
 */
export function figure(parts: FigureParts): Figure {
  // Whole pixels, so a PNG has exactly the figure's size everywhere.
  parts = { ...parts, width: Math.ceil(parts.width), height: Math.ceil(parts.height) };
  const notes = parts.notes ?? [];
  const noteLines = notes.flatMap((n) => wrapText(`note: ${n}`, parts.width - 12, 10));
  const height = parts.height + noteLines.length * NOTE_LINE + (noteLines.length ? 4 : 0);
  const id = `tfv-${hashId(parts.title + parts.description + parts.body.length)}`;
  const description = notes.length ? `${parts.description} ${notes.join(' ')}` : parts.description;
  const noteText = noteLines.map((line, i) =>
    text(6, parts.height + NOTE_LINE * i + NOTE_LINE / 2, line, {
      size: 10,
      fill: '#8a4b00',
      className: 'note',
    }),
  );
  const svg = el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width: parts.width,
      height,
      viewBox: `0 0 ${num(parts.width)} ${num(height)}`,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
      'font-family': FONT_FAMILY,
    },
    [
      el('title', { id: `${id}-title` }, esc(parts.title)),
      el('desc', { id: `${id}-desc` }, esc(description)),
      el('rect', { width: parts.width, height, fill: '#ffffff' }),
      parts.showTitle === false
        ? ''
        : text(parts.width / 2, 14, fitText(parts.title, parts.width - 8, 13), {
            size: 13,
            anchor: 'middle',
            bold: true,
            className: 'title',
          }),
      parts.body,
      ...noteText,
    ],
  );
  return { svg, width: parts.width, height, title: parts.title, notes };
}

/** Options of {@link arrange}. */
export interface ArrangeOptions {
  /** Panels per row. Default: all in one row. */
  columns?: number;
  /** Title of the whole. Default: the panel titles joined by ", ". */
  title?: string;
}

/** Places figures side by side (and in rows of `columns`), each as a nested `<svg>`, into one figure. */
export function arrange(figures: Figure[], options: ArrangeOptions = {}): Figure {
  const columns = Math.max(1, Math.min(options.columns ?? figures.length, figures.length));
  const rows: Figure[][] = [];
  for (let i = 0; i < figures.length; i += columns) rows.push(figures.slice(i, i + columns));
  const cellW = Math.max(...figures.map((f) => f.width));
  const rowH = rows.map((r) => Math.max(...r.map((f) => f.height)));
  const title = options.title ?? figures.map((f) => f.title).join(', ');
  const top = options.title ? 22 : 0;
  const body: string[] = [];
  let y = top;
  rows.forEach((row, r) => {
    row.forEach((f, c) => {
      body.push(f.svg.replace('<svg ', `<svg x="${num(c * cellW)}" y="${num(y)}" `));
    });
    y += rowH[r];
  });
  const whole = figure({
    width: cellW * columns,
    height: y,
    title,
    description: `${figures.length} panels: ${figures.map((f) => f.title).join('; ')}.`,
    body: body.join(''),
    showTitle: Boolean(options.title),
  });
  // The panels draw their own notes; the whole carries them for the caller.
  return { ...whole, notes: figures.flatMap((f) => f.notes), panels: figures, columns };
}
