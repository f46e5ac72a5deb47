// Vitest setup file (vitest.shared.ts names it for every project): before each test, seed tensorfold's global
// generator from the test's full name. A test that builds or trains without a seed of its own then starts from
// the same initial weights, dropout masks and shuffles on every run and machine, and does not depend on which
// tests ran before it in the same file. A test that needs other draws calls setSeed itself.
import { beforeEach, expect } from 'vitest';
import { setSeed } from '../random/global-seed.js';
import { seedOfName } from './seed-of-name.js';

beforeEach(() => {
  setSeed(seedOfName(expect.getState().currentTestName ?? ''));
});
