import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventWriter, eventFileWriter } from '@tensorfold/experiments/node';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Board, charts, smooth, startBoard } from './commands/board.js';
import { spawnCli } from './test-utils/cli-process.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present)
  console.warn(`[tensorfold] board browser test skipped: ${CHROMIUM} is missing (apt-get install chromium).`);

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-board-'));
const writers: Record<string, EventWriter> = {};
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
    writer.flush();
    writers[run] = writer;
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tensorfold board', () => {
  it("smooths as TensorBoard does (debiased moving average) and overlays the runs' scalars", () => {
    expect(smooth([1, 1, 1], 0.9)).toEqual([1, 1, 1].map((v) => expect.closeTo(v, 12)));
    const s = smooth([0, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(10 * (0.5 / 0.75), 10);
    const data = charts(
      [
        { name: 'a', scalars: { loss: [[0, 1, 0]] }, histograms: {}, texts: {} },
        { name: 'b', scalars: { loss: [[0, 2, 0]] }, histograms: {}, texts: {} },
      ],
      0,
      false,
    );
    expect(data.scalars).toHaveLength(1);
    expect(data.scalars[0].svg).toContain('>a<');
    expect(data.scalars[0].svg).toContain('>b<');
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
