/**
 * Relaxed SIMD for the `tensorfold` command on Node 20. The WASM backend's FMA kernels (fused
 * multiply-adds, `f32x4.relaxed_madd`) need relaxed SIMD, which Node 22+ turns on by default and
 * Node 20 keeps behind V8's `--experimental-wasm-relaxed-simd`. Imported first by main.ts, before any
 * WebAssembly module is compiled, this turns the flag on in the running process where the engine
 * has it and it is off, so a plain `tensorfold ...` (or `node dist/main.js`) trains on the FMA build.
 *
 * V8 reads its WebAssembly feature flags each time it validates or compiles a module, and Node keeps
 * V8's flags writable after start-up (`v8.setFlagsFromString`), so no second Node process is needed.
 * The flag is process-wide: the backend's worker threads, which start later, see it too. Where the
 * engine has no such flag, or validation still fails after it, nothing changes and the backend keeps
 * its SIMD build (exactly the path of a runtime without relaxed SIMD).
 */
import { setFlagsFromString } from 'node:v8';

/**
 * A module of one function, `(v128, v128, v128) -> v128`, whose body is `f32x4.relaxed_madd`
 * (opcode 0xfd 0x105): it validates exactly where relaxed SIMD is on.
 */
// biome-ignore format: one section of the module a line
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // types: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // functions: one, of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, // code: one body of 11 bytes, no locals
  0x20, 0x00, 0x20, 0x01, 0x20, 0x02, // local.get 0, 1, 2
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x0b, // end
]);

/** The V8 flag that turns relaxed SIMD on in Node 20 (V8 11.3). */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/** Whether this runtime validates relaxed SIMD now. */
export function relaxedSimdValidates(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_SIMD_PROBE);
}

/**
 * What {@link enableRelaxedSimd} found: `'on'` (already on: Node 22+, or Node started with the flag),
 * `'turned-on'` (this call turned it on), `'off'` (the engine has no such flag, or the caller asked
 * for it to stay off).
 */
export type RelaxedSimdState = 'on' | 'turned-on' | 'off';

/**
 * Turns relaxed SIMD on in this process if it is off and the engine has the flag. Call it before any
 * WebAssembly module is compiled.
 *
 * @param env - the environment: `TENSORFOLD_RELAXED_SIMD=0` leaves the runtime as it started (the
 *   backend then runs its SIMD build on Node 20, as before this module existed; for comparisons)
 */
export function enableRelaxedSimd(env: NodeJS.ProcessEnv = process.env): RelaxedSimdState {
  if (relaxedSimdValidates()) return 'on';
  if (env.TENSORFOLD_RELAXED_SIMD === '0') return 'off';
  try {
    setFlagsFromString(RELAXED_SIMD_FLAG);
  } catch {
    return 'off'; // an engine that rejects flags at run time
  }
  return relaxedSimdValidates() ? 'turned-on' : 'off';
}
