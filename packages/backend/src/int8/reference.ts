/**
 * The integer inference kernels (see int8-kernels.ts) in plain JavaScript over typed arrays: the CPU
 * backend's kernels, the WASM kernels' path where WebAssembly SIMD is missing, and the reference the
 * SIMD and WebGPU kernels are tested against. Float arithmetic is float32 (`Math.fround`), in the
 * order the SIMD kernels use, so results agree to the last bit where the int32 sums fit float32.
 */
import { CONV_LEVEL_TOP, DENSE_LEVEL_TOP, type Int8Conv2DAttrs } from './int8-kernels.js';

const f = Math.fround;

/** Rounds to the nearest integer, halves to even (as `f32x4.nearest`, WGSL's `round`, `tf.round`). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Quantizes `x[start, start + length)` into `out` from `outStart` to levels in [-top, top]
 * (`round(x * (top / max |x|))`; {@link DENSE_LEVEL_TOP} for the products, {@link CONV_LEVEL_TOP} for
 * the convolutions); returns the scale `max |x| / top` (0 for zeros).
 */
export function quantizeSpan(
  x: ArrayLike<number>,
  start: number,
  length: number,
  out: Int32Array,
  outStart: number,
  top: number,
): number {
  let max = 0;
  for (let t = 0; t < length; t++) max = Math.max(max, Math.abs(x[start + t]));
  const inv = max > 0 ? f(top / max) : 0;
  for (let t = 0; t < length; t++) out[outStart + t] = roundHalfEven(f(x[start + t] * inv));
  return f(max / top);
}

/** The level of row `k`, column `j` of packed weights `w` of `pairs` pairs of rows. */
export function levelAt(w: ArrayLike<number>, pairs: number, k: number, j: number): number {
  const pair = w[((j >> 3) * pairs + (k >> 1)) * 8 + (j & 7)];
  return k & 1 ? pair >> 16 : (pair << 16) >> 16;
}

/** `act(acc * (rowScale * colScale) + bias)` in float32. */
function finish(acc: number, rowScale: number, colScale: number, bias: number, relu: boolean): number {
  const y = f(f(f(acc) * f(rowScale * colScale)) + bias);
  return relu && y < 0 ? 0 : y;
}

/** {@link INT8_MAT_MUL} of `x [m, k]` by packed `w [ceil(n / 8), ceil(k / 2), 8]`. */
export function int8MatMulReference(
  x: ArrayLike<number>,
  m: number,
  k: number,
  w: ArrayLike<number>,
  n: number,
  scales: ArrayLike<number>,
  bias: ArrayLike<number>,
  relu: boolean,
): Float32Array {
  const out = new Float32Array(m * n);
  const q = new Int32Array(k);
  const pairs = Math.ceil(k / 2);
  for (let i = 0; i < m; i++) {
    const s = quantizeSpan(x, i * k, k, q, 0, DENSE_LEVEL_TOP);
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let t = 0; t < k; t++) acc += q[t] * levelAt(w, pairs, t, j);
      out[i * n + j] = finish(acc, s, scales[j], bias[j], relu);
    }
  }
  return out;
}

/** Sizes and padding of an int8 convolution. */
export interface Int8ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  fH: number;
  fW: number;
  sH: number;
  sW: number;
  padTop: number;
  padLeft: number;
}

/** The geometry of {@link INT8_CONV2D} on `x [batch, inH, inW, inC]` with `outC` filters. */
export function int8ConvGeometry(xShape: number[], outC: number, attrs: Int8Conv2DAttrs): Int8ConvGeometry {
  const [batch, inH, inW, inC] = xShape;
  const [fH, fW] = attrs.kernelSize;
  const [sH, sW] = attrs.strides;
  const same = attrs.padding === 'same';
  const outH = same ? Math.ceil(inH / sH) : Math.max(0, Math.floor((inH - fH) / sH) + 1);
  const outW = same ? Math.ceil(inW / sW) : Math.max(0, Math.floor((inW - fW) / sW) + 1);
  const padTop = same ? Math.floor(Math.max(0, (outH - 1) * sH + fH - inH) / 2) : 0;
  const padLeft = same ? Math.floor(Math.max(0, (outW - 1) * sW + fW - inW) / 2) : 0;
  return { batch, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, padTop, padLeft };
}

/** {@link INT8_CONV2D} of `x [batch, inH, inW, inC]` (NHWC) by packed `w`; output NHWC. */
export function int8Conv2DReference(
  x: ArrayLike<number>,
  g: Int8ConvGeometry,
  w: ArrayLike<number>,
  scales: ArrayLike<number>,
  bias: ArrayLike<number>,
  relu: boolean,
): Float32Array {
  const image = g.inH * g.inW * g.inC;
  const out = new Float32Array(g.batch * g.outH * g.outW * g.outC);
  const q = new Int32Array(image);
  const pairs = Math.ceil((g.fH * g.fW * g.inC) / 2);
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    const s = quantizeSpan(x, b * image, image, q, 0, CONV_LEVEL_TOP);
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let j = 0; j < g.outC; j++) {
          let acc = 0;
          for (let dy = 0; dy < g.fH; dy++) {
            const iy = oy * g.sH - g.padTop + dy;
            if (iy < 0 || iy >= g.inH) continue;
            for (let dx = 0; dx < g.fW; dx++) {
              const ix = ox * g.sW - g.padLeft + dx;
              if (ix < 0 || ix >= g.inW) continue;
              for (let c = 0; c < g.inC; c++) {
                const level = levelAt(w, pairs, (dy * g.fW + dx) * g.inC + c, j);
                acc += q[(iy * g.inW + ix) * g.inC + c] * level;
              }
            }
          }
          out[o++] = finish(acc, s, scales[j], bias[j], relu);
        }
      }
    }
  }
  return out;
}
