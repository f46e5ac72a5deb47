import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { setColumnSumsEnabled } from '../simd/column-sums.js';
import { runKernelOn, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { leadingAxesSum } from './leading-axes-sum.js';

describe('WASM Sum and Mean over leading axes', () => {
  afterEach(() => setColumnSumsEnabled(true));
  const cases: Array<[string, number[], number[], boolean]> = [
    ['Sum', [16, 14, 14, 8], [0, 1, 2], false],
    ['Sum', [128, 80], [0], true],
    ['Mean', [16, 14, 14, 8], [2, 0, 1], false],
    ['Mean', [64, 16, 9], [0, 1], true],
    ['Sum', [64, 16, 9], [1], false], // not leading: the stock kernel
    ['Mean', [8, 9], [0], false], // small, odd columns
    ['Sum', [128, 10], [0], false], // a 10-class output's bias gradient: 2 columns one at a time
    ['Sum', [3, 1], [0], true],
  ];

  async function expectAsOnCpu(kernel: string, shape: number[], axis: number[], keepDims: boolean) {
    const size = shape.reduce((a, b) => a * b, 1);
    const inputs = { x: { values: sequence(size, 3), shape } };
    const want = await runKernelOn('cpu', kernel, inputs, { axis, keepDims });
    const got = await runKernelOn('wasm', kernel, inputs, { axis, keepDims });
    expect(got.shape).toEqual(want.shape);
    expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
  }

  it.each(cases)('%s of %j over %j (keepDims %s) matches the CPU backend', expectAsOnCpu);

  it.each(cases.slice(0, 4))(
    'without the SIMD kernel (average pooling): %s of %j over %j (keepDims %s) matches the CPU backend',
    async (kernel, shape, axis, keepDims) => {
      setColumnSumsEnabled(false);
      await expectAsOnCpu(kernel, shape, axis, keepDims);
    },
  );

  it('adds the rows in order in float32: the bits of a sequential sum', async () => {
    const [rows, cols] = [37, 11];
    const values = sequence(rows * cols, 5);
    const want = new Float32Array(cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) want[c] = Math.fround(want[c] + values[r * cols + c]);
    }
    const got = await runKernelOn('wasm', 'Sum', { x: { values, shape: [rows, cols] } }, { axis: [0] });
    expect(got.values).toEqual(want);
    const mean = await runKernelOn('wasm', 'Mean', { x: { values, shape: [rows, cols] } }, { axis: [0] });
    expect(mean.values).toEqual(want.map((v) => Math.fround(v / rows)));
  });

  it.each([
    [37, 8],
    [37, 16],
    [1, 16],
    [2100, 8],
  ])('sums %i rows of %i columns in registers with the bits of a sequential sum', async (rows, cols) => {
    // -0, infinities and NaN among the values: the same bits in every case
    const special = [-0, Number.POSITIVE_INFINITY, Number.NaN];
    const values = sequence(rows * cols, 9).map((v, i) => (i % 97 === 5 ? special[i % 3] : v));
    const want = new Float32Array(cols);
    const block = new Float32Array(cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) block[c] = Math.fround(block[c] + values[r * cols + c]);
      if ((r + 1) % 1024 === 0 || r === rows - 1) {
        for (let c = 0; c < cols; c++) want[c] = rows > 1024 ? Math.fround(want[c] + block[c]) : block[c];
        block.fill(0);
      }
    }
    const got = await runKernelOn('wasm', 'Sum', { x: { values, shape: [rows, cols] } }, { axis: [0] });
    const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer.slice(0)));
    expect(bits(got.values)).toEqual(bits(want));
  });

  it('sums many rows in blocks of 1,024, then the blocks: the bits of that sum, near the exact one', async () => {
    // [50176, 8]: a first convolution's bias gradient at batch 64 on 28x28 images
    const [rows, cols] = [50176, 8];
    const values = new Float32Array(rows * cols);
    for (let i = 0; i < values.length; i++) values[i] = Math.fround(((i * 7919) % 1000) / 997 + 0.1);
    const exact = new Float64Array(cols);
    const blocked = new Float32Array(cols);
    for (let first = 0; first < rows; first += 1024) {
      const block = new Float32Array(cols);
      for (let r = first; r < Math.min(rows, first + 1024); r++) {
        for (let c = 0; c < cols; c++) {
          block[c] = Math.fround(block[c] + values[r * cols + c]);
          exact[c] += values[r * cols + c];
        }
      }
      for (let c = 0; c < cols; c++) blocked[c] = Math.fround(blocked[c] + block[c]);
    }
    const got = await runKernelOn('wasm', 'Sum', { x: { values, shape: [rows, cols] } }, { axis: [0] });
    expect(got.values).toEqual(blocked);
    for (let c = 0; c < cols; c++) expect(Math.abs(got.values[c] - exact[c]) / exact[c]).toBeLessThan(1e-6);
    const mean = await runKernelOn(
      'wasm',
      'Mean',
      { x: { values, shape: [64, 28, 28, 8] } },
      {
        axis: [0, 1, 2],
      },
    );
    expect(mean.values).toEqual(blocked.map((v) => Math.fround(v / rows)));
  });

  it('takes the average-pooling path for large leading-axis reductions and the stock kernel otherwise', async () => {
    setColumnSumsEnabled(false);
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

  it("frees its output and the blocks' sums when the SIMD pass throws", async () => {
    await useBackend('wasm');
    const backend = tf.backend();
    const x = tf.ones([4, 64]);
    const dataIds = backend.numDataIds();
    // x claimed far larger than its memory: the view of it fails after the outputs are allocated
    const huge = { dataId: x.dataId, shape: [1 << 22, 64], dtype: 'float32' } as tf.TensorInfo;
    const sum = leadingAxesSum(tf.getKernel('Sum', 'wasm')!);
    expect(() => sum({ inputs: { x: huge }, attrs: { axis: [0], keepDims: false }, backend })).toThrow();
    expect(backend.numDataIds()).toBe(dataIds);
    x.dispose();
  });
});
