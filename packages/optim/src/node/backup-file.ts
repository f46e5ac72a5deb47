/**
 * The file format of `backupAndRestore`: one file, written atomically, holding everything a resumed
 * run needs. Layout: the 4 bytes `TFBK`, a little-endian uint32 header length, the header as UTF-8
 * JSON, then the tensor data described by the header's weight specs (TensorFlow.js encoding).
 */
import { SerializationError, type tf } from '@tensorfold/core';

const MAGIC = 'TFBK';

/** What a backup records besides tensor values. */
export interface BackupHeader {
  format: 1;
  /** The last completed epoch (0-based). */
  epoch: number;
  /** The optimizer's constant learning rate, or null when it follows a schedule. */
  learningRate: number | null;
  /** Specs of the model weights (by weight path), then of the optimizer state (`group: 'optimizer'`). */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** States of the model's random generators, in `model.randomGenerators` order. */
  randomStates: number[][];
  /** State of the global generator (`setSeed`). */
  globalRandomState: number[];
  /** States of the tracked callbacks, in the order given. */
  callbackStates: Array<Record<string, unknown>>;
}

/** Header and tensor bytes as one buffer. */
export function encodeBackup(header: BackupHeader, data: ArrayBuffer): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(4, json.byteLength, true);
  out.set(json, 8);
  out.set(new Uint8Array(data), 8 + json.byteLength);
  return out;
}

/**
 * Splits a backup file into header and tensor bytes.
 * @throws SerializationError naming `path` when the file is not a complete backup.
 */
export function decodeBackup(bytes: Uint8Array, path: string): { header: BackupHeader; data: ArrayBuffer } {
  const fix = `Delete ${path} to start training from scratch.`;
  if (bytes.byteLength < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new SerializationError(`${path} is not a tensorfold training backup. ${fix}`);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + length > bytes.byteLength) throw new SerializationError(`${path} is truncated. ${fix}`);
  let header: BackupHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  } catch (error) {
    throw new SerializationError(`${path} has a corrupt header (${(error as Error).message}). ${fix}`, {
      cause: error,
    });
  }
  if (header?.format !== 1 || !Array.isArray(header.weightSpecs)) {
    throw new SerializationError(`${path} has an unknown backup format. ${fix}`);
  }
  const bad = invalidField(header);
  if (bad !== null) throw new SerializationError(`${path} has a corrupt header (${bad}). ${fix}`);
  // A copy with its own buffer: Node's Buffer.slice is a view into a shared pool.
  const body = new Uint8Array(bytes.byteLength - 8 - length);
  body.set(bytes.subarray(8 + length));
  const expected = header.weightSpecs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (body.byteLength !== expected) {
    throw new SerializationError(
      `${path} holds ${body.byteLength} bytes of tensors but its header describes ${expected}. ${fix}`,
    );
  }
  return { header, data: body.buffer };
}

const isCount = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
const isNumbers = (x: unknown) => Array.isArray(x) && x.every((v) => typeof v === 'number');
const isObject = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * What is wrong with a parsed header whose JSON was well formed (a field missing or of the wrong
 * type, as a damaged or hand-edited file has), or null when every field is usable.
 */
function invalidField(header: BackupHeader): string | null {
  for (const [i, spec] of header.weightSpecs.entries()) {
    if (
      !isObject(spec) ||
      typeof spec.name !== 'string' ||
      !Array.isArray(spec.shape) ||
      !spec.shape.every(isCount) ||
      (spec.dtype !== 'float32' && spec.dtype !== 'int32')
    ) {
      return `weightSpecs[${i}] is not a float32 or int32 tensor spec with a name and a shape`;
    }
  }
  if (!isCount(header.epoch)) return 'epoch is not an integer >= 0';
  if (header.learningRate !== null && typeof header.learningRate !== 'number')
    return 'learningRate is neither a number nor null';
  if (!Array.isArray(header.randomStates) || !header.randomStates.every(isNumbers))
    return 'randomStates is not a list of generator states';
  if (!isNumbers(header.globalRandomState)) return 'globalRandomState is not a generator state';
  if (!Array.isArray(header.callbackStates) || !header.callbackStates.every(isObject))
    return 'callbackStates is not a list of objects';
  return null;
}
