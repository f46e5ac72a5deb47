import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import wabt from 'wabt';
import { useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { SIMD_KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';
import { setSimdKernelsEnabled, simdKernels } from './simd-kernels.js';

const bytes = () => Uint8Array.from(atob(SIMD_KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));

describe('the SIMD kernels module', () => {
  afterEach(() => setSimdKernelsEnabled(true));

  it('is what kernels.wat compiles to now (run `pnpm --filter @tensorfold/backend generate` after editing it)', async () => {
    const source = readFileSync(fileURLToPath(new URL('./kernels.wat', import.meta.url)), 'utf8');
    const module = (await wabt()).parseWat('kernels.wat', source, { simd: true });
    try {
      expect(Buffer.from(module.toBinary({}).buffer).equals(Buffer.from(bytes()))).toBe(true);
    } finally {
      module.destroy();
    }
  });

  it('stays under 4 KB, the largest module browsers compile synchronously on the main thread', () => {
    expect(bytes().length).toBeLessThan(4096);
  });

  it('starts on the WASM backend in Node (so the kernel tests exercise it), and can be turned off', async () => {
    await useBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike;
    const kernels = simdKernels(backend);
    expect(kernels).not.toBeNull();
    expect(simdKernels(backend)).toBe(kernels); // one instance per memory
    setSimdKernelsEnabled(false);
    expect(simdKernels(backend)).toBeNull();
  });

  it('returns null for a backend whose module does not export its memory', () => {
    expect(simdKernels({} as WasmBackendLike)).toBeNull();
    expect(simdKernels({ wasm: { asm: {} } } as WasmBackendLike)).toBeNull();
  });

  it("returns null for shared memory (tfjs's threaded build), which the module does not import", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    expect(simdKernels({ wasm: { asm: { memory } } } as WasmBackendLike)).toBeNull();
    const unshared = new WebAssembly.Memory({ initial: 1 });
    expect(simdKernels({ wasm: { asm: { memory: unshared } } } as WasmBackendLike)).not.toBeNull();
  });
});
