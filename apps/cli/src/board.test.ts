import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type EventWriter,
  eventFileWriter,
  MODEL_GRAPH_PLUGIN,
  type ModelGraph,
  ProjectorWriter,
} from '@tensorfold/experiments/node';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Board, charts, smooth, startBoard } from './commands/board.js';
import { spawnCli } from './test-utils/cli-process.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present)
  console.warn(`[tensorfold] board browser test skipped: ${CHROMIUM} is missing (apt-get install chromium).`);

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-board-'));
const writers: Record<string, EventWriter> = {};
/** A model with two branches merged: input -> (left, right) -> merge -> head. */
const graph: ModelGraph = {
  name: 'branches',
  layers: [
    { name: 'features', className: 'InputLayer', inShapes: [], outShapes: [[null, 4]], params: 0 },
    { name: 'left', className: 'Dense', inShapes: [[null, 4]], outShapes: [[null, 3]], params: 15 },
    { name: 'right', className: 'Dense', inShapes: [[null, 4]], outShapes: [[null, 2]], params: 10 },
    {
      name: 'merge',
      className: 'Concatenate',
      inShapes: [
        [null, 3],
        [null, 2],
      ],
      outShapes: [[null, 5]],
      params: 0,
    },
    { name: 'head', className: 'Dense', inShapes: [[null, 5]], outShapes: [[null, 2]], params: 12 },
  ],
  edges: [
    [0, 1],
    [0, 2],
    [1, 3],
    [2, 3],
    [3, 4],
  ],
  totalParams: 37,
  trainableParams: 37,
};
let projector: ProjectorWriter;
/** 30 points in 4-D around three class centres, moved by `shift` (a later step). */
function snapshot(step: number, shift: number) {
  const vectors = Array.from({ length: 30 * 4 }, (_, k) => {
    const [i, j] = [Math.floor(k / 4), k % 4];
    return (j === i % 3 ? 5 : 0) + Math.sin(k * 1.7) * 0.5 + shift * j;
  });
  const labels = Array.from({ length: 30 }, (_, i) => ['cat', 'dog', 'owl'][i % 3]);
  return projector.write({ name: 'hidden', step, vectors, n: 30, d: 4, labels });
}
beforeAll(async () => {
  for (const [run, lossScale] of [
    ['a', 1],
    ['b', 2],
  ] as const) {
    const { writer } = await eventFileWriter(join(dir, run, 'train'));
    for (let step = 0; step < 5; step++) writer.scalar('epoch_loss', lossScale / (step + 1), step);
    writer.histogram('dense/kernel', [0.1, 0.2, -0.3, 0.5], 0);
    writer.histogram('dense/kernel', [0.2, 0.3, -0.1, 0.6], 1);
    writer.text('hparams', `| units | ${run === 'a' ? 8 : 16} |`, 0);
    if (run === 'a') writer.pluginText('model_graph', JSON.stringify(graph), { name: MODEL_GRAPH_PLUGIN }, 0);
    writer.flush();
    writers[run] = writer;
  }
  projector = await ProjectorWriter.open(join(dir, 'a', 'train'));
  await snapshot(0, 0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs axe-core (as the demo site's browser tests do) in the page: its violations, one line each. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(readFileSync(fileURLToPath(import.meta.resolve('axe-core/axe.min.js')), 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations as { id: string; help: string; nodes: { target: string[] }[] }[];
  });
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

describe('tensorfold board', () => {
  it("smooths as TensorBoard does (debiased moving average) and overlays the runs' scalars", () => {
    expect(smooth([1, 1, 1], 0.9)).toEqual([1, 1, 1].map((v) => expect.closeTo(v, 12)));
    const s = smooth([0, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(10 * (0.5 / 0.75), 10);
    const data = charts(
      [
        { name: 'a', scalars: { loss: [[0, 1, 0]] }, histograms: {}, texts: {}, embeddings: [] },
        { name: 'b', scalars: { loss: [[0, 2, 0]] }, histograms: {}, texts: {}, embeddings: [] },
      ],
      0,
      false,
    );
    expect(data.scalars).toHaveLength(1);
    expect(data.scalars[0].svg).toContain('>a<');
    expect(data.scalars[0].svg).toContain('>b<');
  });

  it('answers only requests addressed to 127.0.0.1 or localhost, and 404 for an embedding not logged', async () => {
    const served = await startBoard({ logdir: dir });
    try {
      const port = new URL(served.url).port;
      const status = (host: string, path = '/') =>
        new Promise<number>((resolve, reject) => {
          const request = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          });
          request.on('error', reject);
          request.end();
        });
      expect(await status(`127.0.0.1:${port}`)).toBe(200);
      expect(await status(`localhost:${port}`)).toBe(200);
      expect(await status(`attacker.example:${port}`)).toBe(403);
      expect(await status(`127.0.0.1:${port}`, '/api/projector?run=a/train&name=hidden&step=7')).toBe(404);
      expect(await status(`127.0.0.1:${port}`, '/api/projector?run=a/train&name=hidden')).toBe(200);
    } finally {
      await served.close();
    }
  });

  describe.skipIf(!present)('in headless Chromium', () => {
    let board: Board;
    const profile = mkdtempSync(join(tmpdir(), 'tensorfold-board-chromium-'));
    let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>>;
    beforeAll(async () => {
      board = await startBoard({ logdir: dir });
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
    }, 60_000);
    afterAll(async () => {
      await context?.close();
      await board?.close();
      rmSync(profile, { recursive: true, force: true });
    });

    it('shows scalars of both runs, histograms, texts, and follows the files live; log scale redraws', async () => {
      expect(board.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await context.newPage();
      await page.goto(board.url, { timeout: 30_000 });
      await page.waitForFunction(() => Number(document.body.dataset.polls ?? 0) >= 1, null, {
        timeout: 30_000,
      });
      expect(await page.textContent('#runs')).toBe('Runs: a/train, b/train');
      const loss = page.locator('#scalars figure[data-tag="epoch_loss"] svg');
      expect(await loss.count()).toBe(1);
      const linear = await loss.innerHTML();
      expect(linear).toContain('a/train');
      expect(linear).toContain('b/train');
      expect(await page.locator('#histograms figure svg').count()).toBe(2);
      expect(await page.textContent('#texts')).toContain('| units | 16 |');
      await page.check('#log');
      await page.waitForFunction(
        (before) => document.querySelector('#scalars svg')?.innerHTML !== before,
        linear,
        {
          timeout: 10_000,
        },
      );
      // Live: a new tag written while the page is open appears at the next poll.
      writers.a.scalar('epoch_accuracy', 0.9, 5);
      writers.a.flush();
      await page.waitForSelector('#scalars figure[data-tag="epoch_accuracy"] svg', { timeout: 15_000 });
      await page.close();
    }, 90_000);

    it("draws each run's model diagram and the projector in 2-D and 3-D; drag and sliders rotate; new steps arrive live", async () => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(board.url, { timeout: 30_000 });
      await page.waitForSelector('#projector-3d circle.point', { timeout: 30_000 });
      // The diagram: one box per layer, one arrow per connection (two into the merge).
      const diagram = page.locator('#diagrams figure[data-run="a/train"] svg');
      expect(await diagram.count()).toBe(1);
      expect(await diagram.locator('g.layer').count()).toBe(5);
      expect(await diagram.locator('path.edge[data-to="merge"]').count()).toBe(2);
      expect(await diagram.textContent()).toContain('Total params: 37');
      expect(await page.locator('#diagrams figure').count()).toBe(1); // run b logged no graph
      expect(await page.textContent('#diagrams figcaption')).toBe('a/train');
      // The projector: 30 points in both views, three classes in the legend.
      expect(await page.locator('#embedding option').allTextContents()).toEqual(['a/train: hidden']);
      expect(await page.locator('#projector-2d svg g.points circle').count()).toBe(30);
      const dots = page.locator('#projector-3d circle.point');
      expect(await dots.count()).toBe(30);
      expect(await page.locator('#legend span').allTextContents()).toEqual(['cat', 'dog', 'owl']);
      expect(await page.textContent('#projector-caption')).toMatch(/step 0: 30 points of 4 values; PC1 \d/);
      // A slider turns the 3-D view: the points move on screen.
      const positions = () =>
        dots.evaluateAll((cs) =>
          cs
            .map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`)
            .sort()
            .join(' '),
        );
      const before = await positions();
      await page.$eval('#yaw', (el: HTMLInputElement) => {
        el.value = '120';
        el.dispatchEvent(new Event('input'));
      });
      expect(await page.getAttribute('#projector-3d', 'data-yaw')).toBe('120');
      const turned = await positions();
      expect(turned).not.toBe(before);
      // Dragging turns it too (and moves the sliders).
      await page.locator('#projector-3d').scrollIntoViewIfNeeded();
      const box = (await page.locator('#projector-3d').boundingBox())!;
      await page.mouse.move(box.x + 100, box.y + 100);
      await page.mouse.down();
      await page.mouse.move(box.x + 160, box.y + 130, { steps: 4 });
      await page.mouse.up();
      expect(Number(await page.getAttribute('#projector-3d', 'data-yaw'))).toBeCloseTo(150, 0);
      expect(Number(await page.getAttribute('#projector-3d', 'data-pitch'))).toBeCloseTo(35, 0);
      expect(await page.inputValue('#yaw')).toBe('150');
      expect(await positions()).not.toBe(turned);
      // Live: a step written while the page is open is shown at the next poll, in the same rotation.
      await snapshot(1, 2);
      await page.waitForFunction(
        () => /step 1:/.test(document.querySelector('#projector-caption')?.textContent ?? ''),
        null,
        {
          timeout: 15_000,
        },
      );
      expect(await page.locator('#step option').allTextContents()).toEqual(['latest', '0', '1']);
      expect(await page.getAttribute('#projector-3d', 'data-yaw')).toBe('150');
      // An earlier step can be chosen.
      await page.selectOption('#step', '0');
      await page.waitForFunction(
        () => /step 0:/.test(document.querySelector('#projector-caption')?.textContent ?? ''),
        null,
        {
          timeout: 15_000,
        },
      );
      // Accessibility, with the scalars, histograms, model diagram and both projector views showing.
      expect(await axeViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }, 90_000);
  });

  it('the command serves on 127.0.0.1 at a free port and says where', async () => {
    const child = spawnCli(['board', dir]);
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let text = '';
        const timer = setTimeout(() => reject(new Error(`no address printed: ${text}`)), 60_000);
        child.stdout.on('data', (chunk) => {
          text += String(chunk);
          if (text.includes('\n')) {
            clearTimeout(timer);
            resolve(text);
          }
        });
      });
      const url = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(line)?.[0];
      expect(url).toBeDefined();
      const response = await fetch(`${url}api/charts`);
      const data = (await response.json()) as { runs: string[] };
      expect(data.runs).toEqual(['a/train', 'b/train']);
    } finally {
      child.kill('SIGINT');
    }
  }, 90_000);
});
