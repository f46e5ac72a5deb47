import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources (the `@tensorfold/source` export condition). */
const sourceConditions = ['@tensorfold/source', 'module', 'import', 'node', 'default'];

/** Seeds tensorfold's global generator from each test's name, so unseeded tests repeat exactly. */
const seedEachTest = fileURLToPath(
  new URL('./packages/core/src/test-utils/seed-each-test.ts', import.meta.url),
);

/**
 * The vitest project settings every package shares: Node environment, sources instead of builds,
 * a generous timeout (WASM and SwiftShader tests are slow on 2-core CI machines), and a seed per test.
 */
export function packageProject(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@tensorfold/source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      setupFiles: [seedEachTest],
      ...overrides,
    },
  });
}
