/**
 * The differential fuzz suite's cases: every kernel tensorfold registers or replaces on WASM and
 * WebGPU, and the stock kernels that layers, optim, data and tensor-math call, each with a
 * fast-check arbitrary for its parameters (shapes of rank 0 to 8, sizes 1 to 70, empty tensors,
 * broadcasting, every transpose flag) and a computation run on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { KHATRI_RAO_CONTRACTION } from '../wasm/kernels/khatri-rao-contraction.js';
import { setThreadedMatMulMinimum } from '../wasm/kernels/mat-mul-by-threads.js';
import { ROW_CONTRACTION } from '../wasm/kernels/row-contraction.js';
import {
  axesFrom,
  broadcastPair,
  type ConvGeometry,
  capSize,
  convGeometry,
  dimension,
  shape,
  valueSeed,
} from './arbitraries.js';
import { FUZZ_CASES_3D } from './fuzz-cases-3d.js';
import { FUZZ_CASES_THREADS } from './fuzz-cases-threads.js';
import { withGradients } from './gradients.js';
import { type Fill, input, sizeOf } from './values.js';

/** One fuzzed computation. */
export interface FuzzCase<P = unknown> {
  /** Unique name (the kernels it exercises). */
  name: string;
  /** Parameters: shapes, attributes, a value seed. */
  arbitrary: fc.Arbitrary<P>;
  /** Builds the inputs from `p` on the active backend and returns the outputs to compare. */
  run: (p: P) => tf.Tensor[];
  /** Tolerance multiplier for `p` (long sums). Default 1. */
  slack?: (p: P) => number;
  /** The backends compared with the CPU (those that start here); default WASM and WebGPU. */
  only?: ReadonlyArray<'wasm' | 'webgpu'>;
}

function fuzzCase<P>(c: FuzzCase<P>): FuzzCase<unknown> {
  return c as FuzzCase<unknown>;
}

const t4 = (x: tf.Tensor) => x as tf.Tensor4D;

// ---- matrix products -------------------------------------------------------------------------

interface MatMulParams {
  batch: [number[], number[]];
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  seed: number;
}

const matMulParams: fc.Arbitrary<MatMulParams> = fc.record({
  // Both operands batched alike, or one batched and the other a matrix (tfjs-core 4.22's CPU
  // backend fails on other batch broadcasts, so there is no reference for them).
  batch: fc
    .tuple(
      shape(0, 3, false).map((b) => capSize(b, 8)),
      fc.constantFrom('both', 'a', 'b'),
    )
    .map(([b, side]) => [side === 'b' ? [] : b, side === 'a' ? [] : b] as [number[], number[]]),
  m: dimension,
  k: dimension,
  n: dimension,
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
  seed: valueSeed,
});

/**
 * Products of the shapes tensorfold's own SIMD matMul kernel takes where relaxed SIMD runs (rows a
 * multiple of 4, columns of 8, the inner size across its blocks of 128), unbatched: the kernel runs
 * for the product and for the transposed forms its gradients take.
 */
const simdMatMulParams: fc.Arbitrary<MatMulParams> = fc.record({
  batch: fc.constant([[], []] as [number[], number[]]),
  m: fc.integer({ min: 1, max: 8 }).map((x) => 4 * x),
  k: fc.integer({ min: 16, max: 200 }),
  n: fc.integer({ min: 1, max: 4 }).map((x) => 8 * x),
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
  seed: valueSeed,
});

function matMulInputs(p: MatMulParams): [tf.Tensor, tf.Tensor] {
  const a = input([...p.batch[0], ...(p.transposeA ? [p.k, p.m] : [p.m, p.k])], p.seed);
  const b = input([...p.batch[1], ...(p.transposeB ? [p.n, p.k] : [p.k, p.n])], p.seed + 1);
  return [a, b];
}

/**
 * After the product, `b` is used again as the weights of a product under another shape (its axes
 * reversed, as a reshape): stock WASM reused the XNNPACK operator built for the first shape.
 */
function productWithReshapedWeights(p: MatMulParams): tf.Tensor[] {
  const [a, b] = matMulInputs(p);
  const first = tf.matMul(a, b, p.transposeA, p.transposeB);
  if (b.rank !== 2) return [first];
  const [r, c] = b.shape;
  const again = tf.matMul(input([3, c], p.seed + 2), tf.reshape(b, [c, r]));
  return [first, again, tf.matMul(a, b, p.transposeA, p.transposeB)];
}

