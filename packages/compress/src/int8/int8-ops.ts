/**
 * Integer inference ops: a product and a convolution of dynamically quantized int8 activations by
 * int8 weights with int32 sums. Where `@tensorfold/backend` registered its kernels for the active
 * backend (CPU, WASM SIMD, WebGPU) they run them by name; elsewhere the same computation runs in
 * tensor ops (float32 arithmetic on whole numbers, exact while the sums stay below 2^24).
 *
 * The kernels' contract (kept in step with `@tensorfold/backend`'s int8-kernels.ts, which a test checks):
 * weights are int8 levels in [-127, 127], two to an int32 (rows 2r and 2r + 1 of the `[k, n]` kernel
 * in the low and high 16 bits), in blocks of 8 columns: `[ceil(n / 8), ceil(k / 2), 8]` ({@link packLevels});
 * activations are quantized per row (dense) or per image (convolution): `s = max |x| / top`,
 * `q = round(x * (top / max |x|))`, `top` 63 for the product ({@link DENSE_LEVEL_TOP}: two byte
 * products then add up in int16) and 127 for the convolution ({@link CONV_LEVEL_TOP}); the result is
 * `act(sum q * level * s * scales[j] + bias[j])`.
 */
import { tf } from '@tensorfold/core';

/** The kernel name of the int8 product (as `@tensorfold/backend` registers it). */
export const INT8_MAT_MUL = 'TensorfoldInt8MatMul';
/** The kernel name of the int8 convolution (as `@tensorfold/backend` registers it). */
export const INT8_CONV2D = 'TensorfoldInt8Conv2D';

/**
 * The kernel name of the int8 convolution followed by a 2 x 2 max pool (stride 2, `'valid'`), as
 * `@tensorfold/backend` registers it on WASM (fused there).
 */
export const INT8_CONV2D_MAX_POOL = 'TensorfoldInt8Conv2DMaxPool';

/** Activations the int8 kernels apply themselves. */
export type FusedInt8Activation = 'linear' | 'relu';

/** Packs int8 levels `[k, n]` (row-major) into the kernels' int32 layout `[ceil(n / 8), ceil(k / 2), 8]`. */
export function packLevels(levels: ArrayLike<number>, k: number, n: number): Int32Array {
  const pairs = Math.ceil(k / 2);
  const packed = new Int32Array(Math.ceil(n / 8) * pairs * 8);
  for (let t = 0; t < k; t++) {
    for (let j = 0; j < n; j++) {
      const at = ((j >> 3) * pairs + (t >> 1)) * 8 + (j & 7);
      const level = levels[t * n + j];
      packed[at] = t & 1 ? (packed[at] & 0xffff) | (level << 16) : (packed[at] & ~0xffff) | (level & 0xffff);
    }
  }
  return packed;
}

/** The levels `[k, n]` of packed weights, as float32 whole numbers (tensor ops: any backend). */
export function unpackLevels(w: tf.Tensor, k: number, n: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [blocks, pairs] = w.shape; // [blocks, pairs, 8]
    const pair = tf.cast(w, 'float32'); // exact: |pair| < 2^23
    const high = tf.floor(tf.div(pair, 65536));
    const low16 = tf.sub(pair, tf.mul(high, 65536)); // [0, 65536)
    const low = tf.where(tf.greaterEqual(low16, 32768), tf.sub(low16, 65536), low16);
    // [blocks, pairs, 2, 8] -> [pairs, 2, blocks, 8] -> [2 pairs, 8 blocks]
    const rows = tf.reshape(tf.transpose(tf.stack([low, high], 2), [1, 2, 0, 3]), [2 * pairs, 8 * blocks]);
    return tf.slice(rows, [0, 0], [k, n]) as tf.Tensor2D;
  });
}

/** The largest activation level of the int8 product (the dense layers): levels in [-63, 63]. */
export const DENSE_LEVEL_TOP = 63;

/** The largest activation level of the int8 convolution: levels in [-127, 127]. */
export const CONV_LEVEL_TOP = 127;

/**
 * `[levels, scale]` of `x` quantized to [-top, top] with one scale per slice along `axes` reduced
 * (`keepDims`).
 */
function quantizeActivations(x: tf.Tensor, axes: number[], top: number): [tf.Tensor, tf.Tensor] {
  const max = tf.max(tf.abs(x), axes, true);
  const inverse = tf.where(tf.greater(max, 0), tf.div(top, max), tf.zerosLike(max));
  return [tf.round(tf.mul(x, inverse)), tf.div(max, top)];
}

function finish(
  sums: tf.Tensor,
  scale: tf.Tensor,
  scales: tf.Tensor,
  bias: tf.Tensor,
  activation: FusedInt8Activation,
): tf.Tensor {
  const y = tf.add(tf.mul(sums, tf.mul(scale, scales)), bias);
  return activation === 'relu' ? tf.relu(y) : y;
}

/** Whether the active backend has the kernel `name` (registered by `@tensorfold/backend`). */
export function hasInt8Kernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) != null;
}

/**
 * `act(quantized(x) . levels(w) * scales + bias)`: `x [m, k]` float32, `w` packed int32, `scales` and
 * `bias` `[n]`; returns `[m, n]`. The kernel where registered, tensor ops elsewhere (or with `ops`).
 */
