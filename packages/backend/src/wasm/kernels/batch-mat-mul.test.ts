import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import { runKernelOn, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { fastMatMul } from './batch-mat-mul.js';

interface Call {
  a: number[];
  b: number[];
  transposed: boolean;
}

/** Runs the wrapper over the stock BatchMatMul and records what the stock kernel was asked to do. */
function productThroughWrapper(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) {
  const stock = tf.getKernel('BatchMatMul', 'wasm')!;
  const calls: Call[] = [];
  const recording = {
    ...stock,
    kernelFunc: (args: Parameters<tf.KernelFunc>[0]) => {
      const { a: x, b: y } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      calls.push({
        a: x.shape,
        b: y.shape,
        transposed: Boolean(args.attrs?.transposeA || args.attrs?.transposeB),
      });
      return stock.kernelFunc(args);
    },
  } as tf.KernelConfig;
  const backend = tf.backend();
  const out = fastMatMul(recording)({
    inputs: { a, b },
    attrs: { transposeA, transposeB },
    backend,
  }) as tf.TensorInfo;
  const result = tf.engine().makeTensorFromTensorInfo(out);
  return { result, calls };
}

describe('WASM BatchMatMul wrapper', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    // The products reach XNNPACK's kernel here, as without relaxed SIMD: with it, the plain products
    // of some shapes run on tensorfold's SIMD kernel first (mat-mul-by-simd.test.ts).
    setFmaKernelsEnabled(false);
  });
  afterAll(() => setFmaKernelsEnabled(true));

  const cases: Array<[string, number[], number[], boolean, boolean, Call[]]> = [
    // dy . W^T with a wide W: computed transposed, (W . dy^T)^T.
    [
      'input gradient of a wide dense layer',
      [8, 40],
      [60, 40],
      false,
      true,
      [{ a: [1, 60, 40], b: [1, 40, 8], transposed: false }],
    ],
    // x^T . dy: x transposed explicitly.
    ['weight gradient', [8, 40], [8, 60], true, false, [{ a: [1, 40, 8], b: [1, 8, 60], transposed: false }]],
    // A dense layer on 3-D input: a's batch folded into rows.
    ['3-D by 2-D', [3, 5, 7], [7, 4], false, false, [{ a: [1, 15, 7], b: [1, 7, 4], transposed: false }]],
    // A mode-n product: b's batch folded into the rows of the transposed product.
    [
      'shared matrix by 3-D',
      [1, 5, 7],
      [4, 7, 6],
      false,
      false,
      [{ a: [1, 24, 7], b: [1, 7, 5], transposed: false }],
    ],
    // Large products batched on both sides: one XNNPACK product per entry.
    [
      'batched on both sides, large',
      [2, 40, 36],
      [2, 33, 36],
      false,
      true,
      [
        { a: [1, 40, 36], b: [1, 36, 33], transposed: false },
        { a: [1, 40, 36], b: [1, 36, 33], transposed: false },
      ],
    ],
    // Small ones stay in the stock loop, with transposes removed.
    [
      'batched on both sides, small',
      [2, 4, 3],
      [2, 5, 3],
      false,
      true,
      [{ a: [2, 4, 3], b: [2, 3, 5], transposed: false }],
    ],
  ];

  it.each(cases)(
    '%s: the stock kernel gets untransposed products, and the result matches CPU',
    async (_name, aShape, bShape, tA, tB, expected) => {
      const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
      const inputs = {
        a: { values: sequence(size(aShape), 1), shape: aShape },
        b: { values: sequence(size(bShape), 2), shape: bShape },
      };
      await useBackend('wasm');
      const before = tf.memory().numTensors;
      const a = tf.tensor(inputs.a.values, aShape);
      const b = tf.tensor(inputs.b.values, bShape);
      const { result, calls } = productThroughWrapper(a, b, tA, tB);
      const got = Float32Array.from(await result.data());
      const shape = result.shape;
      tf.dispose([a, b, result]);
      expect(tf.memory().numTensors).toBe(before);
      expect(calls).toEqual(expected);
      const want = await runKernelOn('cpu', 'BatchMatMul', inputs, { transposeA: tA, transposeB: tB });
      expect(shape).toEqual(want.shape);
      expect(worstExcess(got, want.values, 1e-4)).toBeLessThanOrEqual(1e-5);
    },
  );
});

describe('WASM _FusedMatMul on 2-D operands (as a layer runs the kernel by itself)', () => {
  const cases: Array<[string, number[], number[], boolean, boolean, string]> = [
    ["a LeNet-5 dense layer's forward (bias, relu)", [64, 400], [400, 120], false, false, 'relu'],
    ['linear, a transposed b', [6, 8], [5, 8], false, true, 'linear'],
    ['relu, a transposed a', [8, 6], [8, 12], true, false, 'relu'],
  ];
  it.each(cases)('%s: the CPU backend values, 2-D', async (_name, aShape, bShape, tA, tB, activation) => {
    const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
    const cols = tB ? bShape[0] : bShape[1];
    const inputs = {
      a: { values: sequence(size(aShape), 1), shape: aShape },
      b: { values: sequence(size(bShape), 2), shape: bShape },
      bias: { values: sequence(cols, 3), shape: [cols] },
    };
    const attrs = { transposeA: tA, transposeB: tB, activation };
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const got = await runKernelOn('wasm', '_FusedMatMul', inputs, attrs);
    expect(tf.memory().numTensors).toBe(before);
    const want = await runKernelOn('cpu', '_FusedMatMul', inputs, attrs);
    expect(got.shape).toEqual(want.shape);
    expect(got.shape).toHaveLength(2);
    expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-5);
  });
});

describe('WASM _FusedMatMul wrapper with a bias per row', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    setFmaKernelsEnabled(false);
  });
  afterAll(() => setFmaKernelsEnabled(true));

  it("does not fold a's batch into rows under a bias [rows, 1] (rows = cols): the stock kernel gets the product as given and refuses it", () => {
    const stock = tf.getKernel('_FusedMatMul', 'wasm')!;
    const calls: number[][] = [];
    const recording = {
      ...stock,
      kernelFunc: (args: Parameters<tf.KernelFunc>[0]) => {
        calls.push((args.inputs as { a: tf.TensorInfo }).a.shape);
        return stock.kernelFunc(args);
      },
    } as tf.KernelConfig;
    const before = tf.memory().numTensors;
    const a = tf.tensor(sequence(2 * 8 * 6, 1), [2, 8, 6]); // [batch, rows, inner]
    const b = tf.tensor(sequence(6 * 8, 2), [6, 8]); // [inner, cols]
    const bias = tf.tensor(sequence(8, 3), [8, 1]); // one per row: folded rows would meet other rows' bias
    expect(() =>
      fastMatMul(recording)({
        inputs: { a, b, bias },
        attrs: { transposeA: false, transposeB: false, activation: 'linear' },
        backend: tf.backend(),
      }),
    ).toThrow(/rank-1 bias/);
    expect(calls).toEqual([[2, 8, 6]]);
    tf.dispose([a, b, bias]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
