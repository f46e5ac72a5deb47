/**
 * Imported for its effect, first of all of main.ts's imports: relaxed SIMD on before anything compiles
 * WebAssembly (see relaxed-simd.ts).
 */
import { enableRelaxedSimd } from './relaxed-simd.js';

enableRelaxedSimd();
