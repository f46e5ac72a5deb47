import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * WebAssembly's `select` evaluates both of its values before it picks one: a load in either is done
 * whatever the condition says, so a `select` that guards a load whose address may lie past the data
 * (`(select (f32.load (local.get $src)) (f32.const 0) (i32.lt_u (local.get $col) (local.get $n)))`)
 * traps where the data ends at the memory's end (threaded-mat-mul.wat's packPanels did: Tucker-HOOI
 * 100^3 on 2 threads). This scans every .wat under src/wasm for a load inside a `select`'s values,
 * but for loads of a kernel's argument block (`$p`, `$params`), which always lie in memory. A load
 * in the condition is fine (it is the one operand always needed), and `v128.bitselect` blends
 * lanes of two values that are both needed. Pick the address with `select` (then load once), or use
 * `if`.
 */

/** An s-expression: an atom or a list. */
type Node = string | Node[];

function parse(source: string): Node[] {
  const tokens = source.replace(/;;[^\n]*/g, '').match(/\(|\)|"[^"]*"|[^\s()]+/g) ?? [];
  const stack: Node[][] = [[]];
  for (const token of tokens) {
    if (token === '(') stack.push([]);
    else if (token === ')') {
      const done = stack.pop() as Node[];
      stack[stack.length - 1].push(done);
    } else stack[stack.length - 1].push(token);
  }
  return stack[0];
}

const text = (node: Node): string => (typeof node === 'string' ? node : `(${node.map(text).join(' ')})`);

/** Loads in `node` whose address is not read from the argument block. */
function riskyLoads(node: Node): string[] {
  if (typeof node === 'string') return [];
  const [head, ...rest] = node;
  if (typeof head === 'string' && /\.load/.test(head)) {
    const address = rest.find((part) => typeof part !== 'string' || !part.startsWith('offset='));
    const fromArguments = address != null && /^\(local\.get \$(p|params)\)$/.test(text(address));
    return fromArguments ? [] : [text(node)];
  }
  return node.flatMap(riskyLoads);
}

/** `select`s of `source` with a risky load in a value (not the condition, its last operand). */
function selectsOverLoads(source: string): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    if (typeof node === 'string') return;
    if (node[0] === 'select') {
      const operands = node.slice(1).filter((part) => typeof part !== 'string'); // no `(result ...)` types
      const values = operands.slice(0, -1).filter((part) => !(Array.isArray(part) && part[0] === 'result'));
      if (values.some((value) => riskyLoads(value).length > 0)) found.push(text(node));
    }
    node.forEach(visit);
  };
  parse(source).forEach(visit);
  return found;
}

/** Every .wat under src/wasm. */
const wasmDir = new URL('..', import.meta.url).pathname;
const watFiles = readdirSync(wasmDir, { recursive: true, encoding: 'utf8' }).filter((name) =>
  name.endsWith('.wat'),
);

describe('no `select` loads past the data (both values are evaluated)', () => {
  it('finds the pattern that trapped (a load of b guarded by the column) and passes a select of addresses', () => {
    const trapped =
      '(f32.store (local.get $dst) (select (f32.load (local.get $src)) (f32.const 0) (i32.lt_u (local.get $col) (local.get $n))))';
    expect(selectsOverLoads(trapped)).toHaveLength(1);
    const address =
      '(f32.load (select (local.get $src) (local.get $zero) (i32.lt_u (local.get $col) (local.get $n))))';
    expect(selectsOverLoads(address)).toEqual([]);
    expect(
      selectsOverLoads('(select (i32.load offset=44 (local.get $p)) (i32.const 1) (local.get $c))'),
    ).toEqual([]);
    expect(selectsOverLoads('(select (i32.const 0) (i32.const 1) (i32.load (local.get $flags)))')).toEqual(
      [],
    );
  });

  it.each(watFiles)('%s', (name) => {
    expect(watFiles.length).toBeGreaterThan(10);
    expect(selectsOverLoads(readFileSync(join(wasmDir, name), 'utf8'))).toEqual([]);
  });
});
