import { describe, expect, it } from 'vitest';
import { runKernelOn, sequence } from '../test-utils/run-kernel.js';

const size = (shape: number[]) => shape.reduce((x, y) => x * y, 1);

describe('WASM binary kernels broadcasting a vector over the last axis', () => {
  const cases: Array<[string, number[], number[]]> = [
    ['Add', [64, 7, 7, 8], [8]], // a first convolution's bias: folded 64 rows at a time
    ['Sub', [8], [2, 32, 32, 8]], // the vector first: the order of the operands must hold
    ['Multiply', [2, 16, 16, 4], [1, 1, 1, 4]], // a batch-norm scale
    ['RealDiv', [32, 33, 17, 3], [3]], // rows not a power of two
    ['Add', [8209, 2], [2]], // 8209 rows, a prime: nothing to fold, the stock kernel
    ['Add', [16, 1024], [1024]], // rows already wide
  ];

  it.each(cases)('%s of %j and %j gives the CPU backend result exactly', async (kernel, aShape, bShape) => {
    const inputs = {
      a: { values: sequence(size(aShape), 1), shape: aShape },
      b: { values: sequence(size(bShape), 2).map((v) => v + 2), shape: bShape }, // no division by ~0
    };
    const want = await runKernelOn('cpu', kernel, inputs, {});
    const got = await runKernelOn('wasm', kernel, inputs, {});
    expect(got.shape).toEqual(want.shape);
    const off = got.values.findIndex(
      (v, i) => Math.abs(v - want.values[i]) > 1e-6 * Math.abs(want.values[i]),
    );
    expect(off, `element ${off}: ${got.values[off]}, CPU gives ${want.values[off]}`).toBe(-1);
  });

  it('leaves int32 tensors to the stock kernel', async () => {
    const inputs = {
      a: { values: Array.from({ length: 9000 }, (_, i) => i % 7), shape: [1125, 8], dtype: 'int32' as const },
      b: { values: [1, 2, 3, 4, 5, 6, 7, 8], shape: [8], dtype: 'int32' as const },
    };
    const got = await runKernelOn('wasm', 'Add', inputs, {});
    expect(Array.from(got.values.slice(0, 10))).toEqual([1, 3, 5, 7, 9, 11, 13, 8, 2, 4]);
  });
});
