import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import wabt from 'wabt';
import { expandIncludes, expandIncludesWithOrigins, relocated } from '../../../scripts/wat-includes.mjs';

// The `;; @include` lines that compile-simd-kernels.mjs expands before compiling (scripts/wat-includes.mjs).

const simdDir = fileURLToPath(new URL('.', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'tensorfold-wat-includes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The modules: the .wat files directly in src/wasm/simd/ (fragments/ holds the included ones). */
const modules = readdirSync(simdDir).filter((name) => name.endsWith('.wat'));
/** The text of `path` (relative to src/wasm/simd/) as written, its include lines not expanded. */
const read = (path: string) => readFileSync(join(simdDir, path), 'utf8');
/** How many times `part` stands in `text`. */
const count = (text: string, part: string) => text.split(part).length - 1;

/** Writes `files` (path relative to a fresh folder: text) and returns that folder. */
function folder(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('expandIncludes', () => {
  it('replaces each include line by the fragment, verbatim, and leaves the rest alone', () => {
    const fragment = '  ;; f\n  (func $f (result i32) (i32.const 1))\n';
    const dir = folder('ok', { 'parts/f.wat': fragment });
    const source = '(module\n  (func $g)\n\n  ;; @include parts/f.wat\n  (func $h)\n)\n';
    expect(expandIncludes(source, join(dir, 'm.wat'))).toBe(
      '(module\n  (func $g)\n\n  ;; f\n  (func $f (result i32) (i32.const 1))\n  (func $h)\n)\n',
    );
    expect(expandIncludes('(module\n  ;; includes nothing\n)\n', join(dir, 'm.wat'))).toBe(
      '(module\n  ;; includes nothing\n)\n',
    );
  });

  it('names the file, line and path where the fragment is missing', () => {
    const dir = folder('missing', {});
    expect(() => expandIncludes('(module\n\n  ;; @include parts/gone.wat\n)\n', join(dir, 'm.wat'))).toThrow(
      /^m\.wat:3: '@include parts\/gone\.wat': cannot read .*parts\/gone\.wat \(ENOENT\); the path is relative to the folder of m\.wat$/,
    );
  });

  it('refuses an include without a path, and a fragment that includes another', () => {
    const dir = folder('nested', { 'a.wat': '(func $a)\n;; @include b.wat\n', 'b.wat': '(func $b)\n' });
    expect(() => expandIncludes(';; @include\n', join(dir, 'm.wat'))).toThrow(
      /^m\.wat:1: '@include' needs one path/,
    );
    expect(() => expandIncludes(';; @include a.wat b.wat\n', join(dir, 'm.wat'))).toThrow(/needs one path/);
    expect(() => expandIncludes('(module\n;; @include a.wat\n)\n', join(dir, 'm.wat'))).toThrow(
      /^m\.wat:2: '@include a\.wat': the fragment includes another at its line 2; fragments may not include/,
    );
  });
});

describe('expandIncludesWithOrigins', () => {
  it("gives each expanded line's file and line as written, and the same text as expandIncludes", () => {
    const dir = folder('origins', { 'parts/f.wat': '  ;; f\n  (func $f)\n' });
    const source = '(module\n  (func $g)\n  ;; @include parts/f.wat\n  (func $h)\n)\n';
    const { text, origin } = expandIncludesWithOrigins(source, join(dir, 'm.wat'));
    expect(text).toBe(expandIncludes(source, join(dir, 'm.wat')));
    expect([1, 2, 3, 4, 5, 6, 7].map(origin)).toEqual([
      'm.wat:1',
      'm.wat:2',
      'parts/f.wat:1',
      'parts/f.wat:2',
      'm.wat:4',
      'm.wat:5',
      'm.wat:6',
    ]);
  });

  it("moves wabt's error positions in the expanded text back to the fragment's lines", async () => {
    const dir = folder('wabt', {
      'parts/bad.wat': '  (func $ok (result i32) (i32.const 1))\n  (func $bad (result i32) (i32.bogus))\n',
    });
    const file = join(dir, 'm.wat');
    const { text, origin } = expandIncludesWithOrigins(
      '(module\n  (func $g)\n  ;; @include parts/bad.wat\n)\n',
      file,
    );
    const toolkit = await wabt();
    let message = '';
    try {
      toolkit.parseWat('m.wat', text, {}).destroy();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^m\.wat:4:\d+: error/m); // line 4 of the expanded text
    expect(relocated(message, 'm.wat', origin)).toMatch(/^parts\/bad\.wat:2:\d+: error/m);
    expect(relocated(message, 'm.wat', origin)).not.toMatch(/m\.wat:4/);
    expect(relocated(message, 'm.wat', undefined)).toBe(message);
  });
});

describe('the float zero-step skip in the SIMD kernels', () => {
  it('has one source: fragments/float-zero-skip.wat, included by kernels.wat and threaded-mat-mul.wat', () => {
    const fragment = read('fragments/float-zero-skip.wat');
    for (const func of [
      '(func $nonzero4',
      '(func $nonzero1',
      '(func (export "zeroSteps")',
      '(func (export "allFinite")',
    ]) {
      expect(count(fragment, func)).toBe(1);
      expect(modules.filter((name) => read(name).includes(func))).toEqual([]);
    }
    const including = modules.filter((name) =>
      read(name).includes(';; @include fragments/float-zero-skip.wat'),
    );
    expect(including.sort()).toEqual(['kernels.wat', 'threaded-mat-mul.wat']);
    for (const name of including) {
      const expanded = expandIncludes(read(name), join(simdDir, name));
      expect(count(expanded, '(func (export "zeroSteps")')).toBe(1);
      expect(count(expanded, '(func (export "allFinite")')).toBe(1);
    }
  });
});

describe('the lists per pair of rows in the SIMD kernels', () => {
  it('has one source: fragments/pair-steps.wat, included by pair-steps.wat and threaded-pair-steps.wat', () => {
    const func = '(func (export "pairSteps")';
    expect(count(read('fragments/pair-steps.wat'), func)).toBe(1);
    expect(modules.filter((name) => read(name).includes(func))).toEqual([]);
    const including = modules.filter((name) => read(name).includes(';; @include fragments/pair-steps.wat'));
    expect(including.sort()).toEqual(['pair-steps.wat', 'threaded-pair-steps.wat']);
    for (const name of including) {
      expect(count(expandIncludes(read(name), join(simdDir, name)), func)).toBe(1);
    }
  });
});

describe('the direct convolution and the blocked filter gradient in the SIMD kernels', () => {
  // `(func $name` with its line's end: the definition (the export line names the function too)
  it.each([
    ['direct-conv', '(func $directConv\n', '(export "directConv" (func $directConv))'],
    [
      'filter-gradient-blocked',
      '(func $filterGradientBlocked\n',
      '(export "filterGradientBlocked" (func $filterGradientBlocked))',
    ],
  ])(
    'has one source: fragments/%s.wat, included by the one-thread module and the threaded one',
    (name, func, exported) => {
      expect(count(read(`fragments/${name}.wat`), func)).toBe(1);
      expect(modules.filter((module) => read(module).includes(func))).toEqual([]);
      const including = modules.filter((module) =>
        read(module).includes(`;; @include fragments/${name}.wat`),
      );
      expect(including.sort()).toEqual([`${name}.wat`, `threaded-${name}.wat`]);
      for (const module of including) {
        expect(count(expandIncludes(read(module), join(simdDir, module)), func)).toBe(1);
      }
      // exported by the one-thread module only: the pool's module calls it from its chunk function
      expect(count(read(`${name}.wat`), exported)).toBe(1);
      expect(count(read(`threaded-${name}.wat`), '(export')).toBe(1);
    },
  );
});

describe('the direct int8 convolution in the SIMD kernels', () => {
  /** The lines of `text` that are code to wabt: not blank, not a `;;` comment (so not an include line). */
  const code = (text: string) => text.split('\n').filter((line) => !/^\s*(;;.*)?$/.test(line));

  it('has one source: fragments/int8-direct.wat, included by int8-direct.wat and threaded-int8-direct.wat', () => {
    // each function's first line: $dot's parameters tell it from mttkrp.wat's $dot
    const funcs = [
      '(func $store8 (param $y0 v128)',
      '(func $dot (param $a v128) (param $b v128)',
      '(func (export "int8DirectConvChunk")',
    ];
    for (const func of funcs) {
      expect(count(read('fragments/int8-direct.wat'), func)).toBe(1);
      expect(modules.filter((module) => read(module).includes(func))).toEqual([]);
    }
    const including = modules.filter((module) =>
      read(module).includes(';; @include fragments/int8-direct.wat'),
    );
    expect(including.sort()).toEqual(['int8-direct.wat', 'threaded-int8-direct.wat']);
    for (const module of including) {
      const expanded = expandIncludes(read(module), join(simdDir, module));
      for (const func of funcs) expect(count(expanded, func)).toBe(1);
    }
  });

  it("is that include and the memory, nothing else: tfjs-backend-wasm's, or the pool's shared one", () => {
    // what the old line-for-line test of the two modules kept: the same code on either memory
    expect(code(read('int8-direct.wat'))).toEqual(['(module', '  (import "env" "memory" (memory 0))', ')']);
    expect(code(read('threaded-int8-direct.wat'))).toEqual([
      '(module',
      '  (import "env" "memory" (memory 1 16384 shared))',
      ')',
    ]);
  });
});
