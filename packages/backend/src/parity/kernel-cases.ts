/**
 * The kernels tensorfold's layers, losses, optimizers and metrics run, each as a small case that
 * computes a forward value and (where defined) the gradients of a weighted sum of it with respect to
 * every float input. The parity suite runs every case on every backend that starts and compares the
 * results with the CPU backend's.
 */
import * as tf from '@tensorflow/tfjs-core';
import { KERNEL_CASES_3D } from './kernel-cases-3d.js';

/** How an input is filled. `uniform` is in [-1, 1); `positive` in [0.5, 2) (for log, sqrt, pow...). */
export type Fill = 'uniform' | 'positive';

/** One parity case. */
export interface KernelCase {
  /** Unique name, e.g. `conv2d same stride 2`. */
  name: string;
  /** Shapes of the float inputs (filled deterministically from the case name). */
  inputs: Array<number[] | [number[], Fill]>;
  /** The computation; gets the float inputs in order. */
  run: (...xs: tf.Tensor[]) => tf.Tensor;
  /** Whether to compare gradients too. Default `true`. */
  grad?: boolean;
  /** Extra tolerance multiplier for this case (accumulations over many terms). Default 1. */
  slack?: number;
  /**
   * An independent formula for `[forward, ...gradients]` given the inputs and the cotangent, used on
   * the CPU backend instead of its autodiff where that is known to be wrong.
   */
  reference?: (inputs: tf.Tensor[], cotangent: tf.Tensor) => tf.Tensor[];
}

const t4 = (x: tf.Tensor) => x as tf.Tensor4D;
const t3 = (x: tf.Tensor) => x as tf.Tensor3D;
const t2 = (x: tf.Tensor) => x as tf.Tensor2D;
const ids = (values: number[]) => tf.tensor1d(values, 'int32');

const unary: Array<[string, (x: tf.Tensor) => tf.Tensor, Fill?]> = [
  ['relu', tf.relu],
  ['relu6', (x) => tf.relu6(tf.mul(x, 8))],
  ['elu', tf.elu],
  ['selu', tf.selu],
  ['leakyRelu', (x) => tf.leakyRelu(x, 0.2)],
  ['sigmoid', tf.sigmoid],
  ['tanh', tf.tanh],
  ['softplus', tf.softplus],
  ['exp', tf.exp],
  ['expm1', tf.expm1],
  ['log', tf.log, 'positive'],
  ['log1p', tf.log1p, 'positive'],
  ['sqrt', tf.sqrt, 'positive'],
  ['rsqrt', tf.rsqrt, 'positive'],
  ['reciprocal', tf.reciprocal, 'positive'],
  ['square', tf.square],
  ['abs', tf.abs],
  ['neg', tf.neg],
  ['erf', tf.erf],
  ['sin', tf.sin],
  ['cos', tf.cos],
  ['atan', tf.atan],
  ['clipByValue', (x) => tf.clipByValue(x, -0.5, 0.5)],
  ['softsign', (x) => tf.div(x, tf.add(tf.abs(x), 1))],
  ['swish', (x) => tf.mul(x, tf.sigmoid(x))],
  ['hardSigmoid', (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1)],
];

const binary: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, Fill?]> = [
  ['add', tf.add],
  ['sub', tf.sub],
  ['mul', tf.mul],
  ['div', tf.div, 'positive'],
  ['pow', tf.pow, 'positive'],
];

