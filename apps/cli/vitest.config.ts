import { packageProject } from '../../vitest.shared.js';

export default packageProject('cli', { testTimeout: 300_000 });
