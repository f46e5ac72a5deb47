import { packageProject } from '../../vitest.shared.js';

// Relaxed SIMD is on by default from Node 22; Node 20 needs the flag for compress's int8 layers to run
// on the backend's FMA build of the int8 kernels (the build users get there), not only the SIMD one.
export default packageProject('compress', { execArgv: ['--experimental-wasm-relaxed-simd'] });
