/**
 * The integer inference kernels: names, inputs and attributes. `@tensorfold/compress` (its `Int8Dense`
 * and `Int8Conv2D` layers) runs them by these names where they are registered (CPU, WASM, WebGPU,
 * after `initBackend`), and the same computation in tensor ops elsewhere.
 *
 * Weights are int8 levels in [-127, 127] stored two to an int32, in blocks of 8 columns: element
 * `[c, r, l]` of the int32 tensor `w` `[ceil(N / 8), ceil(K / 2), 8]` holds the levels of rows `2r`
 * (low 16 bits) and `2r + 1` (high 16 bits) of column `8c + l` of the `[K, N]` kernel, each as a
 * signed 16-bit number (0 past row K and past column N; N is the length of `scales`). This is the
 * layout WASM's `i32x4.dot_i16x8_s` reads as it lies (see `packInt8Levels`). For a convolution, K runs
 * over `[filterHeight, filterWidth, inChannels]` (the kernel reshaped to `[K, outChannels]`).
 *
 * Activations are quantized on the fly, symmetric, one scale per row of a dense input (per image of a
 * convolution's): `s = max |x| / top`, `q = round(x * (top / max |x|))` (round half to even) in
 * [-top, top], `top` {@link DENSE_LEVEL_TOP} (63) for the products, {@link CONV_LEVEL_TOP} (127) for
 * the convolutions. Products are summed in int32 and the result is
 * `y = act(sum q * level * (s * scales[j]) + bias[j])`, `act` the identity or ReLU.
 */

/**
 * `y [..., n] = act(quantized(x [..., k]) . levels(w) * scales + bias)`. Inputs `x` float32, `w` int32,
 * `scales` and `bias` float32 `[n]`; attributes {@link Int8MatMulAttrs}.
 */
export const INT8_MAT_MUL = 'TensorfoldInt8MatMul';

/**
 * `y [batch, outH, outW, n] = act(conv2d(quantized(x [batch, inH, inW, inChannels]), levels(w)) * scales + bias)`.
 * Inputs `x`, `w`, `scales`, `bias`; attributes {@link Int8Conv2DAttrs}.
 */
export const INT8_CONV2D = 'TensorfoldInt8Conv2D';

/**
 * {@link INT8_CONV2D} followed by a 2 x 2 max pool (stride 2, `'valid'`: a last odd row or column is
 * dropped): `y [batch, floor(outH / 2), floor(outW / 2), n]`. Same inputs and attributes. Registered on
 * WASM only (fused there into the direct convolution's epilogue); elsewhere `@tensorfold/compress`
 * runs {@link INT8_CONV2D} and a max pool.
 */
export const INT8_CONV2D_MAX_POOL = 'TensorfoldInt8Conv2DMaxPool';

/**
 * The largest activation level of the dense kernels ({@link INT8_MAT_MUL} and the stack of them):
 * `q = round(x * (63 / max |x|))` in [-63, 63], `s = max |x| / 63`. Half of 127, so that two byte
 * products of levels by weights ([-127, 127]) add up in int16 without overflow (4 * 63 * 127 =
 * 32004): the WASM byte products then widen to int32 once every two units of 4 levels.
 */
export const DENSE_LEVEL_TOP = 63;

/** The largest activation level of the convolutions ({@link INT8_CONV2D}): [-127, 127], `s = max |x| / 127`. */
export const CONV_LEVEL_TOP = 127;

/** The fused activations of the int8 kernels. */
export type Int8Activation = 'linear' | 'relu';

/** Attributes of {@link INT8_MAT_MUL}. */
export interface Int8MatMulAttrs {
  /** `'relu'` clamps the result at 0. Default `'linear'`. */
  activation?: Int8Activation;
}

/** Attributes of {@link INT8_CONV2D} (channels last, no dilation). */
export interface Int8Conv2DAttrs extends Int8MatMulAttrs {
  /** `[filterHeight, filterWidth]`. */
  kernelSize: [number, number];
  /** `[strideHeight, strideWidth]`. */
  strides: [number, number];
  /** `'valid'` or `'same'` (TensorFlow's: the extra row or column of padding goes after). */
  padding: 'valid' | 'same';
}

/**
 * Packs int8 levels `[k, n]` (row-major) into the layout of the kernels' `w` (see the module doc):
 * `[ceil(n / 8), ceil(k / 2), 8]` int32.
 */
export function packInt8Levels(levels: ArrayLike<number>, k: number, n: number): Int32Array {
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

/**
 * A stack of int8 dense layers in one call: `y = act_L(... act_1(q(x) . levels(w_1) * scales_1 + bias_1) ...)`,
 * each layer's float output quantized per row as {@link INT8_MAT_MUL} quantizes its input (so the result
 * is the same as the layers' {@link INT8_MAT_MUL} calls one after another), without leaving the kernel
 * between layers. Inputs `x [..., k_1]` and, for layer `i` from 0, `w<i>`, `scales<i>`, `bias<i>` (as
 * {@link INT8_MAT_MUL}'s, with `k_{i+1} = n_i`); attributes {@link Int8DenseChainAttrs}; output `[..., n_L]`.
 * Registered on WASM; elsewhere `@tensorfold/compress` calls {@link INT8_MAT_MUL} once a layer.
 */
export const INT8_DENSE_CHAIN = 'TensorfoldInt8DenseChain';

/** Attributes of {@link INT8_DENSE_CHAIN}. */
export interface Int8DenseChainAttrs {
  /** Each layer's fused activation, first layer first; its length is the number of layers. */
  activations: Int8Activation[];
}
