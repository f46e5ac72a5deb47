import { describe, expect, it } from 'vitest';
import * as kernelsWasm from '../simd/generated/kernels-wasm.js';
import * as threadedMatMulWasm from '../simd/generated/threaded-mat-mul-wasm.js';
import { type ZeroStepKernels, zeroStepsFloats } from './float-zero-skip.js';

// The zero-step lists as the two modules write them (the products that walk them: float-zero-skip.test.ts).

describe('zeroSteps (threaded-mat-mul.wat, kernels.wat)', () => {
  it.each([
    ['threaded-mat-mul.wat', threadedMatMulWasm.SIMD_WASM_BASE64, true],
    ['kernels.wat', kernelsWasm.SIMD_WASM_BASE64, false],
  ])(
    'lists the steps where a block of 4 rows is not ±0, per 128 steps, or -1 where dense: %s',
    (_n, base64, shared) => {
      // a [8, 135]: block 0 nonzero at steps 3 (row 2), 130 (row 0: NaN) and 134 (the tail); -0 at 7;
      // block 1 nonzero everywhere but step 5 (dense: 127 of 128 > 7/8), and at 129 only after 128.
      const [m, k] = [8, 135];
      const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared });
      const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
      const kernels = new WebAssembly.Instance(module, { env: { memory } })
        .exports as unknown as ZeroStepKernels;
      const heap = new Float32Array(memory.buffer);
      const words = new Int32Array(memory.buffer);
      const a = heap.subarray(0, m * k);
      a[2 * k + 3] = 1;
      a[130] = Number.NaN;
      a[3 * k + 134] = -2;
      a[k + 7] = -0;
      for (let p = 0; p < 128; p++) if (p !== 5) a[5 * k + p] = 0.5;
      a[7 * k + 129] = 3;
      const lists = 4096; // bytes
      const left = kernels.zeroSteps(0, lists, m, k, 7);
      const at = (bytes: number) => words[bytes / 4];
      const listed = (entry: number) => {
        const out = [];
        for (let w = at(lists + entry * 8); w < at(lists + entry * 8 + 4); w += 4) out.push(at(w) / 4);
        return out;
      };
      expect(listed(0)).toEqual([3]);
      expect(listed(1)).toEqual([130, 134]);
      expect(at(lists + 16)).toBe(-1);
      expect(listed(3)).toEqual([129]);
      expect(left).toBe(128 - 1 + (7 - 2) + (7 - 1));
    },
  );
});

describe('zeroStepsFloats', () => {
  it('holds the index, one step per block of 4 rows and step of k, and 4 spare', () => {
    expect(zeroStepsFloats(128, 784)).toBe(32 * 7 * 2 + 32 * 784 + 4);
    expect(zeroStepsFloats(4, 1)).toBe(2 + 1 + 4);
  });

  it.each([
    ['threaded-mat-mul.wat', threadedMatMulWasm.SIMD_WASM_BASE64, true],
    ['kernels.wat', kernelsWasm.SIMD_WASM_BASE64, false],
  ])('bounds what zeroSteps writes, every step listed (and no more): %s', (_n, base64, shared) => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared });
    const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    const kernels = new WebAssembly.Instance(module, { env: { memory } })
      .exports as unknown as ZeroStepKernels;
    const words = new Int32Array(memory.buffer);
    const SENTINEL = 0x5eed5eed;
    const lists = 16384; // bytes
    /** The last float zeroSteps wrote, counted from `lists`, for `a [m, k]` (`zeroAt`: a step all 0). */
    const lastWritten = (m: number, k: number, zeroAt: number | null) => {
      const a = new Float32Array(memory.buffer, 0, m * k);
      a.fill(1);
      if (zeroAt != null) for (let r = 0; r < m; r++) a[r * k + zeroAt] = 0;
      words.fill(SENTINEL, lists / 4);
      // eighths 8: every block lists, however dense (the most zeroSteps can write).
      expect(kernels.zeroSteps(0, lists, m, k, 8)).toBe(zeroAt == null ? 0 : m / 4);
      let last = -1;
      for (let w = lists / 4; w < words.length; w++) if (words[w] !== SENTINEL) last = w - lists / 4;
      return last;
    };
    // k off the multiples of 128 and 4: the vector listing and the scalar tail both run.
    for (const [m, k] of [
      [8, 135],
      [12, 261],
      [4, 3],
    ]) {
      // Every step listed: the index and every step, up to the 4 spare floats.
      expect(lastWritten(m, k, null)).toBe(zeroStepsFloats(m, k) - 5);
      // A step left out (in the vector part and in the tail): written, not kept, inside the bound.
      expect(lastWritten(m, k, 1)).toBeLessThan(zeroStepsFloats(m, k) - 4);
      expect(lastWritten(m, k, k - 1)).toBeLessThan(zeroStepsFloats(m, k) - 4);
    }
  });
});
