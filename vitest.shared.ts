import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources (the `@tensorfold/source` export condition). */
const sourceConditions = ['@tensorfold/source', 'module', 'import', 'node', 'default'];

/**
 * The vitest project settings every package shares: Node environment, sources instead of builds,
 * a generous timeout (WASM and SwiftShader tests are slow on 2-core CI machines).
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
      ...overrides,
    },
  });
}
