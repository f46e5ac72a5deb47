import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../init-backend.js';
import {
  INT8_CONV2D,
  INT8_CONV2D_MAX_POOL,
  INT8_MAT_MUL,
  type Int8Conv2DAttrs,
  packInt8Levels,
} from '../../int8/int8-kernels.js';
import { int8Conv2DReference, int8ConvGeometry } from '../../int8/reference.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { setFmaKernelsEnabled } from '../simd/simd-module.js';
import { sequence } from '../test-utils/run-kernel.js';
import { setWasmThreads } from '../threads/wasm-threads.js';
import { setThreadedInt8Minimum } from './int8-by-threads.js';
import { maxPool2x2 } from './int8-conv-pool.js';
import {
  int8DirectConvByThreads,
  int8DirectConvOnHeap,
  int8DirectConvReuses,
  packDirectBytes,
  setInt8DirectConvEnabled,
  setInt8DirectConvReuse,
} from './int8-direct-conv.js';

/** x (non-negative unless `signed`), random levels [k, n] packed, scales and bias, as tensors. */
function operands(xShape: number[], k: number, n: number, seed: number, signed = false) {
  const size = xShape.reduce((a, b) => a * b, 1);
  const x = sequence(size, seed).map((v) => (signed ? v : Math.abs(v)));
  const levels = Int8Array.from(sequence(k * n, seed + 1), (v) => Math.round(v * 127));
  const packed = packInt8Levels(levels, k, n);
  const scales = Float32Array.from(sequence(n, seed + 2), (v) => Math.abs(v) * 0.01 + 1e-3);
  const bias = sequence(n, seed + 3);
  return { x, packed, scales, bias };
}

/** The operands {@link operands} made, as the kernel's input tensors (x `xShape`, w packed `[ceil(n / 8), ceil(k / 2), 8]`). */
function inputTensors(o: ReturnType<typeof operands>, xShape: number[], k: number, n: number) {
  return {
    x: tf.tensor(o.x, xShape),
    w: tf.tensor(o.packed, [Math.ceil(n / 8), Math.ceil(k / 2), 8], 'int32'),
    scales: tf.tensor1d(o.scales),
    bias: tf.tensor1d(o.bias),
  };
}

