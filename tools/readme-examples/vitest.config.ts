import { packageProject } from '../../vitest.shared.js';

// Each example runs in its own Node process (two at a time); a few train a small model.
export default packageProject('readmes', { testTimeout: 180_000, maxConcurrency: 2 });
