import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';

/** Debian's Chromium; the test never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--enable-unsafe-webgpu',
];

/** The marker a bundled example logs when it ran to its end. */
export const DONE = '__tensorfold_example_done__';

/** The `.wasm` files of tfjs-backend-wasm, which a page serves. */
const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** What a page printed while an example ran. */
export interface PageRun {
  done: boolean;
  errors: string[];
  console: string[];
}

/**
 * Bundles `entry` (a program in the npm project `project`) with esbuild for the browser, as an
 * application would, and runs it in a page of `browser` served from localhost, with the WASM files of
 * the project's `@tensorflow/tfjs-backend-wasm` under `/wasm/` and next to the script (where tfjs
 * looks for them by default). Resolves when the example logs {@link DONE}, throws, or `timeoutMs` passes.
 */
export async function runInPage(
  browser: Browser,
  project: string,
  entry: string,
  timeoutMs = 120_000,
): Promise<PageRun> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    absWorkingDir: project,
    write: false,
    logLevel: 'silent',
  });
  const wasmDir = join(project, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const files = new Map<string, { body: string | Uint8Array; type: string }>([
    [
      '/',
      {
        body: '<!doctype html><meta charset="utf-8"><script type="module" src="/example.js"></script>',
        type: 'text/html',
      },
    ],
    ['/example.js', { body: bundle.outputFiles[0].contents, type: 'text/javascript' }],
  ]);
  for (const name of WASM_FILES) {
    if (!existsSync(join(wasmDir, name))) continue;
    const body = readFileSync(join(wasmDir, name));
    files.set(`/wasm/${name}`, { body, type: 'application/wasm' });
    files.set(`/${name}`, { body, type: 'application/wasm' });
  }
  const server = createServer((request, response) => {
    const file = files.get(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (file == null) response.writeHead(404).end();
    else response.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address == null || typeof address === 'string') throw new Error('The page server has no port.');
  const page = await browser.newPage();
  const result: PageRun = { done: false, errors: [], console: [] };
  try {
    const finished = new Promise<void>((resolve) => {
      page.on('console', (message) => {
        if (message.text() === DONE) {
          result.done = true;
          resolve();
        } else result.console.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => {
        result.errors.push(error.stack ?? error.message);
        resolve();
      });
    });
    await page.goto(`http://127.0.0.1:${address.port}/`);
    await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  } finally {
    await page.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return result;
}
