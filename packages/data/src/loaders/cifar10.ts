/**
 * The CIFAR-10 binary format: records of 1 label byte and 3,072 pixel bytes (the 32x32 red plane,
 * then green, then blue, each row-major). Files: `data_batch_1.bin` ... `data_batch_5.bin` (10,000
 * records each) and `test_batch.bin`, with the class names in `batches.meta.txt`.
 */
import { DataError } from '@tensorfold/core';
import { checkLimit } from './labeled.js';

/** CIFAR-10's classes, in label order. */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** Bytes per CIFAR-10 record. */
export const CIFAR10_RECORD_BYTES = 1 + 32 * 32 * 3;

/** Parsed CIFAR-10 records: pixels `[count, 32, 32, 3]` in [0, 1] (channels last) and labels. */
export interface Cifar10Records {
  pixels: Float32Array;
  labels: Int32Array;
  count: number;
}

/**
 * Parses CIFAR-10 binary records, moving the channel planes to channels-last order.
 *
 * @param options.limit Read at most this many records (an integer >= 0). Default: all.
 * @throws DataError naming `source` when the length is not a whole number of records or a label is not 0-9.
 */
export function parseCifar10(
  bytes: Uint8Array,
  options: { source?: string; limit?: number } = {},
): Cifar10Records {
  const source = options.source ?? 'CIFAR-10 data';
  checkLimit(options.limit);
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    throw new DataError(
      `${source} is ${bytes.length} bytes, not a whole number of ${CIFAR10_RECORD_BYTES}-byte CIFAR-10 records; the file is truncated or not a CIFAR-10 binary batch.`,
    );
  }
  const count = Math.min(bytes.length / CIFAR10_RECORD_BYTES, options.limit ?? Number.POSITIVE_INFINITY);
  const pixels = new Float32Array(count * 3072);
  const labels = new Int32Array(count);
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) table[i] = i / 255;
  for (let r = 0; r < count; r++) {
    const at = r * CIFAR10_RECORD_BYTES;
    const label = bytes[at];
    if (label > 9)
      throw new DataError(
        `${source}: record ${r} has label ${label}; CIFAR-10 labels are 0-9 (a CIFAR-100 file has 2 label bytes).`,
      );
    labels[r] = label;
    const base = r * 3072;
    for (let c = 0; c < 3; c++) {
      const plane = at + 1 + c * 1024;
      for (let p = 0; p < 1024; p++) pixels[base + p * 3 + c] = table[bytes[plane + p]];
    }
  }
  return { pixels, labels, count };
}
