import { el, esc } from './element.js';

/**
 * Text is set in DejaVu Sans Mono, a monospaced font whose advance is 1233/2048 em for every glyph.
 * Layout uses that number instead of measuring, so a chart is laid out the same everywhere; the Node
 * PNG renderer loads the same font from the `dejavu-fonts-ttf` package, and browsers fall back to
 * their own monospace font if DejaVu is missing (the layout stays, only glyph shapes change).
 */
export const FONT_FAMILY = "'DejaVu Sans Mono', monospace";

/** Advance width of one character in em (DejaVu Sans Mono: 1233 units of 2048). */
export const CHAR_WIDTH_EM = 1233 / 2048;

/** Width in px of `text` at `size` px. */
export function textWidth(text: string, size: number): number {
  return [...text].length * size * CHAR_WIDTH_EM;
}

/** Shortens `text` with an ellipsis so that it fits in `width` px at `size` px. */
export function fitText(text: string, width: number, size: number): string {
  const max = Math.floor(width / (size * CHAR_WIDTH_EM));
  const chars = [...text];
  if (chars.length <= max) return text;
  return max <= 1 ? chars.slice(0, Math.max(0, max)).join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** Options of {@link text}. */
export interface TextOptions {
  /** Font size in px. Default 11. */
  size?: number;
  /** `start`, `middle` or `end`. Default `start`. */
  anchor?: 'start' | 'middle' | 'end';
  /** Fill colour. Default `#222`. */
  fill?: string;
  /** Bold. Default false. */
  bold?: boolean;
  /** Rotation in degrees about the anchor point. Default 0. */
  rotate?: number;
  /** CSS class, for tests and styling. */
  className?: string;
}

/**
 * A `<text>` element whose baseline is placed so the text is vertically centred on `y`
 * (DejaVu's cap height is about 0.73 em, so the baseline goes 0.36 em below the centre).
 */
export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const size = options.size ?? 11;
  return el(
    'text',
    {
      x,
      y: y + size * 0.36,
      'font-size': size,
      'text-anchor': options.anchor && options.anchor !== 'start' ? options.anchor : undefined,
      fill: options.fill ?? '#222',
      'font-weight': options.bold ? 'bold' : undefined,
      transform: options.rotate ? `rotate(${options.rotate} ${x} ${y})` : undefined,
      class: options.className,
    },
    esc(content),
  );
}

/** Splits `text` at spaces into lines of at most `width` px at `size` px (a longer word is cut). */
export function wrapText(content: string, width: number, size: number): string[] {
  const max = Math.max(1, Math.floor(width / (size * CHAR_WIDTH_EM)));
  const lines: string[] = [];
  let line = '';
  for (const word of content.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if ([...next].length <= max) line = next;
    else {
      if (line) lines.push(line);
      line = [...word].length > max ? fitText(word, width, size) : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