/** Every case of the parity suite. */
export const KERNEL_CASES: KernelCase[] = [
  ...unary.map(([name, fn, fill]): KernelCase => ({ name, inputs: [[[3, 7], fill ?? 'uniform']], run: fn })),
  ...binary.map(
    ([name, fn, fill]): KernelCase => ({
      name: `${name} broadcast`,
      inputs: [
        [[2, 3, 4], fill ?? 'uniform'],
        [[3, 1], fill ?? 'uniform'],
      ],
      run: fn,
    }),
  ),
  // tfjs-core's squaredDifference/atan2/maximum/minimum gradients do not reduce a broadcast operand (on any backend): same shapes.
  {
    name: 'squaredDifference',
    inputs: [
      [3, 4],
      [3, 4],
    ],
    run: tf.squaredDifference,
  },
  {
    name: 'atan2',
    inputs: [
      [3, 4],
      [3, 4],
    ],
    run: tf.atan2,
  },
  {
    name: 'maximum',
    inputs: [
      [3, 4],
      [3, 4],
    ],
    run: tf.maximum,
  },
  {
    name: 'minimum',
    inputs: [
      [3, 4],
      [3, 4],
    ],
    run: tf.minimum,
  },
  { name: 'prelu', inputs: [[4, 5], [5]], run: (x, a) => tf.prelu(x, a) },
  { name: 'sign (forward)', inputs: [[3, 5]], run: tf.sign, grad: false },
  { name: 'step (forward)', inputs: [[3, 5]], run: (x) => tf.step(x), grad: false },
  {
    name: 'floor, round (forward)',
    inputs: [[3, 5]],
    run: (x) => tf.add(tf.floor(tf.mul(x, 4)), tf.round(tf.mul(x, 3))),
    grad: false,
  },
  {
    name: 'greater, equal (forward)',
    inputs: [
      [3, 5],
      [3, 5],
    ],
    run: (a, b) => tf.cast(tf.logicalOr(tf.greater(a, b), tf.equal(a, 0)), 'float32'),
    grad: false,
  },
  {
    name: 'where (masking)',
    inputs: [
      [3, 5],
      [3, 5],
    ],
    run: (a, b) =>
      tf.where(
        tf.tensor2d(
          Array.from({ length: 15 }, (_, i) => i % 3 === 0),
          [3, 5],
          'bool',
        ),
        a,
        tf.mul(b, 2),
      ),
  },
  {
    name: 'cast int32 round trip (forward)',
    inputs: [[4, 4]],
    run: (x) => tf.cast(tf.cast(tf.mul(x, 10), 'int32'), 'float32'),
    grad: false,
  },

  { name: 'sum axis 1', inputs: [[3, 4, 5]], run: (x) => tf.sum(x, 1) },
  { name: 'sum all', inputs: [[3, 4, 5]], run: (x) => tf.sum(x) },
  { name: 'mean axes [0, 2]', inputs: [[3, 4, 5]], run: (x) => tf.mean(x, [0, 2]) },
  // Large enough (>= 8192 elements) for the WASM matrix-product path of leading-axis reductions.
  {
    name: 'sum axes [0, 1, 2] (bias gradient)',
    inputs: [[8, 12, 12, 8]],
    run: (x) => tf.sum(x, [0, 1, 2]),
    slack: 4,
  },
  { name: 'sum axis 0 keepDims (dense bias)', inputs: [[128, 80]], run: (x) => tf.sum(x, 0, true), slack: 4 },
  {
    name: 'mean axes [0, 1, 2] (batch statistics)',
    inputs: [[8, 12, 12, 8]],
    run: (x) => tf.mean(x, [0, 1, 2]),
  },
  { name: 'mean axes [1, 0] keepDims', inputs: [[64, 16, 9]], run: (x) => tf.mean(x, [1, 0], true) },
  { name: 'max axis -1', inputs: [[3, 4, 5]], run: (x) => tf.max(x, -1) },
  { name: 'min axis 0', inputs: [[3, 4, 5]], run: (x) => tf.min(x, 0) },
  // tfjs-core's Prod gradient calls a chained op (x.reshape), which tensorfold does not install.
  { name: 'prod axis 1 (forward)', inputs: [[[3, 4], 'positive']], run: (x) => tf.prod(x, 1), grad: false },
  { name: 'logSumExp', inputs: [[4, 6]], run: (x) => tf.logSumExp(x, -1) },
  { name: 'softmax', inputs: [[4, 6]], run: (x) => tf.softmax(tf.mul(x, 3)) },
  { name: 'logSoftmax', inputs: [[4, 6]], run: (x) => tf.logSoftmax(tf.mul(x, 3)) },
  {
    name: 'argMax, topk (forward)',
    inputs: [[4, 6]],
    run: (x) => tf.cast(tf.concat([tf.expandDims(tf.argMax(x, 1), 1), tf.topk(x, 2).indices], 1), 'float32'),
    grad: false,
  },
  {
    name: 'moments',
    inputs: [[6, 5]],
    run: (x) => {
      const m = tf.moments(x, 0);
      return tf.concat([m.mean, m.variance]);
    },
  },
  {
    name: 'l2 normalize',
    inputs: [[4, 6]],
    run: (x) => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12))),
  },

  {
    name: 'matMul',
    inputs: [
      [6, 5],
      [5, 4],
    ],
    run: (a, b) => tf.matMul(a, b),
  },
  {
    name: 'matMul transposeA',
    inputs: [
      [5, 6],
      [5, 4],
    ],
    run: (a, b) => tf.matMul(a, b, true, false),
  },
  {
    name: 'matMul transposeB',
    inputs: [
      [6, 5],
      [4, 5],
    ],
    run: (a, b) => tf.matMul(a, b, false, true),
  },
  {
    name: 'matMul transposeA transposeB',
    inputs: [
      [5, 6],
      [4, 5],
    ],
    run: (a, b) => tf.matMul(a, b, true, true),
  },
  {
    name: 'matMul batched',
    inputs: [
      [2, 6, 5],
      [2, 5, 4],
    ],
    run: (a, b) => tf.matMul(a, b),
  },
  {
    name: 'matMul batched transposeB',
    inputs: [
      [2, 6, 5],
      [2, 4, 5],
    ],
    run: (a, b) => tf.matMul(a, b, false, true),
  },
  {
    name: 'matMul transposeB, wide b (dense input gradient)',
    inputs: [
      [8, 40],
      [60, 40],
    ],
    run: (a, b) => tf.matMul(a, b, false, true),
  },
  {
    name: 'matMul batched 3x(40x36 . 36x33) transposeA',
    inputs: [
      [3, 36, 40],
      [3, 36, 33],
    ],
    run: (a, b) => tf.matMul(a, b, true, false),
    slack: 2,
  },
  {
    name: 'matMul batched 2x(40x36 . 36x33) transposeB',
    inputs: [
      [2, 40, 36],
      [2, 33, 36],
    ],
    run: (a, b) => tf.matMul(a, b, false, true),
    slack: 2,
  },
  {
    name: 'matMul 1-batch by 3-D (mode-n product, forward)',
    inputs: [
      [1, 5, 7],
      [4, 7, 6],
    ],
    run: (a, b) => tf.matMul(a, b),
    grad: false,
  },
  {
    name: 'matMul 1-batch transposed by 3-D (forward)',
    inputs: [
      [1, 7, 5],
      [4, 6, 7],
    ],
    run: (a, b) => tf.matMul(a, b, true, true),
    grad: false,
  },
  // tfjs-core's matMul gradient does not reduce a broadcast batch (a [2,6,5] times b [5,4] gives a
  // [2,5,4] gradient for b on every backend), so this compares the forward value only.
  {
    name: 'matMul 3-D by 2-D (forward)',
    inputs: [
      [2, 6, 5],
      [5, 4],
    ],
    run: (a, b) => tf.matMul(a, b),
    grad: false,
  },
  {
    name: 'matMul large (dense layer)',
    inputs: [
      [32, 64],
      [64, 48],
    ],
    run: (a, b) => tf.matMul(a, b),
    slack: 4,
  },
  {
    name: 'fused matMul + bias + relu',
    inputs: [[6, 5], [4, 5], [4]],
    run: (a, b, c) => tf.fused.matMul({ a: t2(a), b: t2(b), transposeB: true, bias: c, activation: 'relu' }),
  },
  {
    name: 'fused matMul + bias (3-D)',
    inputs: [[2, 6, 5], [5, 4], [4]],
    run: (a, b, c) => tf.fused.matMul({ a: t3(a), b: t3(tf.expandDims(b, 0)), bias: c }),
    grad: false,
  },

  {
    name: 'conv2d same',
    inputs: [
      [2, 7, 7, 3],
      [3, 3, 3, 4],
    ],
    run: (x, f) => tf.conv2d(t4(x), t4(f), 1, 'same'),
  },
  {
    name: 'conv2d valid stride 2',
    inputs: [
      [2, 9, 8, 3],
      [3, 2, 3, 4],
    ],
    run: (x, f) => tf.conv2d(t4(x), t4(f), 2, 'valid'),
  },
  {
    name: 'conv2d same stride [2, 3]',
    inputs: [
      [2, 9, 8, 3],
      [5, 5, 3, 4],
    ],
    run: (x, f) => tf.conv2d(t4(x), t4(f), [2, 3], 'same'),
  },
  {
    name: 'conv2d LeNet layer',
    inputs: [
      [4, 14, 14, 8],
      [5, 5, 8, 16],
    ],
    run: (x, f) => tf.conv2d(t4(x), t4(f), 1, 'valid'),
    slack: 4,
  },
  {
    name: 'conv2d one input channel (a first layer)',
    inputs: [
      [2, 10, 10, 1],
      [3, 3, 1, 8],
    ],
    run: (x, f) => tf.conv2d(t4(x), t4(f), 1, 'same'),
  },
  {
    name: 'conv2d explicit padding wider than the filter',
    inputs: [
      [2, 6, 7, 3],
      [3, 3, 3, 4],
    ],
    run: (x, f) =>
      tf.conv2d(
        t4(x),
        t4(f),
        [2, 1],
        [
          [0, 0],
          [4, 1],
          [0, 3],
          [0, 0],
        ],
      ),
  },
  // tfjs-core has no gradient for dilated convolutions on any backend.
  {
    name: 'conv2d dilation 2 (forward)',
    inputs: [
      [2, 9, 9, 3],
      [3, 3, 3, 4],
    ],
    run: (x, f) => tf.conv2d(t4(x), t4(f), 1, 'same', 'NHWC', 2),
    grad: false,
  },
  {
    name: 'conv1d',
    inputs: [
      [2, 12, 3],
      [3, 3, 5],
    ],
    run: (x, f) => tf.conv1d(t3(x), t3(f), 1, 'same'),
  },
  {
    name: 'conv1d stride 2 valid',
    inputs: [
      [2, 13, 3],
      [4, 3, 5],
    ],
    run: (x, f) => tf.conv1d(t3(x), t3(f), 2, 'valid'),
  },
  {
    name: 'conv2dTranspose stride 2 same',
    inputs: [
      [2, 4, 4, 5],
      [3, 3, 3, 5],
    ],
    run: (x, f) => tf.conv2dTranspose(t4(x), t4(f), [2, 8, 8, 3], 2, 'same'),
  },
  {
    name: 'conv2dTranspose stride [3, 2] valid',
    inputs: [
      [2, 3, 4, 5],
      [4, 3, 2, 5],
    ],
    run: (x, f) => tf.conv2dTranspose(t4(x), t4(f), [2, 10, 9, 2], [3, 2], 'valid'),
  },
  {
    name: 'depthwiseConv2d same',
    inputs: [
      [2, 7, 7, 3],
      [3, 3, 3, 2],
    ],
    run: (x, f) => tf.depthwiseConv2d(t4(x), t4(f), 1, 'same'),
  },
  {
    name: 'depthwiseConv2d valid stride 2',
    inputs: [
      [2, 9, 8, 3],
      [3, 2, 3, 1],
    ],
    run: (x, f) => tf.depthwiseConv2d(t4(x), t4(f), 2, 'valid'),
  },
  {
    name: 'depthwiseConv2d same stride [2, 3] multiplier 3',
    inputs: [
      [2, 9, 8, 3],
      [5, 4, 3, 3],
    ],
    run: (x, f) => tf.depthwiseConv2d(t4(x), t4(f), [2, 3], 'same'),
  },
  {
    name: 'separableConv2d',
    inputs: [
      [2, 8, 8, 3],
      [3, 3, 3, 2],
      [1, 1, 6, 5],
    ],
    run: (x, d, p) => tf.separableConv2d(t4(x), t4(d), t4(p), 1, 'same'),
  },

  { name: 'maxPool 2x2', inputs: [[2, 8, 8, 3]], run: (x) => tf.maxPool(t4(x), 2, 2, 'valid') },
  { name: 'maxPool 2x2, 8 channels', inputs: [[2, 6, 6, 8]], run: (x) => tf.maxPool(t4(x), 2, 2, 'valid') },
  { name: 'maxPool 3x3 stride 2 same', inputs: [[2, 9, 9, 3]], run: (x) => tf.maxPool(t4(x), 3, 2, 'same') },
  { name: 'avgPool 2x2', inputs: [[2, 8, 8, 3]], run: (x) => tf.avgPool(t4(x), 2, 2, 'valid') },
  { name: 'avgPool 3x3 stride 2 same', inputs: [[2, 9, 9, 3]], run: (x) => tf.avgPool(t4(x), 3, 2, 'same') },
  {
    name: 'maxPool 1-D (as 2-D)',
    inputs: [[2, 10, 3]],
    run: (x) => tf.squeeze(tf.maxPool(t4(tf.expandDims(x, 2)), [2, 1], [2, 1], 'valid'), [2]),
  },
  // Square images: tfjs-backend-cpu's ResizeBilinearGrad returns a transposed shape for non-square ones.
  {
    name: 'resizeNearestNeighbor x2',
    inputs: [[2, 4, 4, 3]],
    run: (x) => tf.image.resizeNearestNeighbor(t4(x), [8, 8]),
    // tfjs-backend-cpu's ResizeNearestNeighborGrad is wrong for several channels; at scale 2 the
    // gradient is the 2x2 sum of the cotangent.
    reference: ([x], dy) => [
      tf.image.resizeNearestNeighbor(t4(x), [8, 8]),
      tf.mul(tf.avgPool(t4(dy), 2, 2, 'valid'), 4),
    ],
  },
  { name: 'resizeBilinear x2', inputs: [[2, 4, 4, 3]], run: (x) => tf.image.resizeBilinear(t4(x), [8, 8]) },
  // tf.image.transform (geometric augmentation) has no gradient: forward only. A batch of several
  // images, since the stock CPU kernel blanks all but the first. Coefficients with few binary digits
  // keep coordinates exact in float32 (no rounding error next to a nearest tie or a wrap seam).
  ...(
    [
      ['bilinear', 'reflect', 'per image', undefined],
      ['nearest', 'wrap', 'shared', [4, 7]],
      ['bilinear', 'constant', 'per image', [6, 5]],
      ['nearest', 'nearest', 'per image', undefined],
    ] as const
  ).map(
    ([interpolation, fillMode, rows, outputShape]): KernelCase => ({
      name: `image.transform ${interpolation}, ${fillMode} fill, ${rows} (forward)`,
      inputs: [[3, 5, 6, 2]],
      run: (x) =>
        tf.image.transform(
          t4(x),
          rows === 'shared'
            ? tf.tensor2d([[1.5, 0.25, -1.625, -0.125, 1.25, -0.75, 0, 0]])
            : tf.tensor2d([
                [1, 0, 2.5, 0, 1, -1.5, 0, 0],
                [0.75, -0.5, 1.25, 0.5, 0.75, -0.75, 0, 0],
                [-1, 0, 5.25, 0, 1.5, -9.5, 1 / 64, -1 / 32],
              ]),
          interpolation,
          fillMode,
          0.5,
          outputShape ? [...outputShape] : undefined,
        ),
      grad: false,
    }),
  ),

  {
    name: 'batchNorm',
    inputs: [[4, 3, 3, 5], [5], [[5], 'positive'], [5], [[5], 'positive']],
    run: (x, mean, variance, offset, scale) => tf.batchNorm(x, mean, variance, offset, scale, 1e-3),
  },
  {
    name: 'layer normalization',
    inputs: [[4, 6]],
    run: (x) => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-3)));
    },
  },

  {
    name: 'reshape, transpose',
    inputs: [[2, 3, 4]],
    run: (x) => tf.transpose(tf.reshape(x, [6, 4]), [1, 0]),
  },
  { name: 'transpose 4-D', inputs: [[2, 3, 4, 5]], run: (x) => tf.transpose(x, [0, 3, 1, 2]) },
  {
    name: 'concat axis 1',
    inputs: [
      [2, 3],
      [2, 4],
    ],
    run: (a, b) => tf.concat([a, b], 1),
  },
  { name: 'slice', inputs: [[4, 5, 3]], run: (x) => tf.slice(x, [1, 0, 1], [2, 4, 2]) },
  { name: 'slice (rows of a batch, contiguous)', inputs: [[6, 3, 2, 2]], run: (x) => tf.slice(x, [2], [3]) },
  // Rank 4 at most: tfjs-backend-webgpu 4.22 gets the gradient of a rank-5 slice (a rank-5 pad) wrong.
  {
    name: 'slice (rank 4, strided)',
    inputs: [[2, 4, 3, 2]],
    run: (x) => tf.slice(x, [1, 1, 1, 0], [1, 3, 2, 1]),
  },
  {
    name: 'slice (one time step of a sequence)',
    inputs: [[3, 5, 4]],
    run: (x) => tf.reshape(tf.slice(x, [0, 2, 0], [-1, 1, -1]), [3, 4]),
  },
  {
    name: 'slice (int32, forward)',
    inputs: [[1]],
    run: () => tf.cast(tf.slice(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), [1, 1], [2, 1]), 'float32'),
    grad: false,
  },
  // tfjs-core registers no gradient for StridedSlice.
  {
    name: 'stridedSlice (forward)',
    inputs: [[6, 5]],
    run: (x) => tf.stridedSlice(x, [1, 0], [6, 5], [2, 2]),
    grad: false,
  },
  {
    name: 'pad (zeroPadding2d)',
    inputs: [[2, 3, 3, 2]],
    run: (x) =>
      tf.pad(x, [
        [0, 0],
        [1, 2],
        [2, 1],
        [0, 0],
      ]),
  },
  { name: 'tile (repeatVector)', inputs: [[2, 1, 4]], run: (x) => tf.tile(x, [1, 3, 1]) },
  { name: 'reverse (goBackwards)', inputs: [[2, 5, 3]], run: (x) => tf.reverse(x, 1) },
  { name: 'stack, unstack', inputs: [[3, 4]], run: (x) => tf.stack(tf.unstack(x, 0).reverse(), 1) },
  {
    name: 'unstack a middle axis (strided)',
    inputs: [[2, 3, 4]],
    run: (x) => tf.stack(tf.unstack(x, 1).reverse(), 2),
  },
  { name: 'unstack the last axis', inputs: [[3, 2, 5]], run: (x) => tf.concat(tf.unstack(x, -1), 1) },
  {
    name: 'split',
    inputs: [[4, 6]],
    run: (x) => {
      const [a, b, c] = tf.split(x, [1, 2, 3], 1);
      return tf.concat([c, a, b], 1);
    },
  },
  { name: 'gather (embedding)', inputs: [[10, 4]], run: (x) => tf.gather(x, ids([1, 3, 3, 9, 0, 1])) },
  {
    name: 'gather 2-D indices',
    inputs: [[10, 4]],
    run: (x) => tf.gather(x, tf.tensor2d([1, 3, 3, 9, 0, 1], [2, 3], 'int32')),
  },
  {
    name: 'unsortedSegmentSum',
    inputs: [[6, 3]],
    run: (x) => tf.unsortedSegmentSum(x, ids([0, 2, 2, 1, 0, 4]), 5),
  },
  {
    name: 'oneHot (forward)',
    inputs: [[1]],
    run: () => tf.cast(tf.oneHot(ids([0, 3, 2, 1]), 4), 'float32'),
    grad: false,
  },
  {
    // The float32 one-hot that sparse cross-entropy and accuracy build (stock WASM writes int bits).
    name: 'oneHot float32, on 0.9 off 0.025',
    inputs: [[1]],
    run: () => tf.oneHot(ids([0, 3, 2, 1]), 4, 0.9, 0.025, 'float32'),
    grad: false,
  },

  {
    name: 'softmax cross-entropy',
    inputs: [
      [4, 5],
      [4, 5],
    ],
    run: (labels, logits) => tf.losses.softmaxCrossEntropy(tf.softmax(labels), logits),
  },
  {
    name: 'sigmoid cross-entropy',
    inputs: [
      [4, 5],
      [4, 5],
    ],
    run: (labels, logits) => tf.losses.sigmoidCrossEntropy(tf.sigmoid(labels), logits),
  },
  {
    name: 'adam update',
    inputs: [
      [5, 3],
      [5, 3],
      [[5, 3], 'positive'],
    ],
    run: (g, m, v) => {
      const m1 = tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1));
      const v1 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 0.001));
      return tf.div(m1, tf.add(tf.sqrt(v1), 1e-7));
    },
  },
  ...KERNEL_CASES_3D,
];

