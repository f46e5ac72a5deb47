/**
 * The 3D kernels on WASM and WebGPU against the CPU backend, kernel by kernel: on WASM tensorfold's
 * Conv3D, Conv3DBackpropInputV2, Conv3DBackpropFilterV2 (also in chunks of rows, as for large
 * volumes), MaxPool3D and MaxPool3DGrad and the stock AvgPool3D and AvgPool3DGrad it keeps; on WebGPU tensorfold's MaxPool3D and MaxPool3DGrad and the stock others;
 * over odd sizes, strides, dilations, same and valid padding, 1 to 16 channels, pools whose height
 * and width differ, and tied maxima. The CPU backend's MaxPool3DGrad is tensorfold's too: it is
 * checked against an independent formula in max-pool-3d-grad-values.test.ts. The parity suite
 * (src/parity) and the fuzz suite (src/fuzz) check the same kernels through tfjs-core's ops and
 * gradients. WebGPU is skipped with a notice where it cannot start.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../init-backend.js';
import { backendsForTests } from '../testing.js';
import { setStackedChunkFloats } from '../wasm/kernels3d/depth-taps.js';
import { type KernelInput, runKernelOn, sequence, worstExcess } from '../wasm/test-utils/run-kernel.js';

type Triple = [number, number, number];
type Shape5 = [number, number, number, number, number];

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const filled = (shape: number[], seed: number): KernelInput => ({
  values: sequence(size(shape), seed),
  shape,
});

const backends = (await backendsForTests()).filter((name) => name !== 'cpu') as Array<'wasm' | 'webgpu'>;

/** Float32 tolerance per backend (as the parity suite's): `atol` after `rtol * |CPU value|`. */
const TOLERANCE = { wasm: { atol: 1e-5, rtol: 1e-4 }, webgpu: { atol: 1e-4, rtol: 1e-3 } };

/** Runs kernel `name` on CPU and `backend`; expects the same shape and values within float32 error. */
async function expectSameAsCpu(
  backend: 'wasm' | 'webgpu',
  name: string,
  inputs: Record<string, KernelInput>,
  attrs: Record<string, unknown>,
  expectedShape: number[],
): Promise<void> {
  const want = await runKernelOn('cpu', name, inputs, attrs);
  await useBackend(backend);
  const dataIds = tf.engine().backend.numDataIds();
  const got = await runKernelOn(backend, name, inputs, attrs);
  expect(tf.engine().backend.numDataIds(), 'intermediates freed').toBe(dataIds);
  expect(want.shape).toEqual(expectedShape);
  expect(got.shape).toEqual(want.shape);
  const { atol, rtol } = TOLERANCE[backend];
  expect(worstExcess(got.values, want.values, rtol), name).toBeLessThanOrEqual(atol);
}

/** Output size of one axis of a 3D convolution or pool. */
function outSize(
  inSize: number,
  filter: number,
  stride: number,
  pad: 'same' | 'valid',
  dilation = 1,
): number {
  const extent = (filter - 1) * dilation + 1;
  return pad === 'same' ? Math.ceil(inSize / stride) : Math.ceil((inSize - extent + 1) / stride);
}

function outShape(x: Shape5, window: Triple, strides: Triple, pad: 'same' | 'valid', channels: number) {
  return [x[0], ...[0, 1, 2].map((i) => outSize(x[i + 1], window[i], strides[i], pad)), channels];
}

interface ConvCase {
  x: Shape5;
  /** `[fd, fh, fw, inChannels, outChannels]`. */
  filter: Shape5;
  strides: Triple;
  pad: 'same' | 'valid';
}

const convCases: Array<[string, ConvCase]> = [
  ['valid, stride 1', { x: [2, 4, 5, 6, 3], filter: [2, 3, 2, 3, 4], strides: [1, 1, 1], pad: 'valid' }],
  ['same, stride 2', { x: [2, 5, 6, 7, 2], filter: [3, 3, 3, 2, 5], strides: [2, 2, 2], pad: 'same' }],
  [
    'same, strides [2, 1, 3]',
    { x: [1, 7, 5, 8, 3], filter: [3, 2, 4, 3, 2], strides: [2, 1, 3], pad: 'same' },
  ],
  [
    'valid, strides [3, 2, 2], one channel',
    { x: [2, 9, 7, 6, 1], filter: [2, 3, 2, 1, 3], strides: [3, 2, 2], pad: 'valid' },
  ],
  [
    '1x1x1 filter, stride 2 (inputs never read)',
    { x: [2, 5, 5, 5, 4], filter: [1, 1, 1, 4, 8], strides: [2, 2, 2], pad: 'valid' },
  ],
  [
    'filter deeper than the input, same',
    { x: [1, 3, 4, 4, 2], filter: [4, 3, 3, 2, 3], strides: [1, 1, 1], pad: 'same' },
  ],
  [
    '16 channels, stride 2, same',
    { x: [2, 6, 6, 6, 16], filter: [3, 3, 3, 16, 8], strides: [2, 2, 2], pad: 'same' },
  ],
];

