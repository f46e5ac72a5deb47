/** One runnable TypeScript example of a README: its ```ts blocks, joined where one continues another. */
export interface Example {
  /** The README it comes from, as given to {@link extractExamples}. */
  file: string;
  /** 1-based line of the example's first ```ts fence in the README. */
  line: number;
  /** The program: the block's code, after the code of the blocks it continues. */
  code: string;
  /**
   * Where it runs: `'browser'` for a block that starts with {@link BROWSER_ONLY}, `'node'` for one that
   * imports a Node-only entry point (`@tensorfold/<package>/node`) or a `node:` module, else `'any'`.
   */
  runsIn: 'any' | 'node' | 'browser';
}

/**
 * A block whose first line is this comment continues the block before it: the two run as one program
 * (so a second block can use the model the first one built). It must not import a name again.
 */
export const CONTINUES = '// (continues the example above)';

/** A block whose first line is this comment is for a browser page only (it is run bundled, in Chromium). */
export const BROWSER_ONLY = '// (in a browser page)';

/** Where a program can run (see {@link Example.runsIn}). */
function runsIn(code: string): Example['runsIn'] {
  if (code.trimStart().startsWith(BROWSER_ONLY)) return 'browser';
  return /from '(@tensorfold\/[a-z-]+\/node|node:[a-z/]+)'/.test(code) ? 'node' : 'any';
}

/**
 * The ```ts examples of a Markdown text, in order. Other fences (```sh, ```text) are not examples.
 * A block that starts with {@link CONTINUES} is joined to the example before it instead of starting
 * its own.
 */
export function extractExamples(markdown: string, file: string): Example[] {
  const examples: Example[] = [];
  const lines = markdown.split('\n');
  let open: { line: number; code: string[] } | null = null;
  let fence = '';
  for (const [index, text] of lines.entries()) {
    if (open == null) {
      const start = /^(\s*)(```+|~~~+)\s*(ts|typescript)\s*$/.exec(text);
      if (start) {
        open = { line: index + 1, code: [] };
        fence = start[2];
      }
      continue;
    }
    if (text.trim() === fence) {
      const code = open.code.join('\n');
      const previous = examples.at(-1);
      if (code.trimStart().startsWith(CONTINUES)) {
        if (previous == null)
          throw new Error(`${file}:${open.line}: the first example cannot continue another one.`);
        previous.code = `${previous.code}\n${code}`;
        previous.runsIn = runsIn(previous.code);
      } else {
        examples.push({ file, line: open.line, code, runsIn: runsIn(code) });
      }
      open = null;
      continue;
    }
    open.code.push(text);
  }
  if (open != null) throw new Error(`${file}:${open.line}: the \`\`\`ts block is never closed.`);
  return examples;
}
