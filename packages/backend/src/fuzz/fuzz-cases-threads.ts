/**
 * Fuzz cases of the WASM thread pool's kernels other than the product (fuzz-cases.ts has that one):
 * the convolutions (im2col and direct), the filter gradients (split by taps, and the register-blocked
 * one split by images), and the int8 kernels, run with `setThreadedKernelMinimum(1)` so that they take
 * the pool at every fuzzed size, not only above their thresholds (2^20 multiply-adds, which the fuzzed
 * shapes never reach). The setter changes nothing on the CPU reference or WebGPU, and nothing where no
 * pool runs (1 thread): the cases then test the one-thread paths. The convolution cases run on WASM
 * only (WebGPU's convolutions have their own property); the int8 ones on WebGPU too (no other
 * property has them).
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import {
  INT8_CONV2D,
  INT8_CONV2D_MAX_POOL,
  INT8_DENSE_CHAIN,
  INT8_MAT_MUL,
  type Int8Conv2DAttrs,
  packInt8Levels,
} from '../int8/int8-kernels.js';
import { setInt8OneThreadRows } from '../wasm/kernels/int8-chain-by-rows.js';
import { setThreadedKernelMinimum } from '../wasm/threads/threaded-minimum.js';
import { type ConvGeometry, capSize, dimension, valueSeed } from './arbitraries.js';
import type { FuzzCase } from './fuzz-cases.js';
import { withGradients } from './gradients.js';
import { type Fill, input, random } from './values.js';

/** `f()` with every threaded kernel on the pool whatever its size; the thresholds restored after. */
function onThePool<T>(f: () => T): T {
  setThreadedKernelMinimum(1);
  try {
    return f();
  } finally {
    setThreadedKernelMinimum();
  }
}

/** Channels: any small count (not a multiple of 4: the one-thread fallbacks), or multiples of 4 and 8. */
const channels = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(4, 8, 12, 16));

/** A convolution's geometry for the pool's kernels: dilation (forward only) where the strides are 1. */
interface PoolConv extends ConvGeometry {
  dilations: [number, number];
  bias: boolean;
  relu: boolean;
}

/** Geometries whose 'valid' filter (dilated) fits the image; `strideOne` keeps the direct kernel's strides. */
function poolConv(strideOne: boolean): fc.Arbitrary<PoolConv> {
  const stride = strideOne ? fc.constant(1) : fc.integer({ min: 1, max: 3 });
  return fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      height: fc.integer({ min: 1, max: 12 }),
      width: fc.integer({ min: 1, max: 12 }),
      inChannels: channels,
      outChannels: strideOne ? fc.constantFrom(8, 16, 24) : channels,
      filterHeight: fc.integer({ min: 1, max: 5 }),
      filterWidth: fc.integer({ min: 1, max: 5 }),
      strides: fc.tuple(stride, stride),
      dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
      pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
      bias: fc.boolean(),
      relu: fc.boolean(),
      seed: valueSeed,
    })
    .map(({ dilation, ...g }) => {
      // tfjs takes dilations above 1 only at strides of 1
      const dilations: [number, number] = g.strides[0] === 1 && g.strides[1] === 1 ? dilation : [1, 1];
      return { ...g, dilations };
    })
    .filter(
      (g) =>
        g.pad === 'same' ||
        ((g.filterHeight - 1) * g.dilations[0] < g.height && (g.filterWidth - 1) * g.dilations[1] < g.width),
    );
}

/**
 * The fused convolution forward (bias, relu, dilation), then `conv2d`'s value and gradients without
 * dilation (tfjs-core has no gradient of a dilated convolution).
 */
