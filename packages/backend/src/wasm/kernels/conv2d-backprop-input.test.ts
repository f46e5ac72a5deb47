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

/** The forward output size of one axis (as tfjs computes it for 'valid', 'same' and explicit padding). */
function outSize(
  inSize: number,
  filter: number,
  stride: number,
  pad: 'valid' | 'same' | [number, number],
): number {
  if (pad === 'same') return Math.ceil(inSize / stride);
  const [before, after] = pad === 'valid' ? [0, 0] : pad;
  return Math.floor((inSize + before + after - filter) / stride) + 1;
}

/**
 * Every stride from 1 to 3 on each axis, filters from 1x1 to 5x4 (smaller than, equal to and larger
 * than the stride), odd and even sizes, 'valid', 'same' and explicit padding (some wider than the
 * filter), 1, 3 and 17 input channels (the per-element and the block copy of the phase interleave).
 */
function strideCases(): Array<[string, InputGradCase]> {
  const out: Array<[string, InputGradCase]> = [];
  const filters: Array<[number, number]> = [
    [1, 1],
    [2, 3],
    [3, 3],
    [4, 4],
    [5, 4],
  ];
  const pads: Array<'valid' | 'same' | [[number, number], [number, number]]> = [
    'valid',
    'same',
    [
      [2, 0],
      [1, 3],
    ],
    [
      [5, 1],
      [0, 6],
    ],
  ];
  let n = 0;
  for (const sh of [1, 2, 3]) {
    for (const sw of [1, 2, 3]) {
      for (const [fh, fw] of filters) {
        for (const pad of pads) {
          n++;
          const inChannels = [1, 3, 17][n % 3];
          const [h, w] = [7 + (n % 4), 6 + (n % 5)];
          const padH = pad === 'valid' || pad === 'same' ? pad : pad[0];
          const padW = pad === 'valid' || pad === 'same' ? pad : pad[1];
          const [oh, ow] = [outSize(h, fh, sh, padH), outSize(w, fw, sw, padW)];
          if (oh < 1 || ow < 1) continue;
          const outChannels = 2 + (n % 3);
          out.push([
            `${h}x${w}x${inChannels}, filter ${fh}x${fw} to ${outChannels}, strides ${sh}x${sw}, pad ${JSON.stringify(pad)}`,
            {
              inputShape: [2, h, w, inChannels],
              filterShape: [fh, fw, inChannels, outChannels],
              strides: [sh, sw],
              pad: typeof pad === 'string' ? pad : [[0, 0], pad[0], pad[1], [0, 0]],
              dyShape: [2, oh, ow, outChannels],
            },
          ]);
        }
      }
    }
  }
  return out;
}

describe('WASM Conv2DBackpropInput (XNNPACK convolution of dy with the flipped filter, by phase when strided)', () => {
  it.each([...cases, ...strideCases()])('matches the CPU backend: %s', async (_name, c) => {
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
