import { describe, expect, it } from 'vitest';
import { CONTINUES, extractExamples } from './extract.js';

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
      { file: 'R.md', line: 6, code: 'const a = 1;' },
      { file: 'R.md', line: 12, code: 'b();' },
    ]);
  });

  it('joins a block that continues the one before it', () => {
    const md = ['```ts', 'const m = 1;', '```', 'text', '```ts', CONTINUES, 'use(m);', '```'].join('\n');
    const [only, ...rest] = extractExamples(md, 'R.md');
    expect(rest).toEqual([]);
    expect(only.code).toBe(`const m = 1;\n${CONTINUES}\nuse(m);`);
  });

  it('refuses a first block that continues nothing, and an unclosed block', () => {
    expect(() => extractExamples(['```ts', CONTINUES, '```'].join('\n'), 'R.md')).toThrow(/R.md:1/);
    expect(() => extractExamples(['x', '```ts', 'a'].join('\n'), 'R.md')).toThrow(/R.md:2: .*never closed/);
  });
});
