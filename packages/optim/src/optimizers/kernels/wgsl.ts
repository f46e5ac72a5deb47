/** Compiles a rule's expressions to WGSL statements (see `webgpu.ts`). */
import { type Expr, topologicalOrder } from './expr.js';
import type { FusedRule } from './fused-rule.js';

const binary: Partial<Record<Expr['op'], string>> = { add: '+', sub: '-', mul: '*', div: '/' };

/**
 * WGSL that reads `w`, `g`, `s0`... and the uniforms `uniforms.c0`, `uniforms.c1`... and defines
 * `out0` (the new value) ... `outK` (the new slots).
 */
export function ruleWgsl(rule: FusedRule): string {
  const names = new Map<Expr, string>();
  const ref = (e: Expr): string => {
    if (e.op === 'input') return e.index === 0 ? 'w' : e.index === 1 ? 'g' : `s${e.index - 2}`;
    if (e.op === 'coefficient') return `uniforms.c${e.index}`;
    return names.get(e) as string;
  };
  const lines = topologicalOrder(rule.expressions).map((e, i) => {
    const name = `t${i}`;
    const [a, b] = e.args.map(ref);
    const op = binary[e.op];
    const value = op
      ? `${a} ${op} ${b}`
      : e.op === 'neg'
        ? `-${a}`
        : `${e.op}(${a}${b === undefined ? '' : `, ${b}`})`;
    names.set(e, name);
    return `let ${name} = ${value};`;
  });
  rule.expressions.forEach((e, k) => {
    lines.push(`let out${k} = ${ref(e)};`);
  });
  return lines.join('\n        ');
}
