/**
 * Post-training weight quantization of saved models: rewrites layers-format artifacts so that each
 * float32 weight is stored as float16, affine uint8/uint16 (the TF.js weights-manifest
 * `quantization` format, which `@tensorflow/tfjs-layers` and tensorfold's `loadModel` decode on load),
 * or per-channel symmetric int8 (a tensorfold extension: load it with {@link loadQuantized}).
 */
import { ConfigError, type Model, modelToArtifacts, SerializationError, tf } from '@tensorfold/core';
import { affineQuantize, dequantizePerChannelInt8, perChannelInt8 } from './affine.js';
import { fromFloat16Bits, toFloat16Bits } from './float16.js';

/** How weights are stored. */
export type QuantizeDtype = 'float16' | 'uint8' | 'uint16' | 'int8';

/** The dtypes, for messages and option checks. */
export const QUANTIZE_DTYPES: readonly QuantizeDtype[] = ['float16', 'uint8', 'uint16', 'int8'];

/** Options of {@link quantizeArtifacts} and {@link quantizeModel}. */
export interface QuantizeOptions {
  /**
   * `float16` (2 bytes a weight), `uint8` (1 byte, one scale and min per tensor), `uint16` (2 bytes,
   * per tensor): all three load in tfjs-layers and tensorfold unchanged. `int8`: 1 byte, one scale
   * per output channel (the last axis) for kernels of rank >= 2, one per tensor otherwise; only
   * {@link loadQuantized} loads it.
   */
  dtype: QuantizeDtype;
  /** Weights with fewer elements stay float32 (biases, small tables). Default `0` (all are quantized). */
  minElements?: number;
}

/** The manifest entry of a per-channel int8 weight (not a TF.js format). */
interface Int8Quantization {
  dtype: 'int8';
  /** One scale per index of `axis`. */
  scales: number[];
  axis: number;
}

/** Bytes of the weight data of `artifacts`. */
export function weightBytes(artifacts: tf.io.ModelArtifacts): number {
  return artifacts.weightData ? new tf.io.CompositeArrayBuffer(artifacts.weightData).byteLength : 0;
}

/** Bytes of the model's own weights in `artifacts` (optimizer state, which a save may include, left out). */
export function modelWeightBytes(artifacts: tf.io.ModelArtifacts): number {
  let total = 0;
  for (const spec of artifacts.weightSpecs ?? []) {
    if (spec.group === 'optimizer') continue;
    const q = spec.quantization?.dtype as string | undefined;
    const per = q === 'uint8' || q === 'int8' ? 1 : q ? 2 : spec.dtype === 'bool' ? 1 : 4;
    total += count(spec.shape) * per;
  }
  return total;
}

