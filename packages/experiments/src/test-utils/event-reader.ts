/**
 * An independent reader of TensorBoard event files for the tests: TFRecord framing parsed from its
 * specification with a bitwise CRC-32C (not the writer's table), and the messages decoded by protobufjs
 * from `tensorboard.proto`. Nothing here shares code with the writer.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(fileURLToPath(new URL('./tensorboard.proto', import.meta.url)));
const Event = root.lookupType('tensorboard.Event');

/** CRC-32C bit by bit (RFC 3720's polynomial, reflected). */
function crc32cBitwise(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

function masked(bytes: Uint8Array): number {
  const crc = crc32cBitwise(bytes);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** A decoded event (protobufjs's plain-object form, longs as numbers, bytes as Uint8Array). */
// biome-ignore lint/suspicious/noExplicitAny: protobufjs's decoded objects are untyped; the tests read them field by field.
export type DecodedEvent = Record<string, any>;

/**
 * The events of a file; whole records only (a truncated last record, as a killed writer may leave, is
 * reported in `truncated`). Throws on a CRC mismatch.
 */
export function readEvents(path: string): { events: DecodedEvent[]; truncated: boolean } {
  const data = new Uint8Array(readFileSync(path));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const events: DecodedEvent[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (offset + 12 > data.length) return { events, truncated: true };
    const length = view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 2 ** 32;
    if (view.getUint32(offset + 8, true) !== masked(data.subarray(offset, offset + 8)))
      throw new Error(`Bad length CRC at byte ${offset}`);
    if (offset + 12 + length + 4 > data.length) return { events, truncated: true };
    const payload = data.subarray(offset + 12, offset + 12 + length);
    if (view.getUint32(offset + 12 + length, true) !== masked(payload))
      throw new Error(`Bad data CRC at byte ${offset}`);
    events.push(Event.toObject(Event.decode(payload), { longs: Number, defaults: false, oneofs: true }));
    offset += 12 + length + 4;
  }
  return { events, truncated: false };
}

/** `crc32cBitwise` for the test of the check value. */
export { crc32cBitwise };
