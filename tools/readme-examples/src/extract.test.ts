import { describe, expect, it } from 'vitest';
import { BROWSER_ONLY, CONTINUES, extractExamples } from './extract.js';

describe('extractExamples', () => {
  it('takes ```ts blocks only, with the line of their fence', () => {
    const md = [
      '# T',
      '```sh',
      'npm i x',
      '```',
      '',
      '```ts',
      'const a = 1;',
      '```',
      '```text',
      'no',
      '```',
      '```typescript',
      'b();',
      '```',
    ].join('\n');
    expect(extractExamples(md, 'R.md')).toEqual([
      { file: 'R.md', line: 6, code: 'const a = 1;', runsIn: 'any' },
      { file: 'R.md', line: 12, code: 'b();', runsIn: 'any' },
    ]);
  });

  it('joins a block that continues the one before it', () => {
    const md = ['```ts', 'const m = 1;', '```', 'text', '```ts', CONTINUES, 'use(m);', '```'].join('\n');
    const [only, ...rest] = extractExamples(md, 'R.md');
    expect(rest).toEqual([]);
    expect(only.code).toBe(`const m = 1;\n${CONTINUES}\nuse(m);`);
  });

  it('tells Node-only and browser-only examples apart', () => {
    const md = [
      '```ts',
      "import { loadModel } from '@tensorfold/core/node';",
      '```',
      '```ts',
      BROWSER_ONLY,
      "await initBackend({ wasmPaths: '/wasm/' });",
      '```',
      '```ts',
      "import { tf } from '@tensorfold/core';",
      '```',
      '```ts',
      CONTINUES,
      "import { readFileSync } from 'node:fs';",
      '```',
    ].join('\n');
    expect(extractExamples(md, 'R.md').map((e) => e.runsIn)).toEqual(['node', 'browser', 'node']);
  });

  it('refuses a first block that continues nothing, and an unclosed block', () => {
    expect(() => extractExamples(['```ts', CONTINUES, '```'].join('\n'), 'R.md')).toThrow(/R.md:1/);
    expect(() => extractExamples(['x', '```ts', 'a'].join('\n'), 'R.md')).toThrow(/R.md:2: .*never closed/);
  });
});
