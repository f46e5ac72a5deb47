import { describe, expect, it } from 'vitest';
import * as int8Wasm from './generated/int8-wasm.js';
import * as threadedInt8Wasm from './generated/threaded-int8-wasm.js';

/**
 * quantizeRows pads each row of levels from k to kPad with zeros. Those levels must not be read from
 * `x`: its last row may end where the memory ends (the kernels once loaded x[k..kPad) and dropped the
 * values, which traps there).
 */
describe('int8 quantizeRows at the end of the memory', () => {
  const [k, kPad] = [9, 16];

  /** One row of k floats in the last bytes of a one-page memory; levels and the scale at 0. */
  function setUp(shared: boolean) {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared });
    const floats = new Float32Array(memory.buffer);
    const xAt = floats.length - k; // floats
    floats.set([0.5, -1, 0.25, 1, 0, 0.75, -0.5, 0.125, 2], xAt);
    new Int16Array(memory.buffer).fill(-1, 0, kPad);
    return { memory, xBytes: xAt * 4, levelsBytes: 0, scaleBytes: 64 };
  }

  /** The levels the kernel should write: nearest(x * 127 / max|x|) for t < k, then zeros. */
  const expected = [32, -64, 16, 64, 0, 48, -32, 8, 127, 0, 0, 0, 0, 0, 0, 0];

  it('on tfjs-backend-wasm’s heap (int8.wat)', () => {
    const { memory, xBytes, levelsBytes, scaleBytes } = setUp(false);
    const module = new WebAssembly.Module(Buffer.from(int8Wasm.SIMD_WASM_BASE64, 'base64'));
    const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as {
      quantizeRows(...args: number[]): number;
    };
    expect(kernels.quantizeRows(xBytes, 1, k, levelsBytes, kPad, scaleBytes, 0, kPad, 127)).toBe(1);
    expect(Array.from(new Int16Array(memory.buffer, levelsBytes, kPad))).toEqual(expected);
  });

  it('on the thread pool’s memory (threaded-int8.wat)', () => {
    const { memory, xBytes, levelsBytes, scaleBytes } = setUp(true);
    const module = new WebAssembly.Module(Buffer.from(threadedInt8Wasm.SIMD_WASM_BASE64, 'base64'));
    const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as {
      int8QuantizeChunk(...args: number[]): void;
    };
    const flagsBytes = 128;
    kernels.int8QuantizeChunk(0, xBytes, 1, k, levelsBytes, kPad, scaleBytes, 1, 0, kPad, flagsBytes, 127);
    expect(new Int32Array(memory.buffer, flagsBytes, 1)[0]).toBe(1);
    expect(Array.from(new Int16Array(memory.buffer, levelsBytes, kPad))).toEqual(expected);
  });
});