describe.each(backends)('3D convolution kernels on %s against the CPU backend', (backend) => {
  it.each(convCases)('Conv3D: %s', async (_name, c) => {
    const y = outShape(c.x, [c.filter[0], c.filter[1], c.filter[2]], c.strides, c.pad, c.filter[4]);
    await expectSameAsCpu(
      backend,
      'Conv3D',
      { x: filled(c.x, 1), filter: filled(c.filter, 2) },
      { strides: c.strides, pad: c.pad, dataFormat: 'NDHWC', dilations: 1 },
      y,
    );
  });

  it('Conv3D: dilations [2, 1, 2], same', async () => {
    await expectSameAsCpu(
      backend,
      'Conv3D',
      { x: filled([1, 6, 6, 7, 3], 1), filter: filled([2, 2, 3, 3, 4], 2) },
      { strides: 1, pad: 'same', dataFormat: 'NDHWC', dilations: [2, 1, 2] },
      [1, 6, 6, 7, 4],
    );
  });

  it.each(convCases)('Conv3DBackpropInputV2: %s', async (_name, c) => {
    const dy = outShape(c.x, [c.filter[0], c.filter[1], c.filter[2]], c.strides, c.pad, c.filter[4]);
    await expectSameAsCpu(
      backend,
      'Conv3DBackpropInputV2',
      { dy: filled(dy, 3), filter: filled(c.filter, 2) },
      { strides: c.strides, pad: c.pad, inputShape: c.x },
      c.x,
    );
  });

  it.each(convCases)('Conv3DBackpropFilterV2: %s', async (_name, c) => {
    const dy = outShape(c.x, [c.filter[0], c.filter[1], c.filter[2]], c.strides, c.pad, c.filter[4]);
    await expectSameAsCpu(
      backend,
      'Conv3DBackpropFilterV2',
      { x: filled(c.x, 1), dy: filled(dy, 3) },
      { strides: c.strides, pad: c.pad, filterShape: c.filter },
      c.filter,
    );
  });
});

describe.runIf(backends.includes('wasm'))('3D convolution kernels on wasm, in chunks of rows', () => {
  // A chunk size of 500 floats splits every case into several chunks (one row where a row is larger).
  beforeAll(() => setStackedChunkFloats(500));
  afterAll(() => setStackedChunkFloats(undefined));

  it.each(convCases)('Conv3D, Conv3DBackpropInputV2, Conv3DBackpropFilterV2: %s', async (_name, c) => {
    const window: Triple = [c.filter[0], c.filter[1], c.filter[2]];
    const dy = outShape(c.x, window, c.strides, c.pad, c.filter[4]);
    const geometry = { strides: c.strides, pad: c.pad };
    await expectSameAsCpu(
      'wasm',
      'Conv3D',
      { x: filled(c.x, 1), filter: filled(c.filter, 2) },
      { ...geometry, dataFormat: 'NDHWC', dilations: 1 },
      dy,
    );
    await expectSameAsCpu(
      'wasm',
      'Conv3DBackpropInputV2',
      { dy: filled(dy, 3), filter: filled(c.filter, 2) },
      { ...geometry, inputShape: c.x },
      c.x,
    );
    await expectSameAsCpu(
      'wasm',
      'Conv3DBackpropFilterV2',
      { x: filled(c.x, 1), dy: filled(dy, 3) },
      { ...geometry, filterShape: c.filter },
      c.filter,
    );
  });
});

interface PoolCase {
  x: Shape5;
  window: Triple;
  strides: Triple;
  pad: 'same' | 'valid';
  /** Integer values in [-2, 2]: many tied maxima. */
  ties?: boolean;
}

