import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import wabt from 'wabt';
import { fusedMultiplyAdds } from '../../../scripts/fused-multiply-adds.mjs';
import { expandIncludes } from '../../../scripts/wat-includes.mjs';
import { useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/kernels-wasm.js';
import {
  setFmaKernelsEnabled,
  setSimdKernelsEnabled,
  simdKernels,
  simdKernelsFlavor,
} from './simd-kernels.js';

const bytes = (base64 = SIMD_WASM_BASE64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

describe('the SIMD kernels module', () => {
  afterEach(() => {
    setSimdKernelsEnabled(true);
    setFmaKernelsEnabled(true);
    vi.restoreAllMocks();
  });

  const watFiles = readdirSync(fileURLToPath(new URL('.', import.meta.url))).filter((f) =>
    f.endsWith('.wat'),
  );

  it.each(watFiles)(
    'is what %s compiles to now (run `pnpm --filter @tensorfold/backend generate` after editing it), under 4 KB',
    async (file) => {
      const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
      const source = expandIncludes(readFileSync(path, 'utf8'), path); // as compile-simd-kernels.mjs
      const generated = (await import(`./generated/${file.replace(/\.wat$/, '-wasm.js')}`)) as {
        SIMD_WASM_BASE64: string;
        FMA_WASM_BASE64: string;
      };
      const toolkit = await wabt();
      const features = { simd: true, threads: true };
      const module = toolkit.parseWat(file, source, features);
      try {
        expect(
          Buffer.from(module.toBinary({}).buffer).equals(Buffer.from(bytes(generated.SIMD_WASM_BASE64))),
        ).toBe(true);
      } finally {
        module.destroy();
      }
      // the FMA build too (the tests of the FMA kernels run it): the lines marked `;;fma ` kept and
      // the float accumulations fused, as compile-simd-kernels.mjs (its SIMD build where neither applies)
      const fma = fusedMultiplyAdds(source.replace(/^([ \t]*);;fma /gm, '$1')).text;
      const fmaModule = toolkit.parseWat(`${file} (FMA)`, fma, { ...features, relaxed_simd: true });
      try {
        expect(
          Buffer.from(fmaModule.toBinary({}).buffer).equals(Buffer.from(bytes(generated.FMA_WASM_BASE64))),
        ).toBe(true);
      } finally {
        fmaModule.destroy();
      }
      // 4 KB: the largest module browsers compile synchronously on the main thread.
      expect(bytes(generated.SIMD_WASM_BASE64).length).toBeLessThan(4096);
      expect(bytes(generated.FMA_WASM_BASE64).length).toBeLessThan(4096);
    },
  );

  it('has an FMA build that only relaxed SIMD validates (f32x4.relaxed_madd, opcode 0xfd 0x105)', () => {
    const fma = bytes(FMA_WASM_BASE64);
    // 0x105 as LEB128 after the SIMD prefix 0xfd: 0x85 0x02.
    const madds = fma.filter((_, i) => fma[i] === 0xfd && fma[i + 1] === 0x85 && fma[i + 2] === 0x02).length;
    // the filter gradient's 4 + 2 + 1 accumulators, the matrix product's 8 in each of its loops (every step, listed steps)
    expect(madds).toBe(23);
    // This process runs with relaxed SIMD (vitest.config.ts): Node 20 without the flag would say false.
    expect(WebAssembly.validate(fma)).toBe(true);
    expect(WebAssembly.validate(bytes())).toBe(true);
  });

  it('runs the FMA build where relaxed SIMD validates, and exactly the SIMD build where it does not', async () => {
    await useBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike;
    setFmaKernelsEnabled(true);
    expect(simdKernelsFlavor()).toBe('fma');
    const fmaKernels = simdKernels(backend);
    // A runtime without relaxed SIMD (Node 20 without the flag, an older browser).
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    setFmaKernelsEnabled(false);
    setFmaKernelsEnabled(true); // forgets the compiled module: chosen again, as at start-up
    expect(simdKernelsFlavor()).toBe('simd');
    expect(validate).toHaveBeenCalled();
    const simd = simdKernels(backend);
    expect(simd).not.toBeNull();
    expect(simd).not.toBe(fmaKernels);
    validate.mockRestore();
    setFmaKernelsEnabled(false);
    expect(simdKernelsFlavor()).toBe('simd');
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
