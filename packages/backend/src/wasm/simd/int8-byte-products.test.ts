import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandIncludes } from '../../../scripts/wat-includes.mjs';

/** The FMA build's text of `file`: `;; @include` lines expanded, the lines marked `;;fma ` kept (as compile-simd-kernels.mjs). */
const fmaSource = (file: string) => {
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  return expandIncludes(readFileSync(path, 'utf8'), path).replace(/^([ \t]*);;fma /gm, '$1');
};

/** The code (no comments) of the function whose first line starts with `head`, up to the next function or comment at its depth. */
function code(wat: string, head: string): string {
  const lines = wat.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  (func ${head}`));
  expect(start, head).toBeGreaterThan(-1);
  let end = start + 1;
  while (end < lines.length && !/^ {2}(\(func|;;)/.test(lines[end])) end++;
  return lines.slice(start, end).join('\n').replace(/;;.*$/gm, '');
}

/** How many parentheses are open at `at` in `code` (1: in a function's body, outside its blocks). */
function depth(code: string, at: number): number {
  let open = 0;
  for (const c of code.slice(0, at)) open += c === '(' ? 1 : c === ')' ? -1 : 0;
  return open;
}

// V8 11.3 (Node 20, x64) emits i32x4.extadd_pairwise_i16x8_s as an address load and a pmaddwd with
// its 1s in memory at every use; i32x4.dot_i16x8_s with 1s kept in a local is the same pmaddwd (the
// same sums, the same bits: the int8 kernels' tests compare them with the reference) from a register.
// The byte products' loops of every int8 module (BENCHMARKS.md, branch wip/int8-ones).
describe('the int8 byte products widen int16 pairs by a dot with 1s in a local, not extadd_pairwise', () => {
  it.each([
    // [module, function, dot products with $one: 8 a unit of 4 rows x 8 columns, unrolled as written]
    ['int8.wat', '(export "gemm")', 24], // two units a turn, then an odd last one
    ['threaded-int8.wat', '$gemm', 8], // the layers' jobs (and the chain's unlisted path: its copy)
    ['threaded-int8-chain.wat', '$gemm', 8],
    ['int8-direct.wat', '(export "int8DirectConvChunk")', 8], // fragments/int8-direct.wat
    ['threaded-int8-direct.wat', '(export "int8DirectConvChunk")', 8],
  ] as const)('%s %s', (file, head, dots) => {
    const fn = code(fmaSource(file), head);
    expect(fn).not.toContain('extadd_pairwise');
    expect(
      fn.match(/\(i32x4\.dot_i16x8_s \(i16x8\.relaxed_dot_i8x16_i7x16_s [^\n]*\(local\.get \$one\)\)/g)
        ?.length,
    ).toBe(dots);
    // set once, to 1s, in the function's body itself (in no block, if or loop: on every path) before
    // its first use
    expect(fn.match(/\(local\.set \$one /g)?.length).toBe(1);
    const set = fn.indexOf('(local.set $one (i16x8.splat (i32.const 1)))');
    expect(set).toBeGreaterThan(-1);
    expect(depth(fn, set)).toBe(1);
    expect(set).toBeLessThan(fn.indexOf('(local.get $one)'));
  });
});
