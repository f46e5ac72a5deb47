/**
 * The demo site's benchmark, in Debian's Chromium: each page's own JavaScript gzipped (beside the entry
 * and the shared tensorfold/tfjs chunk), and the time from opening the Playground to the end of its first
 * training step on WASM. Run: `pnpm --filter @tensorfold/demo bench` (add TENSORFOLD_DEMO_PREBUILT=1 to
 * measure the dist/ already built).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PAGES } from '../src/pages';
import { buildSite, DIST, launch, serveSite } from './site';

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  css?: string[];
}

const gzipKB = (file: string) => gzipSync(readFileSync(join(DIST, file))).length / 1024;

if (process.env.TENSORFOLD_DEMO_PREBUILT !== '1') await buildSite();
const manifest = JSON.parse(readFileSync(join(DIST, '.vite', 'manifest.json'), 'utf8')) as Record<
  string,
  ManifestChunk
>;
const entry = Object.values(manifest).find((c) => c.isEntry);
if (!entry) throw new Error('The manifest has no entry chunk: rebuild the site.');
const shared = new Set([entry.file, ...(entry.imports ?? []).map((k) => manifest[k].file)]);

/** Every chunk a chunk loads, itself included. */
function closure(key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const k of manifest[key].imports ?? []) closure(k, seen);
  return seen;
}

console.log('| page | own JS gzipped | shared (entry + tensorfold/tfjs chunk) gzipped |');
console.log('| --- | ---: | ---: |');
const sharedKB = [...shared].reduce((sum, f) => sum + gzipKB(f), 0);
for (const page of PAGES) {
  const key = Object.keys(manifest).find((k) => manifest[k].isDynamicEntry && k.includes(`/${page.id}/`));
  if (!key) throw new Error(`No chunk for page ${page.id} in the manifest.`);
  const own = [...closure(key)].map((k) => manifest[k].file).filter((f) => !shared.has(f));
  const kb = own.reduce((sum, f) => sum + gzipKB(f), 0);
  const over = kb > 150 ? ' (over the 150 KB budget)' : '';
  if (over) process.exitCode = 1;
  console.log(`| ${page.title} | ${kb.toFixed(1)} KB${over} | ${sharedKB.toFixed(1)} KB |`);
}

const site = await serveSite();
const browser = await launch();
const times: number[] = [];
try {
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext(); // a fresh cache each run
    const page = await context.newPage();
    await page.goto(`${site.url}?backend=wasm#playground`);
    const step = page.getByTestId('play-step');
    await step.waitFor();
    while (!(await step.isEnabled())) await page.waitForTimeout(10);
    await step.click();
    const text = (await page.getByTestId('first-step').textContent({ timeout: 60_000 })) ?? '';
    times.push(Number(/(\d+) ms/.exec(text)?.[1]));
    await context.close();
  }
} finally {
  await browser.close();
  await site.close();
}
times.sort((a, b) => a - b);
console.log(
  `\nPlayground on WASM, opening to the end of the first training step: median ${times[2]} ms (runs: ${times.join(', ')} ms)`,
);
