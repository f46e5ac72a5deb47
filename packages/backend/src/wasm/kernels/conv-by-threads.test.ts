import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { setFmaKernelsEnabled } from '../simd/simd-kernels.js';
import { onWasmThreads } from '../test-utils/on-wasm-threads.js';
import { runKernelOn, sameBits, sequence, worstExcess } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import { convByThreads, THREADED_CONV_MIN_MULTIPLY_ADDS } from './conv-by-threads.js';

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: 'valid' | 'same' | number[][];
  dilations?: [number, number];
  bias?: boolean;
  activation?: 'relu' | 'linear';
}

// Each at least THREADED_CONV_MIN_MULTIPLY_ADDS (checked below), so that the pool takes it.
const CASES: [string, Case][] = [
  [
    '3x3x8 to 8, same, bias, relu',
    {
      x: [32, 28, 28, 8],
      filter: [3, 3, 8, 8],
      strides: [1, 1],
      pad: 'same',
      bias: true,
      activation: 'relu',
    },
  ],
  [
    'LeNet-5 second layer (5x5x8 to 16, valid, bias, relu)',
    {
      x: [16, 14, 14, 8],
      filter: [5, 5, 8, 16],
      strides: [1, 1],
      pad: 'valid',
      bias: true,
      activation: 'relu',
    },
  ],
  [
    'stride 2, same, 12 channels (off the 8-column panels), odd sizes',
    { x: [16, 33, 31, 8], filter: [3, 3, 8, 12], strides: [2, 2], pad: 'same' },
  ],
  [
    'dilation 2, no bias',
    { x: [16, 24, 24, 8], filter: [3, 3, 8, 8], strides: [1, 1], pad: 'valid', dilations: [2, 2] },
  ],
  [
    'explicit padding wider than the filter, bias without activation',
    {
      x: [16, 20, 19, 8],
      filter: [3, 3, 8, 16],
      strides: [1, 2],
      pad: [
        [0, 0],
        [4, 1],
        [0, 3],
        [0, 0],
      ],
      bias: true,
    },
  ],
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function inputsOf(c: Case) {
  return {
    x: { values: sequence(size(c.x), 1), shape: c.x },
    filter: { values: sequence(size(c.filter), 2), shape: c.filter },
    ...(c.bias ? { bias: { values: sequence(c.filter[3], 3), shape: [c.filter[3]] } } : {}),
  };
}

function attrsOf(c: Case) {
  return {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    dilations: c.dilations ?? [1, 1],
    dimRoundingMode: undefined,
    activation: c.activation ?? 'linear',
  };
}

/** FusedConv2D on `backend` (Conv2D where the case has neither bias nor activation). */
function run(backend: 'cpu' | 'wasm', c: Case) {
  const fused = c.bias === true || c.activation != null;
  return runKernelOn(backend, fused ? 'FusedConv2D' : 'Conv2D', inputsOf(c), attrsOf(c));
}

describe('WASM Conv2D on 2 threads', () => {
  onWasmThreads(2);

  it.each(CASES)('matches the CPU backend: %s', async (_name, c) => {
    const info = tf.backend_util.computeConv2DInfo(
      c.x,
      c.filter,
      c.strides,
      c.dilations ?? 1,
      c.pad as 'same',
    );
    expect(size(info.outShape.slice(0, 3)) * size(c.filter)).toBeGreaterThanOrEqual(
      THREADED_CONV_MIN_MULTIPLY_ADDS,
    );
    const want = await run('cpu', c);
    const got = await run('wasm', c);
    expect(got.shape).toEqual(want.shape);
    expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
  });

  it.each(CASES)('takes the convolution itself, leaking nothing: %s', async (_name, c) => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const inputs = inputsOf(c);
    const x = tf.tensor(inputs.x.values, inputs.x.shape);
    const filter = tf.tensor(inputs.filter.values, inputs.filter.shape);
    const out = convByThreads(tf.backend() as unknown as WasmBackendLike, { x, filter }, attrsOf(c) as never);
    expect(out).not.toBeNull();
    tf.engine().makeTensorFromTensorInfo(out!).dispose();
    tf.dispose([x, filter]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same bits on 2 and 3 threads, FMA build and SIMD build', async () => {
    for (const fma of [true, false]) {
      setFmaKernelsEnabled(fma);
      for (const [, c] of CASES) {
        await setWasmThreads(2);
        const two = await run('wasm', c);
        await setWasmThreads(3);
        const three = await run('wasm', c);
        expect(sameBits(three.values, two.values)).toBe(true);
      }
    }
    setFmaKernelsEnabled(true);
    await setWasmThreads(2);
  });

  it('runs Conv2DBackpropInput through it (stride 1 and stride 2), as the CPU backend computes', async () => {
    for (const strides of [
      [1, 1],
      [2, 2],
    ] as [number, number][]) {
      const xShape: [number, number, number, number] = [16, 14, 14, 8];
      const filterShape: [number, number, number, number] = [5, 5, 8, 16];
      const dyShape = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, 'same').outShape;
      const inputs = {
        dy: { values: sequence(size(dyShape), 4), shape: dyShape },
        filter: { values: sequence(size(filterShape), 5), shape: filterShape },
      };
      const attrs = {
        strides,
        pad: 'same',
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
        inputShape: xShape,
      };
      const want = await runKernelOn('cpu', 'Conv2DBackpropInput', inputs, attrs);
      const got = await runKernelOn('wasm', 'Conv2DBackpropInput', inputs, attrs);
      expect(got.shape).toEqual(xShape);
      expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('leaves small convolutions, small patches, channels first and other activations to XNNPACK', async () => {
    await useBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike;
    const x = tf.ones([1, 8, 8, 1]);
    const filter = tf.ones([3, 3, 1, 8]);
    const big = tf.ones([16, 14, 14, 8]);
    const filter2 = tf.ones([5, 5, 8, 16]);
    const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] };
    expect(convByThreads(backend, { x, filter }, attrs as never)).toBeNull();
    const wide = tf.ones([64, 28, 28, 1]);
    expect(convByThreads(backend, { x: wide, filter }, attrs as never)).toBeNull(); // a 3x3x1 patch
    wide.dispose();
    expect(
      convByThreads(backend, { x: big, filter: filter2 }, { ...attrs, activation: 'elu' } as never),
    ).toBeNull();
    expect(
      convByThreads(backend, { x: big, filter: filter2 }, { ...attrs, dataFormat: 'NCHW' } as never),
    ).toBeNull();
    tf.dispose([x, filter, big, filter2]);
  });
});
