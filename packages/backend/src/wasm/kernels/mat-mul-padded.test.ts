import type * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { setFmaKernelsEnabled, simdKernelsFlavor } from '../simd/simd-kernels.js';
import { runKernelOn, runPathOnWasm, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { matMulBySimd } from './mat-mul-by-simd.js';
import { matMulPadded, setPaddedMatMulEnabled } from './mat-mul-padded.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

interface Case {
  a: number[];
  b: number[];
  bias?: number[];
  attrs: tf.NamedAttrMap;
}

const inputsOf = ({ a, b, bias }: Case) => ({
  a: { values: sequence(size(a), 1), shape: a },
  b: { values: sequence(size(b), 2), shape: b },
  ...(bias != null ? { bias: { values: sequence(size(bias), 3), shape: bias } } : {}),
});

/** `matMulPadded` on fresh operands on the WASM backend; null where it left the product alone. */
const byPadded = (c: Case) => runPathOnWasm(matMulPadded, inputsOf(c), c.attrs);

const fused = (c: Case) => c.bias != null || c.attrs.activation != null;

describe('WASM matMul on padded copies (FMA build)', () => {
  afterEach(() => {
    setFmaKernelsEnabled(true);
    setPaddedMatMulEnabled(true);
  });

  it.each<[string, Case]>([
    ['an MLP output layer with its bias', { a: [128, 256], b: [256, 10], bias: [10], attrs: {} }],
    ['its weight gradient h^T . dy', { a: [128, 256], b: [128, 10], attrs: { transposeA: true } }],
    ['LeNet-5 output layer input gradient', { a: [64, 10], b: [84, 10], attrs: { transposeB: true } }],
    [
      'both transposed, odd sizes',
      { a: [37, 22], b: [13, 37], attrs: { transposeA: true, transposeB: true } },
    ],
    [
      'rows not a multiple of 4, relu',
      { a: [6, 40], b: [40, 24], bias: [24], attrs: { activation: 'relu' } },
    ],
    [
      'transposed, bias and relu',
      {
        a: [40, 14],
        b: [24, 40],
        bias: [24],
        attrs: { transposeA: true, transposeB: true, activation: 'relu' },
      },
    ],
    ['LeNet-5 dense sizes, batch of 1', { a: [1, 64, 120], b: [1, 120, 84], bias: [84], attrs: {} }],
  ])('matches the CPU backend: %s', async (_name, c) => {
    expect(simdKernelsFlavor()).toBe('fma'); // relaxed SIMD: vitest.config.ts starts Node with it
    setPaddedMatMulEnabled(true, true); // small shapes copy more per multiply-add than the path's rule allows
    const want = await runKernelOn('cpu', fused(c) ? '_FusedMatMul' : 'BatchMatMul', inputsOf(c), {
      transposeA: false,
      transposeB: false,
      ...c.attrs,
    });
    const got = await byPadded(c);
    expect(got).not.toBeNull();
    expect(got!.shape).toEqual(want.shape);
    // FMA rounds once per multiply-add, the CPU backend twice: tolerance, not equality.
    expect(worstExcess(got!.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
    if (c.attrs.activation === 'relu') expect(got!.values.some((v) => v === 0)).toBe(true);
  });

  it('gives the same bits as the unpadded SIMD kernel: padding adds exact zeros', async () => {
    setPaddedMatMulEnabled(true, true);
    // Rows 6 -> 8: the kernel's sums over k are the same, in the same order.
    const c: Case = { a: [6, 64], b: [64, 16], attrs: {} };
    const padded = await byPadded(c);
    const a = sequence(size(c.a), 1);
    const rows8 = new Float32Array(8 * 64);
    rows8.set(a);
    const full = await runPathOnWasm(
      matMulBySimd,
      { a: { values: rows8, shape: [8, 64] }, b: { values: sequence(size(c.b), 2), shape: c.b } },
      {},
    );
    expect(padded!.values).toEqual(full!.values.subarray(0, 6 * 16));
  });

  it('runs inside the registered kernels', async () => {
    setPaddedMatMulEnabled(true, true);
    const cases: Case[] = [
      { a: [128, 64], b: [128, 10], attrs: { transposeA: true } },
      { a: [32, 10], b: [64, 10], attrs: { transposeB: true } },
    ];
    for (const c of cases) {
      const attrs = { transposeA: false, transposeB: false, ...c.attrs };
      const want = await runKernelOn('cpu', 'BatchMatMul', inputsOf(c), attrs);
      const got = await runKernelOn('wasm', 'BatchMatMul', inputsOf(c), attrs);
      expect(got.shape).toEqual(want.shape);
      expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
    }
  });

  it("takes the MLP's 10-class products, not those that copy much per multiply-add", async () => {
    expect(await byPadded({ a: [128, 256], b: [256, 10], bias: [10], attrs: {} })).not.toBeNull();
    expect(await byPadded({ a: [128, 256], b: [128, 10], attrs: { transposeA: true } })).not.toBeNull();
    // LeNet-5's 10-class input gradient and 84-unit layer: XNNPACK measured faster (products-ab).
    expect(await byPadded({ a: [64, 10], b: [84, 10], attrs: { transposeB: true } })).toBeNull();
    expect(await byPadded({ a: [64, 120], b: [120, 84], bias: [84], attrs: {} })).toBeNull();
    expect(await byPadded({ a: [64, 120], b: [64, 84], attrs: { transposeA: true } })).toBeNull();
  });

  it('leaves aligned, tiny, large, batched and wasteful products to the other paths', async () => {
    setPaddedMatMulEnabled(true, true);
    expect(await byPadded({ a: [16, 40], b: [40, 16], attrs: {} })).toBeNull(); // aligned
    expect(await byPadded({ a: [128, 10], b: [256, 10], attrs: { transposeB: true } })).toBeNull(); // aligned
    expect(await byPadded({ a: [4, 4], b: [4, 10], attrs: {} })).toBeNull(); // tiny
    expect(await byPadded({ a: [512, 512], b: [512, 30], attrs: {} })).toBeNull(); // large
    expect(await byPadded({ a: [2, 8, 40], b: [2, 40, 10], attrs: {} })).toBeNull(); // a batch
    expect(await byPadded({ a: [64, 200], b: [200, 1], attrs: {} })).toBeNull(); // 8x the work
    expect(await byPadded({ a: [16, 40], b: [40, 10], attrs: { activation: 'elu' } })).toBeNull();
    // a bias [n, 1] with m = n broadcasts per row: not this path's per-column epilogue
    expect(await byPadded({ a: [20, 40], b: [40, 20], bias: [20], attrs: {} })).not.toBeNull();
    expect(await byPadded({ a: [20, 40], b: [40, 20], bias: [20, 1], attrs: {} })).toBeNull();
  });

  it('is not taken without relaxed SIMD or when held off: the previous paths run', async () => {
    const c: Case = { a: [128, 256], b: [256, 10], attrs: {} };
    setFmaKernelsEnabled(false);
    expect(await byPadded(c)).toBeNull();
    setFmaKernelsEnabled(true);
    setPaddedMatMulEnabled(false);
    expect(await byPadded(c)).toBeNull();
  });
});
