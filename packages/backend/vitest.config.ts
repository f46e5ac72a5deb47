import { packageProject } from '../../vitest.shared.js';

// Relaxed SIMD is on by default from Node 22; Node 20 needs the flag for the FMA build of the SIMD
// kernels to be tested (tests of the fallback turn it off with setFmaKernelsEnabled(false)).
export default packageProject('backend', { execArgv: ['--experimental-wasm-relaxed-simd'] });