// ---- convolutions and pools ------------------------------------------------------------------

function convInputs(g: ConvGeometry): [tf.Tensor4D, tf.Tensor4D] {
  return [
    t4(input([g.batch, g.height, g.width, g.inChannels], g.seed)),
    t4(input([g.filterHeight, g.filterWidth, g.inChannels, g.outChannels], g.seed + 1)),
  ];
}

const poolParams = convGeometry.map((g) => ({
  ...g,
  filterHeight: Math.min(g.filterHeight, 4),
  filterWidth: Math.min(g.filterWidth, 4),
}));

// ---- element-wise ----------------------------------------------------------------------------

const binaryOps: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, boolean, Fill?]> = [
  ['add', tf.add, true],
  ['sub', tf.sub, true],
  ['mul', tf.mul, true],
  ['div', tf.div, true, 'positive'],
  ['squaredDifference', tf.squaredDifference, false],
  ['maximum', tf.maximum, false],
  ['minimum', tf.minimum, false],
  ['pow', tf.pow, false, 'positive'],
  // alpha broadcasts onto x (tfjs-backend-wasm's prelu gives x's shape when alpha is the larger).
  [
    'prelu',
    (a, b) => {
      const alphaIsB = backend_util.assertAndGetBroadcastShape(a.shape, b.shape).join() === a.shape.join();
      return alphaIsB ? tf.prelu(a, b) : tf.prelu(b, a);
    },
    false,
  ],
];

const unaryOps: Array<[string, (x: tf.Tensor) => tf.Tensor, Fill?]> = [
  ['relu', tf.relu],
  ['relu6', (x) => tf.relu6(tf.mul(x, 8))],
  ['elu', tf.elu],
  ['leakyRelu', (x) => tf.leakyRelu(x, 0.2)],
  ['sigmoid', tf.sigmoid],
  ['tanh', tf.tanh],
  ['softplus', tf.softplus],
  ['exp', tf.exp],
  ['log', tf.log, 'positive'],
  ['sqrt', tf.sqrt, 'positive'],
  ['square', tf.square],
  ['abs', tf.abs],
  ['neg', tf.neg],
  ['clipByValue', (x) => tf.clipByValue(x, -0.5, 0.5)],
  ['step', (x) => tf.add(tf.step(x), tf.step(x, 0.3))],
  ['clone', (x) => tf.mul(tf.clone(x), 2)],
  ['cast float32 to float32', (x) => tf.add(tf.cast(x, 'float32'), 1)],
  ['cast to int32 and back', (x) => tf.cast(tf.cast(tf.mul(x, 4), 'int32'), 'float32')],
  [
    'isFinite and isInf of x / 0 (Infinity, -Infinity, NaN)',
    (x) => {
      const y = tf.div(x, tf.sub(x, x));
      return tf.add(tf.cast(tf.isFinite(y), 'float32'), tf.mul(tf.cast(tf.isInf(y), 'float32'), 2));
    },
  ],
];