function convOnThePool(g: PoolConv): tf.Tensor[] {
  return onThePool(() => {
    const x = input([g.batch, g.height, g.width, g.inChannels], g.seed) as tf.Tensor4D;
    const f = input([g.filterHeight, g.filterWidth, g.inChannels, g.outChannels], g.seed + 1) as tf.Tensor4D;
    const fused = tf.fused.conv2d({
      x,
      filter: f,
      strides: g.strides,
      pad: g.pad,
      dilations: g.dilations,
      bias: g.bias ? input([g.outChannels], g.seed + 2) : undefined,
      activation: g.relu ? 'relu' : 'linear',
    });
    const conv = (a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, g.strides, g.pad);
    return [fused, ...withGradients(conv, [x, f])];
  });
}

const convSlack = (g: PoolConv) =>
  Math.max(1, (g.filterHeight * g.filterWidth * Math.max(g.inChannels, g.outChannels) * g.batch) / 16);

/** An int8 layer's operands: levels packed `[ceil(n / 8), ceil(k / 2), 8]`, scales and bias `[n]`. */
function int8Layer(k: number, n: number, seed: number) {
  const next = random(seed + 1);
  const levels = Array.from({ length: k * n }, () => Math.round(next() * 254) - 127);
  return {
    w: tf.tensor(packInt8Levels(levels, k, n), [Math.ceil(n / 8), Math.ceil(k / 2), 8], 'int32'),
    scales: tf.mul(input([n], seed + 2, 'positive'), 0.01),
    bias: input([n], seed + 3),
  };
}

/** An int8 kernel's operands: x (signed, or non-negative for the byte products) and its layer's. */
function int8Operands(xShape: number[], k: number, n: number, seed: number, fill: Fill) {
  return { x: input(xShape, seed, fill), ...int8Layer(k, n, seed) };
}

const int8Fill = fc.constantFrom<Fill>('uniform', 'positive');

/** An int8 convolution's geometry (its dilations unused: the int8 kernels take none) and inputs' signs. */
const int8Conv = fc.tuple(poolConv(false), int8Fill).map(([g, fill]) => ({ ...g, fill }));

/** The 2 x 2 max pool (stride 2, floored) that {@link INT8_CONV2D_MAX_POOL} fuses, where it is not registered. */
function int8ConvMaxPool(inputs: tf.NamedTensorMap, attrs: Int8Conv2DAttrs): tf.Tensor {
  if (tf.getKernel(INT8_CONV2D_MAX_POOL, tf.getBackend())) {
    return tf.engine().runKernel(INT8_CONV2D_MAX_POOL, inputs, attrs as never) as tf.Tensor;
  }
  const y = tf.engine().runKernel(INT8_CONV2D, inputs, attrs as never) as tf.Tensor4D;
  return tf.maxPool(y, 2, 2, 'valid');
}

/**
 * A stack of int8 dense layers: one {@link INT8_DENSE_CHAIN} call where it is registered (WASM), else
 * the layers' {@link INT8_MAT_MUL} calls one after another (its definition: each output quantized again).
 */
function int8DenseStack(x: tf.Tensor, layers: ReturnType<typeof int8Layer>[], activations: string[]) {
  if (tf.getKernel(INT8_DENSE_CHAIN, tf.getBackend())) {
    const inputs: tf.NamedTensorMap = { x };
    for (const [i, l] of layers.entries())
      Object.assign(inputs, { [`w${i}`]: l.w, [`scales${i}`]: l.scales, [`bias${i}`]: l.bias });
    return tf.engine().runKernel(INT8_DENSE_CHAIN, inputs, { activations } as never) as tf.Tensor;
  }
  return layers.reduce(
    (y, l, i) =>
      tf.engine().runKernel(INT8_MAT_MUL, { x: y, w: l.w, scales: l.scales, bias: l.bias }, {
        activation: activations[i],
      } as never) as tf.Tensor,
    x,
  );
}

