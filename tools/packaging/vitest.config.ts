import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The packaging test: slow (build, pack, npm install, every README example in Node and in Chromium), so it is
 * not one of the root projects; `pnpm test:packages` runs it, and `.ci/run` calls that.
 */
export default defineConfig({
  // Run from the repository root (`pnpm test:packages`) or from here alike.
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    name: 'packaging',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 420_000,
    maxConcurrency: 2,
  },
});
