/**
 * The smallest SVG writer that does the job: elements as strings, escaped text, and numbers written
 * the same way on every machine (at most two decimals, no `-0`), so that output is byte-identical
 * in Node and in the browser.
 */

/** Attribute values; `undefined` leaves the attribute out. */
export type Attrs = Record<string, string | number | undefined>;

/** Escapes `&`, `<`, `>`, `"` and `'` for text and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number as SVG text: rounded to `digits` decimals (default 2), trailing zeros dropped, `-0` as `0`. */
export function num(x: number, digits = 2): string {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? '0' : String(r);
}

/** One element. Children are strings already written by `el` (or escaped text). */
export function el(tag: string, attrs: Attrs = {}, children: string | string[] = ''): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : esc(v as string)}"`)
    .join('');
  const body = Array.isArray(children) ? children.join('') : children;
  return body === '' ? `<${tag}${a}/>` : `<${tag}${a}>${body}</${tag}>`;
}

/** A 32-bit FNV-1a hash as 8 hex digits: ids derived from content, so they are stable and distinct. */
export function hashId(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