export const FUZZ_CASES_THREADS: ReadonlyArray<FuzzCase<unknown>> = [
  {
    name: 'conv2d on the WASM pool at every size: fused bias and relu, strides, dilation, same/valid, and its gradients',
    arbitrary: poolConv(false),
    run: (g) => convOnThePool(g as PoolConv),
    slack: (g) => convSlack(g as PoolConv),
    only: ['wasm'], // WebGPU's convolutions: the conv2d property of fuzz-cases.ts
  },
  {
    name: 'stride-1 conv2d on the WASM pool at every size (direct kernel, blocked filter gradient), and its gradients',
    arbitrary: poolConv(true),
    run: (g) => convOnThePool(g as PoolConv),
    slack: (g) => convSlack(g as PoolConv),
    only: ['wasm'], // WebGPU's convolutions: the conv2d property of fuzz-cases.ts
  },
  {
    name: 'int8 matMul (TensorfoldInt8MatMul) on the WASM pool at every size, signed and non-negative inputs',
    arbitrary: fc.record({
      batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
      m: dimension,
      k: dimension,
      n: dimension,
      relu: fc.boolean(),
      fill: int8Fill,
      seed: valueSeed,
    }),
    run: (p) => {
      const { batch, m, k, n, relu, fill, seed } = p as {
        batch: number[];
        m: number;
        k: number;
        n: number;
        relu: boolean;
        fill: Fill;
        seed: number;
      };
      return onThePool(() => {
        const inputs = int8Operands(capSize([...batch, m, k]), k, n, seed, fill);
        const attrs = { activation: relu ? 'relu' : 'linear' };
        return [tf.engine().runKernel(INT8_MAT_MUL, inputs, attrs as never) as tf.Tensor];
      });
    },
    slack: (p) => Math.max(1, (p as { k: number }).k / 8),
  },
  {
    name: 'int8 conv2d and conv2d + 2x2 max pool on the WASM pool at every size (im2col and direct kernels)',
    arbitrary: int8Conv,
    run: (p) => {
      const g = p as PoolConv & { fill: Fill };
      return onThePool(() => {
        const k = g.filterHeight * g.filterWidth * g.inChannels;
        const inputs = int8Operands(
          [g.batch, g.height, g.width, g.inChannels],
          k,
          g.outChannels,
          g.seed,
          g.fill,
        );
        const attrs: Int8Conv2DAttrs = {
          kernelSize: [g.filterHeight, g.filterWidth],
          strides: g.strides,
          padding: g.pad,
          activation: g.relu ? 'relu' : 'linear',
        };
        const y = tf.engine().runKernel(INT8_CONV2D, inputs, attrs as never) as tf.Tensor4D;
        const [, outH, outW] = y.shape;
        return outH >= 2 && outW >= 2 ? [y, int8ConvMaxPool(inputs, attrs)] : [y];
      });
    },
    slack: (p) => {
      const g = p as PoolConv;
      return Math.max(1, (g.filterHeight * g.filterWidth * g.inChannels) / 8);
    },
  },
  {
    name: 'int8 dense stack (TensorfoldInt8DenseChain) on the WASM pool at every size: 1-3 layers, relu or linear',
    arbitrary: fc.record({
      m: dimension,
      sizes: fc.array(dimension, { minLength: 2, maxLength: 4 }),
      relu: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      fill: int8Fill,
      seed: valueSeed,
    }),
    run: (p) => {
      const { m, sizes, relu, fill, seed } = p as {
        m: number;
        sizes: number[];
        relu: boolean[];
        fill: Fill;
        seed: number;
      };
      return onThePool(() => {
        // small batches on the pool too, whatever INT8_ONE_THREAD_ROWS says (its default 0 agrees)
        setInt8OneThreadRows(0);
        try {
          const layers = sizes.slice(1).map((n, i) => int8Layer(sizes[i], n, seed + 10 * i));
          const x = input([m, sizes[0]], seed, fill); // [m, k0]
          const activations = layers.map((_, i) => (relu[i] ? 'relu' : 'linear'));
          return [int8DenseStack(x, layers, activations)];
        } finally {
          setInt8OneThreadRows();
        }
      });
    },
    slack: (p) => Math.max(1, Math.max(...(p as { sizes: number[] }).sizes) / 8),
  },
];
