import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions, defineConfig } from 'vite';
import { mnistSubset } from './build/mnist.js';
import { contentSecurityPolicy, packageDataFiles, tfjsWasmFiles } from './build/plugins.js';

/**
 * The demo site. `base: './'` makes every URL in the built `dist/` relative, so any static host (or a
 * sub-folder of one) serves it. Workspace packages are read from their TypeScript sources.
 */
export default defineConfig({
  base: './',
  plugins: [svelte(), tfjsWasmFiles(), packageDataFiles(), contentSecurityPolicy(), mnistSubset()],
  resolve: { conditions: ['@tensorfold/source', ...defaultClientConditions] },
  build: {
    target: 'es2022',
    modulePreload: { polyfill: false },
    // dist/.vite/manifest.json: which chunks each page loads (the size benchmark reads it).
    manifest: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        // One shared chunk for tfjs and the tensorfold packages; each page keeps its own small chunk.
        manualChunks(id) {
          // Packages only some pages use stay with those pages.
          if (/[/\\]packages[/\\](models-rnn|models-gan|compress|data)[/\\]/.test(id)) return undefined;
          if (/node_modules|[/\\]packages[/\\]/.test(id) && !/svelte/.test(id)) return 'tensorfold';
          return undefined;
        },
      },
    },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
