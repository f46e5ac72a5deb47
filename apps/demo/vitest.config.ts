import { packageProject } from '../../vitest.shared.js';

/** Unit tests of the page logic (Node) and the browser tests of the built site (Chromium). */
export default packageProject('demo', { testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false });
