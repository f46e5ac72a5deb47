/**
 * Vite plugins of the demo site: the WASM files of tfjs-backend-wasm served from the site itself, and
 * the Content-Security-Policy of the built pages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** The files tfjs-backend-wasm loads; served under `wasm/` (pass `wasmPaths: './wasm/'`). */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/** Serves the WASM files at `wasm/<name>` in development and writes them to `dist/wasm/` in a build. */
export function tfjsWasmFiles(): Plugin {
  return {
    name: 'tensorfold-wasm-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.split('?')[0].split('/').pop() ?? '';
        if (!req.url?.includes('/wasm/') || !(WASM_FILES as readonly string[]).includes(name)) return next();
        res.setHeader('Content-Type', 'application/wasm');
        res.end(readFileSync(join(wasmDir(), name)));
      });
    },
    generateBundle() {
      for (const name of WASM_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `wasm/${name}`,
          source: readFileSync(join(wasmDir(), name)),
        });
      }
    },
  };
}

/** Data files of npm packages the pages read, served under `data/` (the package, its file). */
export const PACKAGE_DATA_FILES = [{ pkg: 'vega-datasets', file: 'data/seattle-weather.csv' }] as const;

function packageFile(pkg: string, file: string): string {
  // The package's main file lies in a folder of the package; walk up to the folder holding package.json.
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, file);
}

/** Serves {@link PACKAGE_DATA_FILES} at `data/<name>` in development and writes them to `dist/data/`. */
export function packageDataFiles(): Plugin {
  const byName = new Map(PACKAGE_DATA_FILES.map((f) => [basename(f.file), f]));
  return {
    name: 'tensorfold-package-data',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const entry = byName.get(req.url?.split('?')[0].split('/').pop() ?? '');
        if (!req.url?.includes('/data/') || !entry) return next();
        res.end(readFileSync(packageFile(entry.pkg, entry.file)));
      });
    },
    generateBundle() {
      for (const [name, entry] of byName)
        this.emitFile({
          type: 'asset',
          fileName: `data/${name}`,
          source: readFileSync(packageFile(entry.pkg, entry.file)),
        });
    },
  };
}

/**
 * The policy of the built site: nothing but its own origin. `'wasm-unsafe-eval'` lets WebAssembly
 * compile (the WASM backend); no inline script, no eval, no outside connection. Added to the built
 * `index.html` only: Vite's development server injects inline styles and a WebSocket of its own.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** Puts {@link CSP} in a meta tag of the built `index.html`. */
export function contentSecurityPolicy(): Plugin {
  return {
    name: 'tensorfold-csp',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace(
        '<meta charset="UTF-8" />',
        `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`,
      );
    },
  };
}
