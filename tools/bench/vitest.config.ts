import { packageProject } from '../../vitest.shared.js';

// The harness's own logic (statistics, CPU accounting, alternation); the benchmarks themselves run with `pnpm bench`.
export default packageProject('bench');
