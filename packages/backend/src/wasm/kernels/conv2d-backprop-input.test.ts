import { describe, expect, it } from 'vitest';
import { runKernelOn, sequence, worstExcess } from '../test-utils/run-kernel.js';

type Pad = 'valid' | 'same' | number[][];

interface InputGradCase {
  inputShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  /** Shape of `dy` (the forward output). */
  dyShape: number[];
}

const cases: Array<[string, InputGradCase]> = [
  [
    'LeNet-5 second layer (5x5, valid)',
    {
      inputShape: [4, 14, 14, 8],
      filterShape: [5, 5, 8, 16],
      strides: [1, 1],
      pad: 'valid',
      dyShape: [4, 10, 10, 16],
    },
  ],
  [
    'stride [2, 3], same',
    {
      inputShape: [2, 9, 10, 3],
      filterShape: [3, 4, 3, 5],
      strides: [2, 3],
      pad: 'same',
      dyShape: [2, 5, 4, 5],
    },
  ],
  [
    'explicit padding wider than the filter',
    {
      inputShape: [2, 6, 7, 3],
      filterShape: [3, 3, 3, 4],
      strides: [2, 1],
      pad: [
        [0, 0],
        [4, 1],
        [0, 3],
        [0, 0],
      ],
      dyShape: [2, 5, 8, 4],
    },
  ],
  [
    'channels first (NCHW), stride 2',
    {
      inputShape: [2, 3, 7, 6],
      filterShape: [3, 3, 3, 4],
      strides: [2, 2],
      pad: 'same',
      dataFormat: 'NCHW',
      dyShape: [2, 4, 4, 3],
    },
  ],
];

describe('WASM Conv2DBackpropInput (XNNPACK convolution of the spread dy with the flipped filter)', () => {
  it.each(cases)('matches the CPU backend: %s', async (_name, c) => {
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    const inputs = {
      dy: { values: sequence(size(c.dyShape), 1), shape: c.dyShape },
      filter: { values: sequence(size(c.filterShape), 2), shape: c.filterShape },
    };
    const attrs = {
      inputShape: c.inputShape,
      strides: c.strides,
      pad: c.pad,
      dataFormat: c.dataFormat ?? 'NHWC',
      dimRoundingMode: undefined,
    };
    const want = await runKernelOn('cpu', 'Conv2DBackpropInput', inputs, attrs);
    const got = await runKernelOn('wasm', 'Conv2DBackpropInput', inputs, attrs);
    expect(got.shape).toEqual(c.inputShape);
    expect(got.shape).toEqual(want.shape);
    expect(worstExcess(got.values, want.values, 1e-4)).toBeLessThanOrEqual(1e-5);
  });
});
