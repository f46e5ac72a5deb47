/**
 * Affine (asymmetric) quantization of one tensor's values to `bits`-bit unsigned integers, as the
 * TF.js weights manifest describes it: `value = q * scale + min`. The range is widened to hold 0 and
 * `min` is nudged so that 0 is exactly representable (zero biases and padding stay zero).
 */

/** The `scale` and `min` of one quantized tensor, as written in its manifest entry. */
export interface AffineParams {
  /** Step between neighbouring levels (unit: the weight's unit). */
  scale: number;
  /** The value level 0 stands for. */
  min: number;
}

/** Quantizes `values` to `bits` bits (8 or 16); returns the levels and the parameters to decode them. */
export function affineQuantize(
  values: Float32Array,
  bits: 8 | 16,
): { levels: Uint8Array | Uint16Array; params: AffineParams } {
  const top = 2 ** bits - 1;
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? (hi - lo) / top : 1;
  const zeroPoint = Math.round(-lo / scale); // the level that decodes to 0
  const min = -zeroPoint * scale;
  const levels = bits === 8 ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.round((values[i] - min) / scale);
    levels[i] = Math.min(top, Math.max(0, q));
  }
  return { levels, params: { scale, min } };
}

/**
 * Symmetric int8 quantization along `axis` (one scale per index of that axis, `max|w| / 127`), the
 * per-channel scheme of TFLite and PyTorch for weights. Levels are in [-127, 127].
 */
export function perChannelInt8(
  values: Float32Array,
  shape: number[],
  axis: number,
): { levels: Int8Array; scales: number[] } {
  const channels = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const maxAbs = new Array<number>(channels).fill(0);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c], Math.abs(values[i]));
  }
  const scales = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const levels = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.round(values[i] / scales[channelOf(i)]);
    levels[i] = Math.min(127, Math.max(-127, q));
  }
  return { levels, scales };
}

/** The float values of per-channel int8 levels. */
export function dequantizePerChannelInt8(
  levels: Int8Array,
  shape: number[],
  axis: number,
  scales: number[],
): Float32Array {
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channels = shape[axis];
  const out = new Float32Array(levels.length);
  for (let i = 0; i < levels.length; i++) out[i] = levels[i] * scales[Math.floor(i / inner) % channels];
  return out;
}
