import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** A local HTTP server for the browser test's page. */
export interface PageServer {
  /** `http://127.0.0.1:<port>/`: localhost is a secure context, so `navigator.gpu` exists there. */
  url: string;
  close(): Promise<void>;
}

const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/**
 * Bundles `page` (default `page.ts`, with tfjs-core, the WebGPU and WASM backends and this package's
 * sources) and serves it on an ephemeral localhost port, with tfjs-backend-wasm's `.wasm` files under
 * `/wasm/`; with `isolated`, cross-origin isolated (the COOP and COEP headers that let a page have
 * SharedArrayBuffer).
 */
export async function servePage(options: { page?: string; isolated?: boolean } = {}): Promise<PageServer> {
  const entry = fileURLToPath(new URL(`./${options.page ?? 'page.ts'}`, import.meta.url));
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@tensorfold/source'],
    write: false,
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0].contents;
  const require = createRequire(import.meta.url);
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const files = new Map<string, { body: Uint8Array | string; type: string }>([
    [
      '/',
      {
        body: '<!doctype html><meta charset="utf-8"><title>tensorfold</title><script type="module" src="/page.js"></script>',
        type: 'text/html',
      },
    ],
    ['/page.js', { body: script, type: 'text/javascript' }],
    ...WASM_FILES.map(
      (name) =>
        [`/wasm/${name}`, { body: readFileSync(join(wasmDir, name)), type: 'application/wasm' }] as const,
    ),
  ]);
  const server: Server = createServer((request, response) => {
    const file = files.get(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (file == null) {
      response.writeHead(404).end();
      return;
    }
    const isolation = options.isolated
      ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
      : {};
    response.writeHead(200, { 'content-type': file.type, ...isolation }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address == null || typeof address === 'string') throw new Error('The page server has no port.');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
