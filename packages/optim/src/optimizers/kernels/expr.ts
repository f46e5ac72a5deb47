/**
 * A tiny expression language for element-wise update rules. A rule is written once with these
 * nodes; `wgsl.ts` and `wasm-simd.ts` compile it to a WebGPU shader and to WebAssembly SIMD code.
 * Nodes are compared by identity, so a value used twice is computed once.
 */

/** What a node computes. */
export type Op =
  | 'input'
  | 'coefficient'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'max'
  | 'min'
  | 'sqrt'
  | 'abs'
  | 'neg';

/** One node: an input element, a coefficient, or an operation on other nodes. */
export class Expr {
  constructor(
    readonly op: Op,
    readonly args: readonly Expr[] = [],
    /** The input index (w = 0, g = 1, slots from 2) or coefficient index. */
    readonly index = 0,
  ) {}

  add(b: Expr): Expr {
    return new Expr('add', [this, b]);
  }
  sub(b: Expr): Expr {
    return new Expr('sub', [this, b]);
  }
  mul(b: Expr): Expr {
    return new Expr('mul', [this, b]);
  }
  div(b: Expr): Expr {
    return new Expr('div', [this, b]);
  }
}

/** `sqrt(x)` element-wise. */
export const sqrt = (x: Expr): Expr => new Expr('sqrt', [x]);
/** `|x|` element-wise. */
export const abs = (x: Expr): Expr => new Expr('abs', [x]);
/** `-x` element-wise. */
export const neg = (x: Expr): Expr => new Expr('neg', [x]);
/** The larger of `a` and `b`. */
export const max = (a: Expr, b: Expr): Expr => new Expr('max', [a, b]);
/** The smaller of `a` and `b`. */
export const min = (a: Expr, b: Expr): Expr => new Expr('min', [a, b]);

/** What a rule's expressions are built from. */
export interface RuleInputs {
  /** The variable's value times the weight-decay factor (`c.decay`, 1 when off). */
  w: Expr;
  /** The gradient. */
  g: Expr;
  /** The slots, in the optimizer's order. */
  s: Expr[];
  /** The coefficients by name, and `decay`. */
  c: Record<string, Expr>;
}

/** The inputs of a rule with `slots` slots and the named coefficients (`decay` added last). */
export function ruleInputs(coefficients: readonly string[], slots: number): RuleInputs {
  const c: Record<string, Expr> = {};
  [...coefficients, 'decay'].forEach((name, i) => {
    c[name] = new Expr('coefficient', [], i);
  });
  return {
    w: new Expr('input', [], 0).mul(c.decay),
    g: new Expr('input', [], 1),
    s: Array.from({ length: slots }, (_, i) => new Expr('input', [], 2 + i)),
    c,
  };
}

/** Every operation node reachable from `outputs`, each after its arguments (inputs and coefficients excluded). */
export function topologicalOrder(outputs: readonly Expr[]): Expr[] {
  const order: Expr[] = [];
  const seen = new Set<Expr>();
  const visit = (e: Expr) => {
    if (seen.has(e)) return;
    seen.add(e);
    for (const a of e.args) visit(a);
    if (e.op !== 'input' && e.op !== 'coefficient') order.push(e);
  };
  for (const o of outputs) visit(o);
  return order;
}
