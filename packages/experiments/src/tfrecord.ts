import { maskedCrc32c } from './crc32c.js';

/**
 * One TFRecord record around `data`: its length as a little-endian uint64, the masked CRC-32C of those 8
 * bytes, the data, and the masked CRC-32C of the data. TensorBoard's event files are sequences of these.
 */
export function tfRecord(data: Uint8Array): Uint8Array {
  const record = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(record.buffer);
  view.setUint32(0, data.length, true); // low word; records here stay far below 4 GiB
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true);
  view.setUint32(8, maskedCrc32c(record.subarray(0, 8)), true);
  record.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return record;
}