/** Whether any weight of `artifacts` is stored quantized. */
export function isQuantized(artifacts: tf.io.ModelArtifacts): boolean {
  return (artifacts.weightSpecs ?? []).some((s) => s.quantization != null);
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Splits the weight data into one buffer per entry (any dtype and quantization tfjs or we write). */
function splitEntries(artifacts: tf.io.ModelArtifacts): ArrayBuffer[] {
  const specs = artifacts.weightSpecs ?? [];
  const data = artifacts.weightData
    ? new tf.io.CompositeArrayBuffer(artifacts.weightData).slice()
    : new ArrayBuffer(0);
  let offset = 0;
  const parts = specs.map((spec) => {
    const q = spec.quantization?.dtype as string | undefined;
    const per = q === 'uint8' || q === 'int8' ? 1 : q ? 2 : spec.dtype === 'bool' ? 1 : 4;
    const bytes = count(spec.shape) * per;
    const part = data.slice(offset, offset + bytes);
    offset += bytes;
    return part;
  });
  if (offset !== data.byteLength)
    throw new SerializationError(
      `The weight data has ${data.byteLength} bytes but the manifest describes ${offset}; re-save the model.`,
    );
  return parts;
}

/**
 * Quantizes the float32 weights of layers-format artifacts. Optimizer state is dropped (a quantized
 * model is for inference); int32 and bool weights are kept as they are.
 * @throws ConfigError for an unknown dtype, or artifacts that are already quantized (quantize the
 *   float model instead: quantizing twice only loses accuracy).
 */
export function quantizeArtifacts(
  artifacts: tf.io.ModelArtifacts,
  options: QuantizeOptions,
): tf.io.ModelArtifacts {
  const { dtype, minElements = 0 } = options;
  if (!QUANTIZE_DTYPES.includes(dtype))
    throw new ConfigError(`Unknown quantization dtype "${dtype}"; use one of ${QUANTIZE_DTYPES.join(', ')}.`);
  if (!Number.isFinite(minElements) || minElements < 0)
    throw new ConfigError(`minElements must be a number >= 0, got ${minElements}.`);
  if (isQuantized(artifacts))
    throw new ConfigError(
      'These weights are already quantized; quantize the float32 model instead (or dequantizeArtifacts() first, which keeps the rounding error).',
    );
  const specs = artifacts.weightSpecs ?? [];
  const parts = splitEntries(artifacts);
  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  const outParts: ArrayBuffer[] = [];
  specs.forEach((spec, i) => {
    if (spec.group === 'optimizer') return;
    const n = count(spec.shape);
    if (spec.dtype !== 'float32' || n < minElements || n === 0) {
      outSpecs.push({ ...spec });
      outParts.push(parts[i]);
      return;
    }
    const values = new Float32Array(parts[i]);
    if (dtype === 'float16') {
      const halves = new Uint16Array(n);
      for (let j = 0; j < n; j++) halves[j] = toFloat16Bits(values[j]);
      outSpecs.push({ ...spec, quantization: { dtype: 'float16' } });
      outParts.push(halves.buffer);
    } else if (dtype === 'int8') {
      const axis = spec.shape.length >= 2 ? spec.shape.length - 1 : 0;
      const shape = spec.shape.length >= 2 ? spec.shape : [1, n];
      const { levels, scales } = perChannelInt8(values, shape, spec.shape.length >= 2 ? axis : 0);
      const quantization: Int8Quantization = { dtype: 'int8', scales, axis };
      outSpecs.push({ ...spec, quantization } as unknown as tf.io.WeightsManifestEntry);
      outParts.push(levels.buffer as ArrayBuffer);
    } else {
      const { levels, params } = affineQuantize(values, dtype === 'uint8' ? 8 : 16);
      outSpecs.push({ ...spec, quantization: { dtype, scale: params.scale, min: params.min } });
      outParts.push(levels.buffer as ArrayBuffer);
    }
  });
  return {
    ...artifacts,
    weightSpecs: outSpecs,
    weightData: tf.io.concatenateArrayBuffers(outParts),
  };
}

/** Saves `model` to artifacts and quantizes them ({@link quantizeArtifacts}); save them with any IO handler. */
export async function quantizeModel(model: Model, options: QuantizeOptions): Promise<tf.io.ModelArtifacts> {
  return quantizeArtifacts(await modelToArtifacts(model), options);
}

/**
 * The artifacts with every quantized weight decoded back to float32 (the rounding error stays).
 * Needed for per-channel int8 files before `loadModel`, and by anything that edits float weights.
 */
export function dequantizeArtifacts(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const specs = artifacts.weightSpecs ?? [];
  const parts = splitEntries(artifacts);
  const outParts = specs.map((spec, i) => {
    const q = spec.quantization as
      | { dtype: string; scale?: number; min?: number; scales?: number[]; axis?: number }
      | undefined;
    if (!q) return parts[i];
    const n = count(spec.shape);
    let out: Float32Array;
    if (q.dtype === 'int8') {
      if (!Array.isArray(q.scales) || typeof q.axis !== 'number')
        throw new SerializationError(
          `Weight "${spec.name}" is int8 but its entry has no "scales" and "axis".`,
        );
      const shape = spec.shape.length >= 2 ? spec.shape : [1, n];
      out = dequantizePerChannelInt8(
        new Int8Array(parts[i]),
        shape,
        spec.shape.length >= 2 ? q.axis : 0,
        q.scales,
      );
    } else if (q.dtype === 'float16') {
      const halves = new Uint16Array(parts[i]);
      out = Float32Array.from(halves, fromFloat16Bits);
    } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
      const levels = q.dtype === 'uint8' ? new Uint8Array(parts[i]) : new Uint16Array(parts[i]);
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      out = Float32Array.from(levels, (v) => v * scale + min);
    } else {
      throw new SerializationError(
        `Weight "${spec.name}" has quantization dtype "${q.dtype}"; known: ${QUANTIZE_DTYPES.join(', ')}.`,
      );
    }
    return out.buffer as ArrayBuffer;
  });
  return {
    ...artifacts,
    weightSpecs: specs.map(({ quantization: _, ...rest }) => ({ ...rest })),
    weightData: tf.io.concatenateArrayBuffers(outParts),
  };
}
