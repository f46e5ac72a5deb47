import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { runKernelOn, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { leadingAxesSum } from './leading-axes-sum.js';

describe('WASM Sum and Mean over leading axes', () => {
  const cases: Array<[string, number[], number[], boolean]> = [
    ['Sum', [16, 14, 14, 8], [0, 1, 2], false],
    ['Sum', [128, 80], [0], true],
    ['Mean', [16, 14, 14, 8], [2, 0, 1], false],
    ['Mean', [64, 16, 9], [0, 1], true],
    ['Sum', [64, 16, 9], [1], false], // not leading: the stock kernel
    ['Mean', [8, 9], [0], false], // small: the stock kernel
  ];

  it.each(cases)(
    '%s of %j over %j (keepDims %s) matches the CPU backend',
    async (kernel, shape, axis, keepDims) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const inputs = { x: { values: sequence(size, 3), shape } };
      const want = await runKernelOn('cpu', kernel, inputs, { axis, keepDims });
      const got = await runKernelOn('wasm', kernel, inputs, { axis, keepDims });
      expect(got.shape).toEqual(want.shape);
      expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
    },
  );

  it('takes the average-pooling path for large leading-axis reductions and the stock kernel otherwise', async () => {
    await useBackend('wasm');
    const calls: string[] = [];
    const stock = tf.getKernel('Sum', 'wasm')!;
    const recording = {
      ...stock,
      kernelFunc: (args: Parameters<tf.KernelFunc>[0]) => {
        calls.push(JSON.stringify(args.attrs?.axis));
        return stock.kernelFunc(args);
      },
    } as tf.KernelConfig;
    const sum = leadingAxesSum(recording);
    const backend = tf.backend();
    const big = tf.ones([16, 32, 32]);
    const reduce = (axis: number[]) => {
      const out = sum({ inputs: { x: big }, attrs: { axis, keepDims: false }, backend }) as tf.TensorInfo;
      const values = backend.readSync(out.dataId) as Float32Array;
      backend.disposeData(out.dataId);
      return Array.from(values.slice(0, 2));
    };
    expect(reduce([0, 1])).toEqual([512, 512]);
    expect(calls).toEqual([]);
    expect(reduce([1, 2])).toEqual([1024, 1024]);
    expect(calls).toEqual(['[1,2]']);
    big.dispose();
  });
});