const reductions: Array<[string, (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor, boolean]> = [
  ['sum', (x, a, k) => tf.sum(x, a, k), true],
  ['mean', (x, a, k) => tf.mean(x, a, k), true],
  ['max', (x, a, k) => tf.max(x, a, k), false],
  ['min', (x, a, k) => tf.min(x, a, k), false],
  ['prod', (x, a, k) => tf.prod(tf.add(tf.mul(x, 0.1), 1), a, k), false],
];

const reductionParams = fc.record({
  shape: shape(1, 8, false),
  mask: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  keepDims: fc.boolean(),
  seed: valueSeed,
});

// ---- the cases -------------------------------------------------------------------------------

export const FUZZ_CASES: ReadonlyArray<FuzzCase<unknown>> = [
  // First: a 3D kernel that corrupted the WASM heap would fail every property after it.
  ...FUZZ_CASES_3D,
  fuzzCase({
    name: 'matMul (BatchMatMul): every transpose flag, batch broadcast, weights reused reshaped',
    arbitrary: matMulParams,
    run: productWithReshapedWeights,
    slack: (p) => Math.max(1, p.k / 8),
  }),
  fuzzCase({
    name: 'matMul gradients (BatchMatMul with transposes), equal batches',
    arbitrary: matMulParams.map((p) => ({ ...p, batch: [p.batch[0], p.batch[0]] as [number[], number[]] })),
    run: (p) => withGradients((a, b) => tf.matMul(a, b, p.transposeA, p.transposeB), matMulInputs(p)),
    slack: (p) => Math.max(1, Math.max(p.k, p.m, p.n, sizeOf(p.batch[0])) / 8),
  }),
  fuzzCase({
    name: "matMul and its gradients on the SIMD kernel's shapes (FMA build where relaxed SIMD runs)",
    arbitrary: simdMatMulParams,
    run: (p) => withGradients((a, b) => tf.matMul(a, b, p.transposeA, p.transposeB), matMulInputs(p)),
    slack: (p) => Math.max(1, Math.max(p.k, p.m, p.n) / 8),
  }),
  fuzzCase({
    name: 'matMul and its gradients on the WASM thread pool at every size (where it runs: 2+ threads)',
    arbitrary: matMulParams.map((p) => ({ ...p, batch: [p.batch[0], []] as [number[], number[]] })),
    run: (p) => {
      setThreadedMatMulMinimum(1); // products of any size take the pool's path, not only large ones
      try {
        const [a, b] = matMulInputs(p); // a batch on a only: the pool folds it into rows
        const plain = { ...p, batch: [[], []] as [number[], number[]] }; // tfjs's gradient needs equal batches
        return [
          tf.matMul(a, b, p.transposeA, p.transposeB),
          ...withGradients((x, y) => tf.matMul(x, y, p.transposeA, p.transposeB), matMulInputs(plain)),
        ];
      } finally {
        setThreadedMatMulMinimum();
      }
    },
    slack: (p) => Math.max(1, Math.max(p.k, p.m, p.n, sizeOf(p.batch[0])) / 8),
  }),
  ...FUZZ_CASES_THREADS,
  fuzzCase({
    name: 'fused matMul (_FusedMatMul): bias, activation, transposes',
    arbitrary: fc.record({
      m: dimension,
      k: dimension,
      n: dimension,
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
      activation: fc.constantFrom<'linear' | 'relu' | 'elu' | 'relu6'>('linear', 'relu', 'elu', 'relu6'),
      bias: fc.constantFrom('none', 'vector'),
      seed: valueSeed,
    }),
    run: (p) => {
      const a = input(p.transposeA ? [p.k, p.m] : [p.m, p.k], p.seed) as tf.Tensor2D;
      const b = input(p.transposeB ? [p.n, p.k] : [p.k, p.n], p.seed + 1) as tf.Tensor2D;
      const bias = p.bias === 'none' ? undefined : input([p.n], p.seed + 2);
      return [
        tf.fused.matMul({
          a,
          b,
          transposeA: p.transposeA,
          transposeB: p.transposeB,
          bias,
          activation: p.activation,
        }),
      ];
    },
    slack: (p) => Math.max(1, p.k / 8),
  }),
  fuzzCase({
    name: 'conv2d and its gradients (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter)',
    arbitrary: convGeometry,
    run: (g) => withGradients((x, f) => tf.conv2d(t4(x), t4(f), g.strides, g.pad), convInputs(g)),
    slack: (g) =>
      Math.max(1, (g.filterHeight * g.filterWidth * Math.max(g.inChannels, g.outChannels) * g.batch) / 16),
  }),
  fuzzCase({
    name: 'depthwiseConv2d and its gradients (DepthwiseConv2dNative, ...BackpropInput, ...BackpropFilter)',
    arbitrary: convGeometry.map((g) => ({
      ...g,
      outChannels: 1 + (g.outChannels % 3),
      strides: [g.strides[0], g.strides[0]] as [number, number],
    })),
    run: (g) => {
      const x = input([g.batch, g.height, g.width, g.inChannels], g.seed);
      const f = input([g.filterHeight, g.filterWidth, g.inChannels, g.outChannels], g.seed + 1);
      return withGradients((a, b) => tf.depthwiseConv2d(t4(a), t4(b), g.strides, g.pad), [x, f]);
    },
    slack: (g) => Math.max(1, (g.filterHeight * g.filterWidth * g.batch * g.height * g.width) / 64),
  }),
  fuzzCase({
    name: 'maxPool and its gradient (MaxPool, MaxPoolGrad)',
    arbitrary: poolParams,
    run: (g) =>
      withGradients(
        (x) => tf.maxPool(t4(x), [g.filterHeight, g.filterWidth], g.strides, g.pad),
        [input([g.batch, g.height, g.width, g.inChannels], g.seed)],
      ),
  }),
  fuzzCase({
    name: 'maxPool 2x2 at stride 2 on 4k channels and its gradient (the SIMD MaxPool and MaxPoolGrad on WASM)',
    arbitrary: convGeometry
      .map((g) => ({ ...g, inChannels: 4 * (1 + (g.inChannels % 4)) }))
      .filter((g) => g.pad === 'same' || (g.height >= 2 && g.width >= 2)),
    run: (g) =>
      withGradients(
        (x) => tf.maxPool(t4(x), 2, 2, g.pad),
        [input([g.batch, g.height, g.width, g.inChannels], g.seed)],
      ),
  }),
  fuzzCase({
    name: 'avgPool and its gradient (AvgPool, AvgPoolGrad)',
    arbitrary: poolParams,
    run: (g) =>
      withGradients(
        (x) => tf.avgPool(t4(x), [g.filterHeight, g.filterWidth], g.strides, g.pad),
        [input([g.batch, g.height, g.width, g.inChannels], g.seed)],
      ),
  }),
  ...binaryOps.map(([name, op, grad, fill]) =>
    fuzzCase({
      name: `${name} with broadcasting${grad ? ', and its gradients' : ''}`,
      arbitrary: fc.record({ shapes: broadcastPair, seed: valueSeed }),
      run: (p) => {
        const a = input(p.shapes[0], p.seed, fill);
        const b = input(p.shapes[1], p.seed + 1, fill);
        // tfjs-core's gradients cannot reduce a broadcast onto an empty axis (the CPU reference fails too).
        const empty = a.size === 0 || b.size === 0;
        return grad && !empty ? withGradients(op, [a, b]) : [op(a, b)];
      },
      slack: (p) => Math.max(1, sizeOf(p.shapes[0]) / sizeOf(p.shapes[1]) / 64),
    }),
  ),
  fuzzCase({
    name: 'unary element-wise ops (relu, sigmoid, tanh, exp, log, clipByValue, clone, cast, ...)',
    arbitrary: fc.record({ shape: shape(0, 8), op: fc.nat({ max: unaryOps.length - 1 }), seed: valueSeed }),
    run: (p) => {
      const [, op, fill] = unaryOps[p.op];
      return [op(input(p.shape, p.seed, fill))];
    },
  }),
  fuzzCase({
    name: 'relu, sigmoid, tanh, elu gradients (EluGrad wrapped on WebGPU)',
    arbitrary: fc.record({ shape: shape(0, 8), seed: valueSeed }),
    run: (p) =>
      withGradients(
        (x) => tf.add(tf.add(tf.relu(x), tf.mul(tf.sigmoid(x), tf.tanh(x))), tf.elu(x)),
        [input(p.shape, p.seed)],
      ),
  }),
  ...reductions.map(([name, op, grad]) =>
    fuzzCase({
      name: `${name} over random axes${grad ? ' (Sum/Mean wrapped on WASM), and its gradient' : ''}`,
      arbitrary: reductionParams,
      run: (p) => {
        const axes = axesFrom(p.shape.length, p.mask);
        const x = input(p.shape, p.seed);
        return grad ? withGradients((t) => op(t, axes, p.keepDims), [x]) : [op(x, axes, p.keepDims)];
      },
      slack: (p) => Math.max(1, sizeOf(p.shape) / 64),
    }),
  ),
  fuzzCase({
    name: 'argMax and argMin',
    arbitrary: fc.record({ shape: shape(1, 8, false), axis: fc.nat(), seed: valueSeed }),
    run: (p) => {
      const x = input(p.shape, p.seed);
      const axis = p.axis % p.shape.length;
      return [tf.argMax(x, axis), tf.argMin(x, axis)];
    },
  }),
  fuzzCase({
    name: 'softmax and logSoftmax (last axis)',
    arbitrary: fc.record({ shape: shape(1, 8, false), seed: valueSeed }),
    run: (p) => {
      const x = input(p.shape, p.seed);
      return withGradients((t) => tf.add(tf.softmax(t), tf.logSoftmax(t)), [x]);
    },
  }),
  fuzzCase({
    name: 'transpose (Transpose): a random permutation',
    arbitrary: fc.record({
      shape: shape(0, 8),
      keys: fc.array(fc.double({ noNaN: true }), { minLength: 8, maxLength: 8 }),
      seed: valueSeed,
    }),
    run: (p) => {
      const perm = p.shape.map((_, i) => i).sort((i, j) => p.keys[i] - p.keys[j] || i - j);
      return [tf.transpose(input(p.shape, p.seed), perm)];
    },
  }),
  fuzzCase({
    name: 'slice (Slice wrapped on WASM) and unstack (Unpack)',
    arbitrary: fc.record({
      shape: shape(1, 8),
      begins: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
      ends: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
      axis: fc.nat(),
      seed: valueSeed,
    }),
    run: (p) => {
      const x = input(p.shape, p.seed);
      const begin = p.shape.map((d, i) => Math.floor(p.begins[i] * d));
      const size = p.shape.map((d, i) => Math.floor(p.ends[i] * (d - begin[i])));
      const axis = p.axis % p.shape.length;
      const parts = p.shape[axis] <= 12 ? tf.unstack(x, axis) : [];
      return [tf.slice(x, begin, size), ...parts];
    },
  }),
  fuzzCase({
    name: 'concat (Concat) and stack (Pack) of 1 to 5 tensors',
    arbitrary: fc.record({
      shape: shape(1, 8),
      axis: fc.nat(),
      lengths: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 }),
      seed: valueSeed,
    }),
    run: (p) => {
      const axis = p.axis % p.shape.length;
      const parts = p.lengths.map((n, i) =>
        input(
          p.shape.map((d, j) => (j === axis ? n : d)),
          p.seed + i,
        ),
      );
      const same = p.lengths.map((_, i) => input(p.shape, p.seed + 10 + i));
      return [tf.concat(parts, axis), tf.stack(same, axis)];
    },
  }),
  fuzzCase({
    name: 'gather (GatherV2) and its gradient (UnsortedSegmentSum on WASM)',
    arbitrary: fc.record({
      shape: shape(1, 6, false),
      axis: fc.nat(),
      indices: fc.array(fc.nat(), { minLength: 0, maxLength: 12 }),
      seed: valueSeed,
    }),
    run: (p) => {
      const axis = p.axis % p.shape.length;
      const indices = tf.tensor1d(
        p.indices.map((i) => i % p.shape[axis]),
        'int32',
      );
      return withGradients((x) => tf.gather(x, indices, axis), [input(p.shape, p.seed)]);
    },
    slack: (p) => Math.max(1, p.indices.length / 4),
  }),
  fuzzCase({
    name: 'pad (PadV2) on every axis, any rank',
    arbitrary: fc.record({
      shape: shape(1, 8),
      paddings: fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 })), { minLength: 8, maxLength: 8 }),
      value: fc.constantFrom(0, 0.5, -2),
      seed: valueSeed,
    }),
    run: (p) => {
      const paddings = p.shape.map((_, i) => p.paddings[i]);
      const padded = capSize(
        p.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]),
        20000,
      );
      // Keep the output small: drop the padding of axes the cap shrank.
      const fits = padded.every((d, i) => d === p.shape[i] + paddings[i][0] + paddings[i][1]);
      return [
        tf.pad(
          input(p.shape, p.seed),
          fits ? paddings : paddings.map(() => [0, 0] as [number, number]),
          p.value,
        ),
      ];
    },
  }),
  fuzzCase({
    name: 'addN (AddN, chunked on WebGPU) of 1 to 24 tensors',
    arbitrary: fc.record({ shape: shape(0, 8), count: fc.integer({ min: 1, max: 24 }), seed: valueSeed }),
    run: (p) => [tf.addN(Array.from({ length: p.count }, (_, i) => input(p.shape, p.seed + i)))],
    slack: (p) => Math.max(1, p.count / 4),
  }),
  fuzzCase({
    name: 'tile (Tile) and reverse (Reverse)',
    arbitrary: fc.record({
      shape: shape(1, 8),
      reps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 8, maxLength: 8 }),
      mask: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      seed: valueSeed,
    }),
    run: (p) => {
      const x = input(p.shape, p.seed);
      let size = sizeOf(p.shape);
      const reps = p.shape.map((_, i) => {
        if (size * p.reps[i] > 20000) return 1;
        size *= p.reps[i];
        return p.reps[i];
      });
      return [tf.tile(x, reps), tf.reverse(x, axesFrom(p.shape.length, p.mask))];
    },
  }),
  fuzzCase({
    name: 'oneHot (OneHot wrapped on WASM) to float32 and int32',
    arbitrary: fc.record({ shape: shape(0, 4), depth: fc.integer({ min: 2, max: 12 }), seed: valueSeed }),
    run: (p) => {
      const indices = input(p.shape, p.seed, { int: p.depth + 1 });
      return [
        tf.oneHot(indices as tf.Tensor1D, p.depth, 2, -1, 'float32'),
        tf.oneHot(indices as tf.Tensor1D, p.depth),
      ];
    },
  }),
  fuzzCase({
    name: 'where (Select) with broadcasting',
    arbitrary: fc.record({ shape: shape(0, 8), seed: valueSeed }),
    run: (p) => {
      const x = input(p.shape, p.seed);
      return [tf.where(tf.greater(x, 0), x, tf.mul(x, -3))];
    },
  }),
  fuzzCase({
    name: 'image.transform (Transform, replaced on every backend)',
    arbitrary: fc.record({
      batch: fc.integer({ min: 1, max: 3 }),
      height: fc.integer({ min: 1, max: 9 }),
      width: fc.integer({ min: 1, max: 9 }),
      channels: fc.integer({ min: 1, max: 4 }),
      shared: fc.boolean(),
      fillMode: fc.constantFrom<'constant' | 'reflect' | 'wrap' | 'nearest'>(
        'constant',
        'reflect',
        'wrap',
        'nearest',
      ),
      interpolation: fc.constantFrom<'nearest' | 'bilinear'>('nearest', 'bilinear'),
      matrix: fc.array(fc.integer({ min: -8, max: 8 }), { minLength: 6, maxLength: 6 }),
      seed: valueSeed,
    }),
    run: (p) => {
      const images = input([p.batch, p.height, p.width, p.channels], p.seed) as tf.Tensor4D;
      // Quarter-pixel steps (exact in float32), no perspective: every backend samples the same points.
      const [a, b, c, d, e, f] = p.matrix.map((v) => v / 4);
      const row = [1 + a / 4, b / 4, c, d / 4, 1 + e / 4, f, 0, 0];
      const rows = p.shared
        ? [row]
        : Array.from({ length: p.batch }, (_, i) => row.map((v, j) => (j === 2 ? v + i : v)));
      const transforms = tf.tensor2d(rows, [rows.length, 8]);
      return [tf.image.transform(images, transforms, p.interpolation, p.fillMode, 0.25)];
    },
  }),
  fuzzCase({
    name: 'batchNorm (FusedBatchNorm) at any rank, and its gradients up to rank 4',
    arbitrary: fc.record({ shape: shape(1, 8, false), seed: valueSeed }),
    run: (p) => {
      const channels = [p.shape[p.shape.length - 1]];
      const inputs = [
        input(p.shape, p.seed),
        input(channels, p.seed + 1),
        input(channels, p.seed + 2, 'positive'),
        input(channels, p.seed + 3),
        input(channels, p.seed + 4),
      ];
      const norm = (t: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
        tf.batchNorm(t, m, v, o, s, 1e-3);
      // tfjs-core 4.22 has no gradient of batchNorm above rank 4 (on any backend).
      return p.shape.length <= 4
        ? withGradients(norm, inputs)
        : [norm(...(inputs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]))];
    },
    slack: (p) => Math.max(1, sizeOf(p.shape) / 64),
  }),
  fuzzCase({
    name: 'cumsum and cumprod (Cumsum, Cumprod): any axis, exclusive, reversed',
    arbitrary: fc.record({
      shape: shape(1, 8),
      axis: fc.nat(),
      exclusive: fc.boolean(),
      reverse: fc.boolean(),
      seed: valueSeed,
    }),
    run: (p) => {
      const x = input(p.shape, p.seed);
      const axis = p.axis % p.shape.length;
      return [
        tf.cumsum(x, axis, p.exclusive, p.reverse),
        // Factors near 1, so long products stay in range.
        tf.cumprod(tf.add(tf.mul(x, 0.1), 1), axis, p.exclusive, p.reverse),
      ];
    },
    slack: (p) => Math.max(1, Math.max(...p.shape) / 16),
  }),
  fuzzCase({
    name: 'mirrorPad (MirrorPad) reflect and symmetric, any rank',
    arbitrary: fc.record({
      shape: shape(1, 8, false),
      paddings: fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 })), { minLength: 8, maxLength: 8 }),
      mode: fc.constantFrom<'reflect' | 'symmetric'>('reflect', 'symmetric'),
      seed: valueSeed,
    }),
    run: (p) => {
      // At most the axis length (symmetric) or one less (reflect); the output capped in size.
      const most = (d: number) => (p.mode === 'reflect' ? d - 1 : d);
      let size = sizeOf(p.shape);
      const paddings = p.shape.map((d, i) => {
        const pad: [number, number] = [
          Math.min(p.paddings[i][0], most(d)),
          Math.min(p.paddings[i][1], most(d)),
        ];
        const grown = (size / d) * (d + pad[0] + pad[1]);
        if (grown > 20000) return [0, 0] as [number, number];
        size = grown;
        return pad;
      });
      return [tf.mirrorPad(input(p.shape, p.seed), paddings, p.mode)];
    },
  }),
  fuzzCase({
    name: 'stridedSlice (StridedSlice): steps of -3 to 3, begin and end masks',
    arbitrary: fc.record({
      shape: shape(1, 8),
      begins: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
      ends: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
      steps: fc.array(fc.constantFrom(1, 2, 3, -1, -2, -3), { minLength: 8, maxLength: 8 }),
      beginMask: fc.nat({ max: 255 }),
      endMask: fc.nat({ max: 255 }),
      seed: valueSeed,
    }),
    run: (p) => {
      const x = input(p.shape, p.seed);
      const begin = p.shape.map((d, i) => Math.floor(p.begins[i] * d));
      const end = p.shape.map((d, i) => Math.floor(p.ends[i] * (d + 1)));
      const steps = p.shape.map((_, i) => p.steps[i]);
      return [tf.stridedSlice(x, begin, end, steps, p.beginMask, p.endMask)];
    },
  }),
  fuzzCase({
    name: "CP-ALS's contractions (TensorfoldKhatriRaoContraction, TensorfoldRowContraction on WASM; tfjs ops elsewhere)",
    arbitrary: fc.record({
      rows: fc.integer({ min: 1, max: 12 }),
      before: fc.integer({ min: 1, max: 9 }),
      after: fc.integer({ min: 1, max: 9 }),
      cols: dimension,
      pad: fc.integer({ min: 0, max: 17 }),
      seed: valueSeed,
    }),
    run: (p) => {
      const x = input([p.before, p.after, p.cols], p.seed);
      const left = input([p.rows, p.before], p.seed + 1);
      const right = input([p.rows, p.after], p.seed + 2);
      const pRow = input([p.rows, p.before * p.cols * p.after + p.pad], p.seed + 3);
      return [
        khatriRaoContractionAnywhere(x, left, right),
        rowContractionAnywhere(pRow, left, right, p.cols),
      ];
    },
    slack: (p) => Math.max(1, (p.before * p.after) / 8),
  }),
];

