/**
 * The FMA builds of `@tensorfold/backend`'s generated WebAssembly modules, instantiated on a memory
 * of the bench's own, and floats placed on it: for benches that time the kernels alone (no backend,
 * no thresholds).
 */
import { readFileSync } from 'node:fs';

/** The FMA build of the backend's generated module `name` (`src/wasm/simd/<name>.wat`), as bytes. */
export function fmaBuild(name: string): Uint8Array<ArrayBuffer> {
  const file = new URL(`../../../packages/backend/src/wasm/simd/generated/${name}-wasm.ts`, import.meta.url);
  const base64 = readFileSync(file, 'utf8').match(/FMA_WASM_BASE64 =\s*'([^']+)'/)?.[1];
  if (base64 == null)
    throw new Error(`${name}: no FMA build; run pnpm --filter @tensorfold/backend generate`);
  return Uint8Array.from(Buffer.from(base64, 'base64'));
}

/** Module `name`'s FMA build instantiated on `memory` (its `env.memory`); its exports typed as `T`. */
export function fmaInstance<T>(name: string, memory: WebAssembly.Memory): T {
  return new WebAssembly.Instance(new WebAssembly.Module(fmaBuild(name)), { env: { memory } })
    .exports as unknown as T;
}

/**
 * Places floats on `memory` one after the other from 64 KiB on, each at a 64-byte boundary (a
 * cache line). `place(values)` copies `values` there, `room(floats)` leaves that many zeros; each
 * returns the byte address.
 */
export function floatPlacer(memory: WebAssembly.Memory): {
  place(values: Float32Array): number;
  room(floats: number): number;
} {
  let top = 1 << 16;
  const place = (values: Float32Array) => {
    const at = Math.ceil(top / 64) * 64;
    new Float32Array(memory.buffer, at, values.length).set(values);
    top = at + values.length * 4;
    return at;
  };
  return { place, room: (floats: number) => place(new Float32Array(floats)) };
}
