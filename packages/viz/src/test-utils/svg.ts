/** A small XML reader for tests: enough of XML to check the structure of the SVG this package writes. */
export interface SvgNode {
  tag: string;
  attrs: Record<string, string>;
  children: SvgNode[];
  text: string;
}

function unescapeXml(s: string): string {
  return s.replace(/&#(\d+);/g, (_, d) => String.fromCharCode(Number(d))).replace(/&amp;/g, '&');
}

/** Parses `svg`; throws on unbalanced tags, so a malformed document fails the test. */
export function parseSvg(svg: string): SvgNode {
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  const root: SvgNode = { tag: '#root', attrs: {}, children: [], text: '' };
  const stack: SvgNode[] = [root];
  for (const m of svg.matchAll(re)) {
    const [, close, tag, attrText, selfClose, chars] = m;
    const top = stack[stack.length - 1];
    if (chars !== undefined) {
      top.text += unescapeXml(chars);
      continue;
    }
    if (close) {
      if (top.tag !== tag) throw new Error(`</${tag}> closes <${top.tag}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]] = unescapeXml(a[2]);
    const node: SvgNode = { tag, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClose) stack.push(node);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].tag}>`);
  if (root.children.length !== 1) throw new Error('expected one root element');
  return root.children[0];
}

/** Every node below `node` (depth first) that passes `test`. */
export function findAll(node: SvgNode, test: (n: SvgNode) => boolean): SvgNode[] {
  const out: SvgNode[] = [];
  const walk = (n: SvgNode) => {
    for (const c of n.children) {
      if (test(c)) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

/** Nodes whose `class` attribute contains every word of `className`. */
export function byClass(node: SvgNode, className: string): SvgNode[] {
  const words = className.split(' ');
  return findAll(node, (n) => {
    const cls = (n.attrs.class ?? '').split(' ');
    return words.every((w) => cls.includes(w));
  });
}

/** The text of a node and its descendants. */
export function textOf(node: SvgNode): string {
  return node.text + node.children.map(textOf).join('');
}

/** The points of a path's `d` made only of M and L commands. */
export function pathPoints(d: string): { cmd: string; x: number; y: number }[] {
  return [...d.matchAll(/([ML])(-?[\d.]+) (-?[\d.]+)/g)].map((m) => ({
    cmd: m[1],
    x: Number(m[2]),
    y: Number(m[3]),
  }));
}

/** Centre y of a tick label (the text baseline is placed 0.36 em below the centre). */
export function tickCentre(node: SvgNode, axis: 'x' | 'y'): number {
  const size = Number(node.attrs['font-size']);
  return axis === 'y' ? Number(node.attrs.y) - size * 0.36 : Number(node.attrs.x);
}
