import { defineConfig } from 'vitest/config';

/**
 * One vitest run over every package and app. Each project has its own `vitest.config.ts`
 * (which sets the `@tensorfold/source` condition so tests run on TypeScript sources, no build needed).
 */
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tools/readme-examples', 'tools/new-package', 'tools/bench'],
  },
});