/** Deterministic values in [-1, 1) or [0.5, 2) from a string key (same on every backend). */
export function fillValues(key: string, size: number, fill: Fill): Float32Array {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) + 0x9e3779b9;
    h ^= h >>> 13;
    const unit = ((h >>> 0) % 1_000_003) / 1_000_003;
    values[i] = fill === 'positive' ? 0.5 + 1.5 * unit : 2 * unit - 1;
  }
  return values;
}

/** A case's forward value and gradients, read back as arrays. */
export interface CaseResult {
  values: Float32Array[];
  shapes: number[][];
}

/**
 * Runs `kernelCase` on the active backend: the forward value, then (unless `grad: false`) the
 * gradient of `sum(output * cotangent)` with respect to every input, with a fixed cotangent so that
 * the gradients are not all ones. Reads results with `await data()` (safe on WebGPU) and frees
 * everything it made. `useReference` computes the case's `reference` formula instead, if it has one.
 */
export async function runCase(
  kernelCase: KernelCase,
  options: { useReference?: boolean } = {},
): Promise<CaseResult> {
  const results = tf.tidy(() => {
    const inputs = kernelCase.inputs.map((spec, i) => {
      const [shape, fill] = isShapeWithFill(spec) ? spec : [spec, 'uniform' as Fill];
      const size = shape.reduce((a, b) => a * b, 1);
      return tf.tensor(fillValues(`${kernelCase.name}#${i}`, size, fill), shape);
    });
    const output = kernelCase.run(...inputs);
    if (kernelCase.grad === false) return [output];
    const cotangent = tf.tensor(fillValues(`${kernelCase.name}#dy`, output.size, 'uniform'), output.shape);
    if (options.useReference && kernelCase.reference) return kernelCase.reference(inputs, cotangent);
    const gradients = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(kernelCase.run(...xs), cotangent)))(
      inputs,
    );
    return [output, ...gradients];
  });
  try {
    const values = await Promise.all(results.map((t) => t.data() as Promise<Float32Array>));
    return { values: values.map((v) => Float32Array.from(v)), shapes: results.map((t) => t.shape) };
  } finally {
    tf.dispose(results);
  }
}

function isShapeWithFill(spec: number[] | [number[], Fill]): spec is [number[], Fill] {
  return Array.isArray(spec[0]);
}