export function int8MatMul(
  x: tf.Tensor2D,
  w: tf.Tensor,
  scales: tf.Tensor1D,
  bias: tf.Tensor1D,
  activation: FusedInt8Activation = 'linear',
  ops = !hasInt8Kernel(INT8_MAT_MUL),
): tf.Tensor2D {
  if (!ops)
    return tf
      .engine()
      .runKernel(INT8_MAT_MUL, { x, w, scales, bias }, { activation } as never) as tf.Tensor2D;
  return tf.tidy(() => {
    const [levels, scale] = quantizeActivations(x, [1], DENSE_LEVEL_TOP); // [m, k], [m, 1]
    const sums = tf.matMul(levels as tf.Tensor2D, unpackLevels(w, x.shape[1], scales.shape[0]));
    return finish(sums, scale, scales, bias, activation) as tf.Tensor2D;
  });
}

/** Geometry of {@link int8Conv2D}. */
export interface Int8ConvOptions {
  /** `[filterHeight, filterWidth]`. */
  kernelSize: [number, number];
  /** `[strideHeight, strideWidth]`. */
  strides: [number, number];
  /** `'valid'` or `'same'`. */
  padding: 'valid' | 'same';
  /** Applied by the kernel. Default `'linear'`. */
  activation?: FusedInt8Activation;
  /**
   * A 2 x 2 max pool (stride 2, `'valid'`: an odd last row or column dropped) after the activation:
   * fused into the convolution where the backend registered {@link INT8_CONV2D_MAX_POOL} (WASM),
   * `tf.maxPool` after it elsewhere. Default `false`.
   */
  maxPool?: boolean;
}

/**
 * The int8 convolution of `x [batch, height, width, inChannels]` (one activation scale per image) by
 * packed weights of the `[kh, kw, inChannels, n]` kernel; returns `[batch, outHeight, outWidth, n]`
 * (`[batch, floor(outHeight / 2), floor(outWidth / 2), n]` with `maxPool`).
 */
export function int8Conv2D(
  x: tf.Tensor4D,
  w: tf.Tensor,
  scales: tf.Tensor1D,
  bias: tf.Tensor1D,
  options: Int8ConvOptions,
  ops = !hasInt8Kernel(INT8_CONV2D),
): tf.Tensor4D {
  const { kernelSize, strides, padding, activation = 'linear', maxPool = false } = options;
  if (maxPool) {
    if (!ops && hasInt8Kernel(INT8_CONV2D_MAX_POOL))
      return tf.engine().runKernel(INT8_CONV2D_MAX_POOL, { x, w, scales, bias }, {
        kernelSize,
        strides,
        padding,
        activation,
      } as never) as tf.Tensor4D;
    return tf.tidy(() =>
      tf.maxPool(int8Conv2D(x, w, scales, bias, { ...options, maxPool: false }, ops), 2, 2, 'valid'),
    );
  }
  if (!ops)
    return tf.engine().runKernel(INT8_CONV2D, { x, w, scales, bias }, {
      kernelSize,
      strides,
      padding,
      activation,
    } as never) as tf.Tensor4D;
  return tf.tidy(() => {
    const [levels, scale] = quantizeActivations(x, [1, 2, 3], CONV_LEVEL_TOP); // [b, h, w, c], [b, 1, 1, 1]
    const inChannels = x.shape[3];
    const n = scales.shape[0];
    const filter = tf.reshape(unpackLevels(w, kernelSize[0] * kernelSize[1] * inChannels, n), [
      kernelSize[0],
      kernelSize[1],
      inChannels,
      n,
    ]) as tf.Tensor4D;
    const sums = tf.conv2d(levels as tf.Tensor4D, filter, strides, padding);
    return finish(sums, scale, scales, bias, activation) as tf.Tensor4D;
  });
}

/** The kernel name of a stack of int8 dense layers in one call (as `@tensorfold/backend` registers it on WASM). */
export const INT8_DENSE_CHAIN = 'TensorfoldInt8DenseChain';

/** One layer of {@link int8DenseChain}: packed weights, `scales` and `bias` `[n]`, its fused activation. */
export interface Int8ChainLayer {
  /** The layer's int8 weight levels, packed as {@link int8MatMul} takes them: int32 `[ceil(n / 8), ceil(k / 2), 8]`. */
  w: tf.Tensor;
  /** Per output column, the float a weight level stands for: float32 `[n]`. */
  scales: tf.Tensor1D;
  /** Added to each output column after the product: float32 `[n]`. */
  bias: tf.Tensor1D;
  /** Applied to the layer's output in the kernel: `'relu'` or `'linear'`. */
  activation: FusedInt8Activation;
}

/**
 * {@link int8MatMul} layer after layer: `x [m, k]` through `layers` (each layer's `k` the `n` before
 * it), each float output quantized per row again for the next; returns `[m, n_last]`. One kernel call
 * where the backend registered {@link INT8_DENSE_CHAIN} (WASM: the outputs between layers never leave
 * the kernel's memory), else one {@link int8MatMul} a layer; the same numbers either way.
 */
export function int8DenseChain(
  x: tf.Tensor2D,
  layers: Int8ChainLayer[],
  ops = !hasInt8Kernel(INT8_DENSE_CHAIN),
): tf.Tensor2D {
  if (!ops) {
    const inputs: Record<string, tf.Tensor> = { x };
    layers.forEach((l, i) => {
      inputs[`w${i}`] = l.w;
      inputs[`scales${i}`] = l.scales;
      inputs[`bias${i}`] = l.bias;
    });
    return tf.engine().runKernel(
      INT8_DENSE_CHAIN,
      inputs as never,
      {
        activations: layers.map((l) => l.activation),
      } as never,
    ) as tf.Tensor2D;
  }
  return tf.tidy(() => layers.reduce((y, l) => int8MatMul(y, l.w, l.scales, l.bias, l.activation), x));
}
