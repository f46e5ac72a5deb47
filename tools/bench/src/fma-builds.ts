/**
 * The FMA builds of `@tensorfold/backend`'s generated WebAssembly modules, instantiated on a memory
 * of the bench's own: for benches that time the kernels alone (no backend, no thresholds).
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
