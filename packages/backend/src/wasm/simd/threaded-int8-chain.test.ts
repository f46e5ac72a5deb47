import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandIncludes } from '../../../scripts/wat-includes.mjs';

/** The text of `file` with its `;; @include` lines expanded (what compile-simd-kernels.mjs compiles). */
const source = (file: string) => {
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  return expandIncludes(readFileSync(path, 'utf8'), path);
};
const raw = (file: string) => readFileSync(fileURLToPath(new URL(`./${file}`, import.meta.url)), 'utf8');

/** The text of `(func $name ...)` in `wat`: from its first line to the line before the next function's comment or func. */
function func(wat: string, name: string): string {
  const lines = wat.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  (func $${name}`));
  expect(start).toBeGreaterThan(-1);
  let end = start + 1;
  while (end < lines.length && !/^ {2}(\(func|;;)/.test(lines[end])) end++;
  return lines.slice(start, end).join('\n');
}

describe('threaded-int8-chain.wat', () => {
  // each .wat is a module of its own (each under 4 KB), so the chain module carries copies of the
  // layers' functions: the same text, so the same bits as the layers' jobs one after another
  // (quantizeRows and finish from one fragment each, gemm copied)
  it.each(['int8.wat', 'threaded-int8.wat', 'threaded-int8-chain.wat'])(
    '%s takes quantizeRows and finish from the fragments, not a copy of its own',
    (file) => {
      const text = raw(file);
      expect(text).toContain(';; @include fragments/int8-quantize-rows.wat');
      expect(text).toContain(';; @include fragments/int8-finish.wat');
      expect(text).not.toMatch(/^ *\(func \$(quantizeRows|finish)\b/m);
    },
  );

  it.each(['quantizeRows', 'finish', 'gemm'])(
    "carries threaded-int8.wat's $%s character for character",
    (name) => {
      // gemm's lines marked `listed` are the chain's own (its byte products over lists of units)
      const copy = func(source('threaded-int8-chain.wat'), name)
        .split('\n')
        .filter((l) => !l.endsWith(';; listed'))
        .join('\n');
      expect(copy.split('\n').length).toBeGreaterThan(10);
      expect(copy).toBe(func(source('threaded-int8.wat'), name));
    },
  );

  it('widens the listed byte products by a dot with 1s kept in a local, not extadd_pairwise', () => {
    // V8 (x64) loads extadd_pairwise's 1s from memory at each use (an address, then the operand):
    // ~16% of the MLP's int8 pass (BENCHMARKS.md). The FMA build's text: lines marked `;;fma ` kept.
    const fma = source('threaded-int8-chain.wat').replace(/^([ \t]*);;fma /gm, '$1');
    const listed = func(fma, 'listed').replace(/;;.*$/gm, ''); // its code, not its comments
    expect(listed).toContain('(local.set $one (i16x8.splat (i32.const 1)))');
    expect(listed.match(/i32x4\.dot_i16x8_s/g)?.length).toBe(8); // 4 a turn of two units, 4 for an odd last one
    expect(listed).not.toContain('extadd_pairwise');
    // gemm's listed lines call it, a pair of rows at a time
    expect(func(fma, 'gemm').match(/\(call \$listed /g)?.length).toBe(2);
  });
});
