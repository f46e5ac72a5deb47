/**
 * LeNet-5 training speed in the browser against the Node CLI, on WASM, on the same machine in the same
 * run (issue 20's target: the browser at >= 80% of the CLI's samples per second). Each round trains
 * the same model description (`@tensorfold/models-cnn`'s `lenet5`, Adam 1e-3, batch 64) for one epoch
 * over the first 4,000 MNIST training images:
 * - Node: `tensorfold train lenet5 --dataset mnist --epochs 1 --limit 4000 --batch-size 64 --backend wasm --json`,
 *   its `samplesPerSecond` (training steps only, evaluation excluded);
 * - Chromium (Debian's, headless): the Convnets page's "Train from scratch" on `?backend=wasm`, the
 *   images per second it shows (the time inside `fit`, the pauses that let the page draw excluded).
 * Rounds alternate Node and browser, so a change in the machine's load hits both.
 * Run: `pnpm --filter @tensorfold/demo bench:lenet [rounds]` (add TENSORFOLD_DEMO_PREBUILT=1 to use the
 * dist/ already built).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { APP_DIR, buildSite, launch, serveSite } from './site';

const ROOT = join(APP_DIR, '..', '..');
const SAMPLES = 4000;
const BATCH = 64;
const rounds = Number(process.argv[2] ?? 2);

function nodeCli(): number {
  const out = execFileSync(
    process.execPath,
    [
      '--conditions=@tensorfold/source',
      '--import',
      'tsx',
      'apps/cli/src/main.ts',
      'train',
      'lenet5',
      '--dataset',
      'mnist',
      '--epochs',
      '1',
      '--limit',
      String(SAMPLES),
      '--batch-size',
      String(BATCH),
      '--backend',
      'wasm',
      '--json',
    ],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const line = out.trim().split('\n').at(-1) ?? '';
  return (JSON.parse(line) as { samplesPerSecond: number }).samplesPerSecond;
}

if (process.env.TENSORFOLD_DEMO_PREBUILT !== '1') await buildSite();
const site = await serveSite();
const browser = await launch();

async function inBrowser(): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.url}?backend=wasm#convnets?samples=${SAMPLES}&batchSize=${BATCH}&epochs=1`);
  await page.getByTestId('filter-count').waitFor({ timeout: 60_000 });
  const label = (await page.getByTestId('backend').textContent()) ?? '';
  if (!label.includes('wasm')) throw new Error(`The page did not run on WASM: ${label}`);
  await page.getByTestId('train').click();
  const text = await page.getByTestId('samples-per-second').textContent({ timeout: 300_000 });
  await context.close();
  return Number(text);
}

const rows: { round: number; node: number; browser: number; load: string }[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ');
    const node = nodeCli();
    const web = await inBrowser();
    rows.push({ round, node, browser: web, load });
    console.log(`round ${round}: node ${node} samples/s, browser ${web} samples/s, load ${load}`);
  }
} finally {
  await browser.close();
  await site.close();
}
console.log(
  '\n| round | load average (1/5/15 min) | Node CLI, samples/s | Chromium, samples/s | browser / Node |',
);
console.log('| ---: | --- | ---: | ---: | ---: |');
for (const r of rows)
  console.log(`| ${r.round} | ${r.load} | ${r.node} | ${r.browser} | ${(r.browser / r.node).toFixed(2)} |`);
