/**
 * Checks of a weights manifest and its data before anything is allocated: every entry's fields
 * (name, shape, dtype, quantization), duplicate names, the byte count against the data present, and
 * non-finite values in the data. A hostile or damaged `model.json` gets a {@link SerializationError}
 * naming the entry and the field, instead of a TypeError from deep inside tfjs.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { SerializationError } from '../errors.js';

/** The weight dtypes a layers model can hold. */
const DTYPES = new Set(['float32', 'int32', 'bool']);
/** Bytes per element of each quantization dtype tfjs writes. */
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

/**
 * Checks every entry of `specs` (the weights of a manifest's groups, in order).
 * @throws SerializationError naming the entry (its index and name) and the bad field.
 */
export function validateWeightSpecs(specs: unknown): tf.io.WeightsManifestEntry[] {
  const fix =
    'the model.json is damaged or was not written by TensorFlow.js or tensorfold; re-save the model';
  if (!Array.isArray(specs))
    throw new SerializationError(
      `The weights manifest's "weights" must be a list, got ${show(specs)}; ${fix}.`,
    );
  const seen = new Map<string, number>();
  specs.forEach((spec: unknown, i) => {
    const where = `Weights manifest entry ${i}`;
    if (spec == null || typeof spec !== 'object' || Array.isArray(spec))
      throw new SerializationError(
        `${where} must be an object with "name", "shape" and "dtype", got ${show(spec)}; ${fix}.`,
      );
    const { name, shape, dtype, quantization, group } = spec as Record<string, unknown>;
    if (typeof name !== 'string' || name.length === 0)
      throw new SerializationError(
        `${where} has "name" ${show(name)}; it must be a non-empty string; ${fix}.`,
      );
    const named = `${where} ("${name}")`;
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
    )
      throw new SerializationError(
        `${named} has "shape" ${show(shape)}; it must be a list of non-negative integers; ${fix}.`,
      );
    if (typeof dtype !== 'string' || !DTYPES.has(dtype))
      throw new SerializationError(
        `${named} has "dtype" ${show(dtype)}; a layers model's weights are ${[...DTYPES].join(', ')}; ${fix}.`,
      );
    if (group !== undefined && typeof group !== 'string')
      throw new SerializationError(`${named} has "group" ${show(group)}; it must be a string; ${fix}.`);
    if (quantization !== undefined) {
      const q = quantization as Record<string, unknown> | null;
      if (q == null || typeof q !== 'object' || !(String(q.dtype) in QUANTIZED_BYTES))
        throw new SerializationError(
          `${named} has "quantization" ${show(quantization)}; its "dtype" must be uint8, uint16 or float16; ${fix}.`,
        );
      if (
        q.dtype !== 'float16' &&
        !(Number.isFinite(q.scale) && (Number.isFinite(q.min) || Number.isFinite(q.offset)))
      )
        throw new SerializationError(
          `${named} has "quantization" ${show(quantization)}; ${q.dtype} quantization needs a finite "scale" and "min"; ${fix}.`,
        );
    }
    const before = seen.get(name);
    if (before !== undefined)
      throw new SerializationError(
        `${named} repeats the name of entry ${before}; each weight is listed once; ${fix}.`,
      );
    seen.set(name, i);
  });
  return specs as tf.io.WeightsManifestEntry[];
}

/** Elements of one entry. */
export function elementCount(spec: tf.io.WeightsManifestEntry): number {
  return spec.shape.reduce((a, b) => a * b, 1);
}

/** Bytes one (validated) entry takes in the weight data. */
export function byteSize(spec: tf.io.WeightsManifestEntry): number {
  const count = elementCount(spec);
  if (spec.quantization) return count * QUANTIZED_BYTES[spec.quantization.dtype];
  return count * (spec.dtype === 'bool' ? 1 : 4);
}

/**
 * Checks that no float weight in `data` holds NaN or an infinity, before any tensor is made.
 * @throws SerializationError naming the first such weight, the first bad index and the count.
 */
export function checkFinite(data: ArrayBuffer, specs: tf.io.WeightsManifestEntry[]): void {
  let offset = 0;
  for (const spec of specs) {
    const bytes = byteSize(spec);
    const count = elementCount(spec);
    let bad = -1;
    let badCount = 0;
    let example = 0;
    if (spec.quantization?.dtype === 'float16') {
      // exponent bits all ones: infinity or NaN
      const halves = new Uint16Array(data.slice(offset, offset + bytes));
      for (let i = 0; i < count; i++)
        if ((halves[i] & 0x7c00) === 0x7c00) {
          if (bad < 0) {
            bad = i;
            example = halves[i] & 0x3ff ? Number.NaN : halves[i] & 0x8000 ? -Infinity : Infinity;
          }
          badCount++;
        }
    } else if (!spec.quantization && spec.dtype === 'float32') {
      // a view where the offset is aligned (it is unless a bool or uint8 entry came before), else a copy
      const values =
        offset % 4 === 0
          ? new Float32Array(data, offset, count)
          : new Float32Array(data.slice(offset, offset + bytes));
      for (let i = 0; i < count; i++)
        if (!Number.isFinite(values[i])) {
          if (bad < 0) {
            bad = i;
            example = values[i];
          }
          badCount++;
        }
    }
    if (bad >= 0)
      throw new SerializationError(
        `Weight "${spec.name}" holds ${example} at index ${bad} (${badCount} of its ${count} values are NaN or infinite), so the model would predict NaN. It was most likely saved after training diverged: retrain with a lower learning rate, or load with {allowNonFinite: true} to inspect it.`,
      );
    offset += bytes;
  }
}