/** The Khatri-Rao contraction kernel where it is registered, else the same sums in tfjs ops. */
function khatriRaoContractionAnywhere(x: tf.Tensor, left: tf.Tensor, right: tf.Tensor): tf.Tensor {
  if (tf.getKernel(KHATRI_RAO_CONTRACTION, tf.getBackend())) {
    return tf.engine().runKernel(KHATRI_RAO_CONTRACTION, { x, left, right }, {}) as tf.Tensor;
  }
  const [before, after, cols] = x.shape;
  const rows = left.shape[0];
  const khatriRao = tf.reshape(
    tf.mul(tf.reshape(left, [rows, before, 1]), tf.reshape(right, [rows, 1, after])),
    [rows, before * after],
  );
  return tf.matMul(khatriRao, tf.reshape(x, [before * after, cols]));
}

/** The row contraction kernel where it is registered, else the same sums in tfjs ops. */
function rowContractionAnywhere(p: tf.Tensor, left: tf.Tensor, right: tf.Tensor, size: number): tf.Tensor {
  if (tf.getKernel(ROW_CONTRACTION, tf.getBackend())) {
    return tf.engine().runKernel(ROW_CONTRACTION, { p, left, right }, { size }) as tf.Tensor;
  }
  const [rows, before, after] = [p.shape[0], left.shape[1] as number, right.shape[1] as number];
  const used = tf.reshape(tf.slice(p, [0, 0], [rows, before * size * after]), [rows, before, size, after]);
  const inner = tf.sum(tf.mul(used, tf.reshape(right, [rows, 1, 1, after])), 3); // [rows, before, size]
  return tf.sum(tf.mul(inner, tf.reshape(left, [rows, before, 1])), 1); // [rows, size]
}