const poolCases: Array<[string, PoolCase]> = [
  ['2x2x2, stride 1, same', { x: [2, 4, 4, 4, 2], window: [2, 2, 2], strides: [1, 1, 1], pad: 'same' }],
  [
    '2x2x2, stride 2, valid, 16 channels',
    { x: [2, 8, 8, 8, 16], window: [2, 2, 2], strides: [2, 2, 2], pad: 'valid' },
  ],
  [
    '3x3x3, stride 2, same, odd sizes',
    { x: [1, 5, 5, 7, 3], window: [3, 3, 3], strides: [2, 2, 2], pad: 'same' },
  ],
  [
    '[2, 1, 3], strides [1, 2, 1], valid',
    { x: [2, 4, 5, 6, 3], window: [2, 1, 3], strides: [1, 2, 1], pad: 'valid' },
  ],
  [
    '[3, 2, 2], strides [2, 3, 1], same, 5 channels',
    { x: [1, 7, 6, 5, 5], window: [3, 2, 2], strides: [2, 3, 1], pad: 'same' },
  ],
  [
    'window larger than the input, same, one channel',
    { x: [2, 2, 3, 2, 1], window: [3, 4, 3], strides: [1, 1, 1], pad: 'same' },
  ],
  [
    'tied maxima, 2x2x2, stride 1, same',
    { x: [2, 4, 4, 4, 4], window: [2, 2, 2], strides: [1, 1, 1], pad: 'same', ties: true },
  ],
];

function poolInput(c: PoolCase): KernelInput {
  const values = sequence(size(c.x), 5);
  return { values: c.ties ? values.map((v) => Math.round(v * 2)) : values, shape: c.x };
}

describe.each(backends)('3D pooling kernels on %s against the CPU backend', (backend) => {
  it.each(poolCases)('MaxPool3D and AvgPool3D: %s', async (_name, c) => {
    const attrs = { filterSize: c.window, strides: c.strides, pad: c.pad, dataFormat: 'NDHWC' };
    const y = outShape(c.x, c.window, c.strides, c.pad, c.x[4]);
    await expectSameAsCpu(backend, 'MaxPool3D', { x: poolInput(c) }, attrs, y);
    await expectSameAsCpu(backend, 'AvgPool3D', { x: poolInput(c) }, attrs, y);
  });

  it.each(poolCases)('MaxPool3DGrad and AvgPool3DGrad: %s', async (_name, c) => {
    const attrs = { filterSize: c.window, strides: c.strides, pad: c.pad };
    const y = outShape(c.x, c.window, c.strides, c.pad, c.x[4]);
    const output = await runKernelOn(
      'cpu',
      'MaxPool3D',
      { x: poolInput(c) },
      { ...attrs, dataFormat: 'NDHWC' },
    );
    const dy = filled(y, 6);
    await expectSameAsCpu(
      backend,
      'MaxPool3DGrad',
      { dy, input: poolInput(c), output: { values: output.values, shape: output.shape } },
      attrs,
      c.x,
    );
    await expectSameAsCpu(backend, 'AvgPool3DGrad', { dy, input: poolInput(c) }, attrs, c.x);
  });

  it('MaxPool3D keeps maxima of -Infinity and below -1e20 (stock WebGPU returned -1e20)', async () => {
    const values = new Float32Array([
      -Infinity,
      -Infinity,
      -3e30,
      -2e30,
      Number.NaN,
      1,
      Number.NaN,
      Number.NaN,
    ]);
    const inputs = { x: { values, shape: [1, 2, 2, 2, 1] } };
    const attrs = { filterSize: [1, 1, 2], strides: [1, 1, 2], pad: 'valid', dataFormat: 'NDHWC' };
    const want = await runKernelOn('cpu', 'MaxPool3D', inputs, attrs);
    const got = await runKernelOn(backend, 'MaxPool3D', inputs, attrs);
    expect(Array.from(want.values)).toEqual([-Infinity, Math.fround(-2e30), 1, -Infinity]);
    expect(Array.from(got.values)).toEqual(Array.from(want.values));
  });

  it('MaxPool3D and its gradient: NaN never wins a window, -Infinity passes the gradient on', async () => {
    const values = new Float32Array([
      Number.NaN,
      1,
      Number.NaN,
      Number.NaN,
      -Infinity,
      -Infinity,
      2,
      Number.NaN,
    ]);
    const x = { values, shape: [1, 2, 2, 2, 1] };
    const attrs = { filterSize: [2, 2, 1], strides: [2, 2, 1], pad: 'valid' };
    const y = await runKernelOn(backend, 'MaxPool3D', { x }, { ...attrs, dataFormat: 'NDHWC' });
    expect(Array.from(y.values)).toEqual([2, 1]);
    await expectSameAsCpu(backend, 'MaxPool3D', { x }, { ...attrs, dataFormat: 'NDHWC' }, [1, 1, 1, 2, 1]);
    const dy = { values: [10, 20], shape: [1, 1, 1, 2, 1] };
    await expectSameAsCpu(
      backend,
      'MaxPool3DGrad',
      { dy, input: x, output: { values: y.values, shape: y.shape } },
      attrs,
      [1, 2, 2, 2, 1],
    );
  });
});
