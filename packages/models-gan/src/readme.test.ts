// The README's examples, run as written (with `console.log` captured), so the docs cannot drift.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

/**
 * Runs one README example as written: it is saved as a module beside this file (so its imports resolve
 * as a user's would, from this package) and imported, then the file is removed.
 */
async function run(code: string, index: number): Promise<void> {
  const file = fileURLToPath(new URL(`./readme-example-${index}.generated.ts`, import.meta.url));
  writeFileSync(file, code);
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    rmSync(file, { force: true });
  }
}

describe('README examples', () => {
  it('has the two examples', () => {
    expect(examples).toHaveLength(2);
  });

  it('the ring GAN covers 8/8 modes as the README says', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await run(examples[0], 0);
    expect(log.mock.calls[0][0]).toMatch(/^8\/8 modes, energy distance 0\.0[0-4]/);
    log.mockRestore();
  }, 300_000);

  it('the VAE example trains and samples', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await run(examples[1], 1);
    expect(log.mock.calls[0][0]).toEqual([16, 28, 28, 1]);
    log.mockRestore();
  }, 300_000);
});