const convs: Array<{ x: number[]; n: number; attrs: Int8Conv2DAttrs }> = [
  // LeNet-5's second convolution, a batch of 32
  {
    x: [32, 14, 14, 8],
    n: 16,
    attrs: { kernelSize: [5, 5], strides: [1, 1], padding: 'valid', activation: 'relu' },
  },
  // LeNet-5's first: one channel, rows of 28 levels (quantized 16, then 4 at a time), pooled in the model
  {
    x: [32, 28, 28, 1],
    n: 8,
    attrs: { kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu' },
  },
  // the VGG-style net's: 'same', 16 and 32 channels
  {
    x: [8, 28, 28, 16],
    n: 16,
    attrs: { kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu' },
  },
  { x: [5, 14, 14, 16], n: 32, attrs: { kernelSize: [3, 3], strides: [1, 1], padding: 'same' } },
  // odd sizes: window rows not a multiple of 4 bytes, columns past a block, strides, a tall window
  { x: [7, 9, 8, 5], n: 10, attrs: { kernelSize: [3, 2], strides: [2, 3], padding: 'same' } },
  {
    x: [4, 11, 10, 3],
    n: 21,
    attrs: { kernelSize: [4, 3], strides: [1, 2], padding: 'valid', activation: 'relu' },
  },
  { x: [3, 6, 7, 1], n: 3, attrs: { kernelSize: [6, 1], strides: [1, 1], padding: 'same' } },
];

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('the direct int8 convolution on the WASM pool (FMA build)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    setFmaKernelsEnabled(true);
    setThreadedInt8Minimum(0);
  });
  afterAll(async () => {
    setThreadedInt8Minimum();
    await setWasmThreads(1);
  });

  it.each(convs)(
    'conv2d %j gives the reference to the last bit on 2 and 3 threads',
    async ({ x, n, attrs }) => {
      const k = attrs.kernelSize[0] * attrs.kernelSize[1] * x[3];
      const o = operands(x, k, n, k + n);
      const g = int8ConvGeometry(x, n, attrs);
      const expected = int8Conv2DReference(o.x, g, o.packed, o.scales, o.bias, attrs.activation === 'relu');
      for (const threads of [2, 3]) {
        expect(await setWasmThreads(threads)).toBe(threads);
        const before = tf.memory().numTensors;
        const inputs = inputTensors(o, x, k, n);
        const out = tf.zeros([g.batch, g.outH, g.outW, n]);
        const wasm = tf.backend() as unknown as WasmBackendLike;
        // twice: the second call reuses the packed weights
        for (let round = 0; round < 2; round++) {
          expect(int8DirectConvByThreads(wasm, inputs, out, g, attrs.activation === 'relu')).toBe(true);
          const got = (await out.data()) as Float32Array;
          expect(bits(got).equals(bits(expected))).toBe(true);
        }
        // and through the registered kernel
        const y = tf.engine().runKernel(INT8_CONV2D, inputs, attrs as never) as tf.Tensor;
        expect(bits((await y.data()) as Float32Array).equals(bits(expected))).toBe(true);
        tf.dispose([y, out, ...Object.values(inputs)]);
        expect(tf.memory().numTensors).toBe(before);
      }
    },
  );

  it('gives the reference to the last bit on awkward images: a max under 3.7e-37 (levels 0), ReLU of a -0 sum (-0), on the pool and on one thread', async () => {
    // [batch 3, 6, 6, 2], 3 x 3 'same', 10 filters: image 0 tiny (127 / max overflows float32: the
    // reference's levels are 0, not saturated), images 1-2 of order 1e-20 with scales of 1e-30, so that
    // rowScale * colScale underflows to 0: a negative sum times 0 is -0, plus a bias of -0 stays -0,
    // and ReLU keeps it (the reference's `y < 0 ? 0 : y`)
    const [xShape, n] = [[3, 6, 6, 2], 10];
    const attrs: Int8Conv2DAttrs = {
      kernelSize: [3, 3],
      strides: [1, 1],
      padding: 'same',
      activation: 'relu',
    };
    const k = 3 * 3 * 2;
    const o = operands(xShape, k, n, 91);
    const image = 6 * 6 * 2;
    for (let t = 0; t < o.x.length; t++) o.x[t] = t < image ? (t % 3) * 1e-38 : (0.5 + (t % 7)) * 1e-20;
    o.scales.fill(1e-30);
    o.bias.fill(-0);
    const g = int8ConvGeometry(xShape, n, attrs);
    const expected = int8Conv2DReference(o.x, g, o.packed, o.scales, o.bias, true);
    // the case is what it says: some outputs are -0, and not all are
    expect(expected.some((v) => Object.is(v, -0))).toBe(true);
    expect(expected.some((v) => Object.is(v, 0))).toBe(true);
    const before = tf.memory().numTensors;
    const inputs = inputTensors(o, xShape, k, n);
    const out = tf.zeros([g.batch, g.outH, g.outW, n]);
    const wasm = tf.backend() as unknown as WasmBackendLike;
    for (const threads of [1, 2, 3]) {
      expect(await setWasmThreads(threads)).toBe(threads);
      const ran =
        threads === 1
          ? int8DirectConvOnHeap(wasm, inputs, out, g, true)
          : int8DirectConvByThreads(wasm, inputs, out, g, true);
      expect(ran, `threads = ${threads}`).toBe(true);
      expect(bits((await out.data()) as Float32Array).equals(bits(expected)), `threads = ${threads}`).toBe(
        true,
      );
    }
    // the im2col path (direct kernel off) too
    setInt8DirectConvEnabled(false);
    try {
      const y = tf.engine().runKernel(INT8_CONV2D, inputs, attrs as never) as tf.Tensor;
      expect(bits((await y.data()) as Float32Array).equals(bits(expected))).toBe(true);
      y.dispose();
    } finally {
      setInt8DirectConvEnabled(true);
    }
    tf.dispose([out, ...Object.values(inputs)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(convs.flatMap((c) => [false, true].map((signed) => ({ ...c, signed }))))(
    'conv2d %j then a 2 x 2 max pool, fused, gives the pooled reference to the last bit (direct kernel on and off)',
    async ({ x, n, attrs, signed }) => {
      expect(await setWasmThreads(2)).toBe(2);
      const k = attrs.kernelSize[0] * attrs.kernelSize[1] * x[3];
      const o = operands(x, k, n, k + n + 7, signed);
      const g = int8ConvGeometry(x, n, attrs);
      const full = int8Conv2DReference(o.x, g, o.packed, o.scales, o.bias, attrs.activation === 'relu');
      const [ph, pw] = [Math.floor(g.outH / 2), Math.floor(g.outW / 2)];
      const expected = new Float32Array(g.batch * ph * pw * n);
      maxPool2x2(full, g.batch, g.outH, g.outW, n, expected);
      const before = tf.memory().numTensors;
      const inputs = {
        x: tf.tensor(o.x, x),
        w: tf.tensor(o.packed, [Math.ceil(n / 8), Math.ceil(k / 2), 8], 'int32'),
        scales: tf.tensor1d(o.scales),
        bias: tf.tensor1d(o.bias),
      };
      try {
        for (const direct of [true, false]) {
          setInt8DirectConvEnabled(direct);
          const y = tf.engine().runKernel(INT8_CONV2D_MAX_POOL, inputs, attrs as never) as tf.Tensor;
          expect(y.shape).toEqual([g.batch, ph, pw, n]);
          expect(bits((await y.data()) as Float32Array).equals(bits(expected))).toBe(true);
          y.dispose();
        }
      } finally {
        setInt8DirectConvEnabled(true);
        tf.dispose(Object.values(inputs));
      }
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('leaves a batch with a negative input, and one with fewer images than threads, to the other paths', async () => {
    expect(await setWasmThreads(1)).toBe(1);
    {
      // one thread: a negative input is flagged
      const o = operands([2, 6, 6, 4], 36, 8, 9, true);
      const g = int8ConvGeometry([2, 6, 6, 4], 8, { kernelSize: [3, 3], strides: [1, 1], padding: 'same' });
      const inputs = {
        x: tf.tensor(o.x, [2, 6, 6, 4]),
        w: tf.tensor(o.packed, [1, 18, 8], 'int32'),
        scales: tf.tensor1d(o.scales),
        bias: tf.tensor1d(o.bias),
      };
      const out = tf.zeros([2, 6, 6, 8]);
      expect(int8DirectConvOnHeap(tf.backend() as unknown as WasmBackendLike, inputs, out, g, false)).toBe(
        false,
      );
      tf.dispose([out, ...Object.values(inputs)]);
    }
    expect(await setWasmThreads(2)).toBe(2);
    const wasm = tf.backend() as unknown as WasmBackendLike;
    const attrs: Int8Conv2DAttrs = { kernelSize: [3, 3], strides: [1, 1], padding: 'same' };
    for (const [shape, signed] of [
      [[4, 8, 8, 4], true],
      [[1, 8, 8, 4], false],
    ] as const) {
      const o = operands([...shape], 36, 8, 5, signed);
      const g = int8ConvGeometry([...shape], 8, attrs);
      const inputs = {
        x: tf.tensor(o.x, [...shape]),
        w: tf.tensor(o.packed, [1, 18, 8], 'int32'),
        scales: tf.tensor1d(o.scales),
        bias: tf.tensor1d(o.bias),
      };
      const out = tf.zeros([g.batch, g.outH, g.outW, 8]);
      expect(int8DirectConvByThreads(wasm, inputs, out, g, false)).toBe(false);
      const y = tf.engine().runKernel(INT8_CONV2D, inputs, attrs as never) as tf.Tensor;
      const expected = int8Conv2DReference(o.x, g, o.packed, o.scales, o.bias, false);
      expect(Array.from(await y.data())).toEqual(Array.from(expected));
      tf.dispose([y, out, ...Object.values(inputs)]);
    }
  });

  it('waits 16 int8 convolutions before it tries weights whose input was negative again, twice that after a try that meets one again (on the pool and on one thread)', async () => {
    const attrs: Int8Conv2DAttrs = { kernelSize: [3, 3], strides: [1, 1], padding: 'same' };
    const g = int8ConvGeometry([4, 8, 8, 4], 8, attrs);
    const wasm = tf.backend() as unknown as WasmBackendLike;
    for (const threads of [2, 1]) {
      expect(await setWasmThreads(threads)).toBe(threads);
      const direct = threads === 2 ? int8DirectConvByThreads : int8DirectConvOnHeap;
      const signed = operands([4, 8, 8, 4], 36, 8, 13, true);
      const positive = operands([4, 8, 8, 4], 36, 8, 13);
      const w = tf.tensor(signed.packed, [1, 18, 8], 'int32');
      const scales = tf.tensor1d(signed.scales);
      const bias = tf.tensor1d(signed.bias);
      const [xs, xp] = [tf.tensor(signed.x, [4, 8, 8, 4]), tf.tensor(positive.x, [4, 8, 8, 4])];
      const out = tf.zeros([4, 8, 8, 8]);
      const otherW = tf.tensor(signed.packed, [1, 18, 8], 'int32');
      // the direct kernel alone (no call counted): a try after a negative input waits
      const tried = (x: tf.Tensor) => direct(wasm, { x, w, scales, bias }, out, g, false);
      // `calls` int8 convolutions (each counted), with the reference's values
      const convolve = async (x: tf.Tensor, values: ArrayLike<number>, calls: number) => {
        const expected = Array.from(
          int8Conv2DReference(values, g, signed.packed, signed.scales, signed.bias, false),
        );
        for (let call = 0; call < calls; call++) {
          const y = tf.engine().runKernel(INT8_CONV2D, { x, w, scales, bias }, attrs as never) as tf.Tensor;
          expect(Array.from(await y.data())).toEqual(expected);
          y.dispose();
        }
      };
      expect(tried(xp)).toBe(true);
      expect(tried(xs)).toBe(false);
      expect(tried(xp)).toBe(false);
      expect(direct(wasm, { x: xp, w: otherW, scales, bias }, out, g, false)).toBe(true);
      await convolve(xp, positive.x, 15);
      expect(tried(xp)).toBe(false); // one call left
      await convolve(xp, positive.x, 1); // tried, and no negative input: the wait forgotten
      expect(tried(xp)).toBe(true);
      // a negative input (16 calls), then the 16th call's try meets one again: 32 calls
      expect(tried(xs)).toBe(false);
      await convolve(xp, positive.x, 15);
      await convolve(xs, signed.x, 1);
      await convolve(xp, positive.x, 31);
      expect(tried(xp)).toBe(false);
      await convolve(xp, positive.x, 1);
      expect(tried(xp)).toBe(true);
      tf.dispose([w, otherW, scales, bias, xs, xp, out]);
    }
  });

  it("reads an input that the previous call left in the pool's memory (c1 into c2) to the same bits, and copies it in where another call had the pool between", async () => {
    expect(await setWasmThreads(2)).toBe(2);
    const c1: Int8Conv2DAttrs = { kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu' };
    const c2: Int8Conv2DAttrs = { kernelSize: [5, 5], strides: [1, 1], padding: 'valid', activation: 'relu' };
    const first = operands([4, 28, 28, 1], 9, 8, 31);
    const other = operands([4, 28, 28, 1], 9, 8, 32);
    const next = operands([4, 14, 14, 8], 200, 16, 33);
    const before = tf.memory().numTensors;
    const layer1 = {
      w: tf.tensor(first.packed, [1, 5, 8], 'int32'),
      scales: tf.tensor1d(first.scales),
      bias: tf.tensor1d(first.bias),
    };
    const layer2 = {
      w: tf.tensor(next.packed, [2, 100, 8], 'int32'),
      scales: tf.tensor1d(next.scales),
      bias: tf.tensor1d(next.bias),
    };
    const [xa, xb] = [tf.tensor(first.x, [4, 28, 28, 1]), tf.tensor(other.x, [4, 28, 28, 1])];
    const pooled = (x: tf.Tensor, layer: typeof layer1, attrs: Int8Conv2DAttrs) =>
      tf.engine().runKernel(INT8_CONV2D_MAX_POOL, { x, ...layer }, attrs as never) as tf.Tensor;
    // c2 then its pool of y's values, by the reference
    const expected = async (y: tf.Tensor) => {
      const g = int8ConvGeometry([4, 14, 14, 8], 16, c2);
      const full = int8Conv2DReference(
        (await y.data()) as Float32Array,
        g,
        next.packed,
        next.scales,
        next.bias,
        true,
      );
      const out = new Float32Array(4 * 5 * 5 * 16);
      maxPool2x2(full, 4, 10, 10, 16, out);
      return bits(out);
    };
    const made: tf.Tensor[] = [];
    const run = (x: tf.Tensor, layer: typeof layer1, attrs: Int8Conv2DAttrs) => {
      const y = pooled(x, layer, attrs);
      made.push(y);
      return y;
    };
    try {
      // straight after c1: c2 reads c1's output where it lies
      const ya = run(xa, layer1, c1);
      let reuses = int8DirectConvReuses();
      const za = run(ya, layer2, c2);
      expect(int8DirectConvReuses()).toBe(reuses + 1);
      expect(bits((await za.data()) as Float32Array).equals(await expected(ya))).toBe(true);
      // another c1 call between (its output now lies where ya's did): ya is copied in again
      run(xb, layer1, c1);
      reuses = int8DirectConvReuses();
      const za2 = run(ya, layer2, c2);
      expect(int8DirectConvReuses()).toBe(reuses);
      expect(bits((await za2.data()) as Float32Array).equals(await expected(ya))).toBe(true);
      // an int8 product on the pool between, whose scratch overwrites that memory: copied in again
      const yb = run(xb, layer1, c1);
      const product = {
        x: tf.tensor(sequence(1024 * 64, 34).map(Math.abs), [1024, 64]),
        w: tf.tensor(operands([1], 64, 16, 35).packed, [2, 32, 8], 'int32'),
        scales: tf.tensor1d(next.scales),
        bias: tf.tensor1d(next.bias),
      };
      made.push(tf.engine().runKernel(INT8_MAT_MUL, product, { activation: 'relu' } as never) as tf.Tensor);
      made.push(...Object.values(product));
      reuses = int8DirectConvReuses();
      const zb = run(yb, layer2, c2);
      expect(int8DirectConvReuses()).toBe(reuses);
      expect(bits((await zb.data()) as Float32Array).equals(await expected(yb))).toBe(true);
      // turned off: copied, the same bits
      setInt8DirectConvReuse(false);
      const ya2 = run(xa, layer1, c1);
      reuses = int8DirectConvReuses();
      const za3 = run(ya2, layer2, c2);
      expect(int8DirectConvReuses()).toBe(reuses);
      expect(bits((await za3.data()) as Float32Array).equals(await expected(ya))).toBe(true);
    } finally {
      setInt8DirectConvReuse(true);
      tf.dispose([...made, xa, xb, ...Object.values(layer1), ...Object.values(layer2)]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is not used without relaxed SIMD (the SIMD build)', async () => {
    expect(await setWasmThreads(2)).toBe(2);
    setFmaKernelsEnabled(false);
    try {
      const wasm = tf.backend() as unknown as WasmBackendLike;
      const g = int8ConvGeometry([4, 8, 8, 4], 8, { kernelSize: [3, 3], strides: [1, 1], padding: 'same' });
      const o = operands([4, 8, 8, 4], 36, 8, 6);
      const inputs = {
        x: tf.tensor(o.x, [4, 8, 8, 4]),
        w: tf.tensor(o.packed, [1, 18, 8], 'int32'),
        scales: tf.tensor1d(o.scales),
        bias: tf.tensor1d(o.bias),
      };
      const out = tf.zeros([4, 8, 8, 8]);
      expect(int8DirectConvByThreads(wasm, inputs, out, g, false)).toBe(false);
      expect(int8DirectConvOnHeap(wasm, inputs, out, g, false)).toBe(false);
      tf.dispose([out, ...Object.values(inputs)]);
    } finally {
      setFmaKernelsEnabled(true);
    }
  });
});

describe('maxPool2x2', () => {
  it("is tfjs's 2 x 2 max pool, stride 2, 'valid' (an odd last row and column dropped)", async () => {
    await useBackend('wasm');
    const x = tf.randomNormal([2, 5, 7, 3]);
    const out = new Float32Array(2 * 2 * 3 * 3);
    maxPool2x2((await x.data()) as Float32Array, 2, 5, 7, 3, out);
    const y = tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid');
    expect(Array.from(out)).toEqual(Array.from(await y.data()));
    tf.dispose([x, y]);
  });
});

describe('packDirectBytes', () => {
  it('lays each window row out as its own units of 4 levels, zero-padded, 8 columns a block', () => {
    const [fH, fW, inC, n] = [2, 3, 3, 11]; // window rows of 9 levels: 3 units
    const k = fH * fW * inC;
    const levels = Int8Array.from({ length: k * n }, (_, i) => ((i * 37) % 255) - 127);
    const w = packInt8Levels(levels, k, n);
    const g = int8ConvGeometry([1, 5, 5, inC], n, {
      kernelSize: [fH, fW],
      strides: [1, 1],
      padding: 'valid',
    });
    const bytes = packDirectBytes(w, 2, Math.ceil(k / 2), g);
    expect(bytes.length).toBe(2 * fH * 3 * 32);
    for (let b = 0; b < 2; b++)
      for (let fh = 0; fh < fH; fh++)
        for (let r = 0; r < 12; r++)
          for (let col = 0; col < 8; col++) {
            const at = (((b * fH + fh) * 3 + (r >> 2)) * 8 + col) * 4 + (r & 3);
            const j = b * 8 + col;
            const expected = r < 9 && j < n ? levels[(fh * 9 + r) * n + j] : 0;
            expect(bytes[at]).toBe(expected);
          }
  });
});
