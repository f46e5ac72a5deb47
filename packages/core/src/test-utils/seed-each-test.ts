// Vitest setup file (vitest.shared.ts names it for every project): before each test, seed tensorfold's global
// generator from the test's full name. A test that builds or trains without a seed of its own then starts from
// the same initial weights, dropout masks and shuffles on every run and machine, and does not depend on which
// tests ran before it in the same file. A test that needs other draws calls setSeed itself.
import { beforeEach, expect } from 'vitest';
import { setSeed } from '../random/global-seed.js';

/** FNV-1a hash of a string: a 32-bit seed that depends on the name only. */
export function seedOfName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

beforeEach(() => {
  setSeed(seedOfName(expect.getState().currentTestName ?? ''));
});
