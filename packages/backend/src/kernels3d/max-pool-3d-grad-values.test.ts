/**
 * tensorfold's MaxPool3DGrad values (the CPU backend's kernel since `registerCpuKernels`, and the WASM
 * kernel's) against an independent formula: each window's `dy` goes to the last position, in depth,
 * row, column order, that holds the window's maximum. Stock tfjs-backend-cpu 4.22 agrees where the
 * pool's height and width are equal and misplaces the gradient where they differ.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCpuKernels, unregisterCpuKernels } from '../cpu/register-kernels.js';
import { useBackend } from '../init-backend.js';
import { sequence } from '../wasm/test-utils/run-kernel.js';

type Triple = [number, number, number];
type Shape5 = [number, number, number, number, number];

/** The gradient by definition, window by window (NDHWC), from the window positions listed in order. */
function reference(
  x: Float32Array,
  shape: Shape5,
  dy: Float32Array,
  window: Triple,
  strides: Triple,
  pad: 'same' | 'valid',
) {
  const [batch, ...dims] = shape.slice(0, 4) as [number, number, number, number];
  const channels = shape[4];
  const outDims = dims.map((n, i) =>
    pad === 'same' ? Math.ceil(n / strides[i]) : Math.ceil((n - window[i] + 1) / strides[i]),
  );
  const before = dims.map((n, i) =>
    pad === 'same' ? Math.floor(Math.max(0, (outDims[i] - 1) * strides[i] + window[i] - n) / 2) : 0,
  );
  const index = (b: number, d: number, h: number, w: number, c: number) =>
    (((b * dims[0] + d) * dims[1] + h) * dims[2] + w) * channels + c;
  const dx = new Float32Array(x.length);
  let o = 0;
  for (let b = 0; b < batch; b++)
    for (let od = 0; od < outDims[0]; od++)
      for (let oh = 0; oh < outDims[1]; oh++)
        for (let ow = 0; ow < outDims[2]; ow++)
          for (let c = 0; c < channels; c++, o++) {
            const positions: number[] = [];
            for (let i = 0; i < window[0]; i++)
              for (let j = 0; j < window[1]; j++)
                for (let k = 0; k < window[2]; k++) {
                  const [d, h, w] = [
                    od * strides[0] + i - before[0],
                    oh * strides[1] + j - before[1],
                    ow * strides[2] + k - before[2],
                  ];
                  if (d >= 0 && d < dims[0] && h >= 0 && h < dims[1] && w >= 0 && w < dims[2])
                    positions.push(index(b, d, h, w, c));
                }
            const numbers = positions.filter((p) => !Number.isNaN(x[p]));
            if (numbers.length === 0) continue;
            const maximum = Math.max(...numbers.map((p) => x[p]));
            const winner = numbers.filter((p) => x[p] === maximum).at(-1)!;
            dx[winner] += dy[o];
          }
  return dx;
}

/** Largest element-wise difference (sums of several `dy` may round differently). */
function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

async function cpuGradient(
  x: Float32Array,
  shape: Shape5,
  dy: Float32Array,
  window: Triple,
  strides: Triple,
  pad: 'same' | 'valid',
) {
  const input = tf.tensor(x, shape) as tf.Tensor5D;
  const output = tf.maxPool3d(input, window, strides, pad);
  const dyTensor = tf.tensor(dy, output.shape);
  const dx = tf.engine().runKernel('MaxPool3DGrad', { dy: dyTensor, input, output }, {
    filterSize: window,
    strides,
    pad,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
  const values = (await dx.data()) as Float32Array;
  tf.dispose([input, output, dyTensor, dx]);
  return values;
}

const cases: Array<[string, Shape5, Triple, Triple, 'same' | 'valid', 'random' | 'ties' | 'nan']> = [
  ['[2, 3, 2] (height and width differ), same', [2, 4, 5, 6, 3], [2, 3, 2], [1, 2, 1], 'same', 'random'],
  ['[3, 2, 4], valid, strides [2, 1, 3]', [1, 6, 5, 9, 2], [3, 2, 4], [2, 1, 3], 'valid', 'random'],
  ['[1, 2, 3], same, tied maxima', [2, 3, 4, 5, 2], [1, 2, 3], [1, 1, 2], 'same', 'ties'],
  ['2x2x2, stride 1, same, NaN and -Infinity', [1, 3, 3, 3, 2], [2, 2, 2], [1, 1, 1], 'same', 'nan'],
  ['3x3x3, stride 2, same', [2, 5, 5, 7, 3], [3, 3, 3], [2, 2, 2], 'same', 'random'],
];

function values(shape: Shape5, kind: 'random' | 'ties' | 'nan'): Float32Array {
  const v = sequence(
    shape.reduce((a, b) => a * b, 1),
    11,
  );
  if (kind === 'ties') return v.map((e) => Math.round(e * 2));
  if (kind === 'nan') return v.map((e, i) => (i % 5 === 0 ? Number.NaN : i % 7 === 0 ? -Infinity : e));
  return v;
}

describe('MaxPool3DGrad on the CPU backend (tensorfold kernel)', () => {
  beforeAll(() => useBackend('cpu'));
  afterAll(() => registerCpuKernels());

  it.each(cases)('matches the definition: %s', async (_name, shape, window, strides, pad, kind) => {
    const x = values(shape, kind);
    const output = tf.maxPool3d(tf.tensor(x, shape) as tf.Tensor5D, window, strides, pad);
    const dy = sequence(output.size, 12);
    output.dispose();
    const got = await cpuGradient(x, shape, dy, window, strides, pad);
    expect(maxDifference(got, reference(x, shape, dy, window, strides, pad))).toBeLessThan(1e-6);
  });

  it('stock tfjs-backend-cpu agrees where height and width are equal, and not where they differ', async () => {
    unregisterCpuKernels();
    try {
      for (const [name, shape, window, strides, pad, kind] of cases) {
        const x = values(shape, kind);
        const output = tf.maxPool3d(tf.tensor(x, shape) as tf.Tensor5D, window, strides, pad);
        const dy = sequence(output.size, 12);
        output.dispose();
        const stock = await cpuGradient(x, shape, dy, window, strides, pad);
        const difference = maxDifference(stock, reference(x, shape, dy, window, strides, pad));
        if (window[1] === window[2]) expect(difference, name).toBeLessThan(1e-6);
        else expect(difference, name).toBeGreaterThan(0.1);
      }
    } finally {
      registerCpuKernels();
    }
  });
});
