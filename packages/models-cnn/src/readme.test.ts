// Runs the README's example as written (extracted from README.md), so the docs cannot drift from the code.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '@tensorfold/core';
import { afterAll, describe, expect, it, vi } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const example = join(here, 'readme-example.generated.ts');
afterAll(() => rmSync(example, { force: true }));

describe('README example', () => {
  it('builds VGG16 without its top, transfers the digits base to new digits and explains a prediction', async () => {
    const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    const code = blocks.find((b) => b.includes('loadDigitsBase()')) as string;
    // The example's own imports resolve from src/; its last values are exported for the checks below.
    writeFileSync(example, `${code}\nexport { heatmap, maps, history, model, x, y, image, mnist };\n`);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const m = await import(/* @vite-ignore */ example);
    expect(log.mock.calls[0][0]).toBe(14_714_688);
    expect(m.history.history.accuracy.at(-1)).toBeGreaterThan(0.8);
    expect(m.heatmap.shape).toEqual([14, 14]);
    expect(m.maps.c1.shape).toEqual([1, 28, 28, 16]);
    log.mockRestore();
    tf.dispose([m.heatmap, m.maps.c1, m.x, m.y, m.image]);
    m.model.dispose();
    m.mnist.dispose();
  });
});
