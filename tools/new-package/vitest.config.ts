import { packageProject } from '../../vitest.shared.js';

// The generated package is type-checked and tested in a temporary folder (two child processes).
export default packageProject('new-package', { include: ['test/**/*.test.ts'], testTimeout: 240_000 });
