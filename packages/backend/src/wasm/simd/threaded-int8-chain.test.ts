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
});
