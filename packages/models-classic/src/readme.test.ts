// Runs the README's example as written and compares what it prints with the README's output block, so
// the docs cannot drift from the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as classic from './index.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

/** The first fenced block of `language` after `heading`. */
function block(language: string, after: number): { text: string; end: number } {
  const open = readme.indexOf(`\`\`\`${language}\n`, after);
  if (open < 0) throw new Error(`README has no \`\`\`${language} block after offset ${after}.`);
  const start = open + language.length + 4;
  const end = readme.indexOf('```', start);
  return { text: readme.slice(start, end), end };
}

describe('README', () => {
  it('the fruit example prints what the README shows', () => {
    const code = block('ts', readme.indexOf('## The fruit example'));
    const expected = block('text', code.end);
    const imports = /^import \{([^}]*)\} from '@tensorfold\/models-classic';\n/m.exec(code.text);
    expect(imports).not.toBeNull();
    const names = (imports?.[1] ?? '').split(',').map((s) => s.trim());
    const body = code.text.replace(imports?.[0] ?? '', '');
    const printed: string[] = [];
    const log = (...values: unknown[]) => printed.push(values.map(String).join(' '));
    // The example is plain JavaScript apart from its import, which is bound to this package's exports.
    const run = new Function('lib', 'console', `const { ${names.join(', ')} } = lib;\n${body}`);
    run(classic, { log });
    expect(printed).toEqual(expected.text.trimEnd().split('\n'));
  });
});
