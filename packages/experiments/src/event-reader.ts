import { maskedCrc32c } from './crc32c.js';

/** One value of a summary, as the dashboard needs it. */
export type SummaryValue =
  | { kind: 'scalar'; tag: string; value: number }
  | {
      kind: 'histogram';
      tag: string;
      min: number;
      max: number;
      num: number;
      /** Right edges of the buckets (TensorBoard's `bucket_limit`). */
      limits: number[];
      counts: number[];
    }
  | { kind: 'text'; tag: string; text: string }
  /** A string tensor of a plugin other than `text` (`graph_keras_model`'s model JSON...). */
  | { kind: 'plugin'; tag: string; plugin: string; text: string }
  | { kind: 'image'; tag: string; width: number; height: number; png: Uint8Array }
  | { kind: 'other'; tag: string };

/** One decoded `Event`. */
export interface ReadEvent {
  wallTime: number;
  step: number;
  /** `brain.Event:2` in a file's first event. */
  fileVersion?: string;
  values: SummaryValue[];
}

/** What {@link readEventRecords} read. */
export interface ReadEventsResult {
  events: ReadEvent[];
  /** Bytes of whole records read: a reader following a growing file starts again from here. */
  consumed: number;
  /** Whether the bytes end inside a record (one being written, or cut by a kill). */
  truncated: boolean;
}

/**
 * Reads the TFRecord framing (little-endian u64 length, masked CRC-32C of the length, data, masked CRC-32C of
 * the data) and decodes each record as TensorBoard's `Event` protocol buffer (event.proto, summary.proto,
 * tensor.proto): scalars (`simple_value`, or a scalar float tensor), histograms (`histo`), text (a string
 * tensor of the `text` plugin) and images. A record that ends past the bytes stops the reading
 * (`truncated`).
 *
 * @throws Error naming the offset when a CRC does not match (a damaged file).
 */
export function readEventRecords(bytes: Uint8Array): ReadEventsResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: ReadEvent[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) return { events, consumed: offset, truncated: true };
    const length = Number(view.getBigUint64(offset, true));
    if (maskedCrc32c(bytes.subarray(offset, offset + 8)) !== view.getUint32(offset + 8, true))
      throw new Error(`event file: the length CRC at byte ${offset} does not match (a damaged file).`);
    const end = offset + 12 + length + 4;
    if (end > bytes.length) return { events, consumed: offset, truncated: true };
    const data = bytes.subarray(offset + 12, offset + 12 + length);
    if (maskedCrc32c(data) !== view.getUint32(offset + 12 + length, true))
      throw new Error(
        `event file: the data CRC of the record at byte ${offset} does not match (a damaged file).`,
      );
    events.push(decodeEvent(data));
    offset = end;
  }
  return { events, consumed: offset, truncated: false };
}

/** A protocol buffer field: its number, wire type, and value (a number, a bigint, or bytes). */
interface Field {
  no: number;
  wire: number;
  varint?: bigint;
  bytes?: Uint8Array;
  fixed64?: DataView;
  fixed32?: DataView;
}

function* fields(buf: Uint8Array): Generator<Field> {
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('event file: a varint runs past the end of its message.');
      const b = buf[i++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) yield { no, wire, varint: varint() };
    else if (wire === 1) {
      yield { no, wire, fixed64: new DataView(buf.buffer, buf.byteOffset + i, 8) };
      i += 8;
    } else if (wire === 2) {
      const n = Number(varint());
      yield { no, wire, bytes: buf.subarray(i, i + n) };
      i += n;
    } else if (wire === 5) {
      yield { no, wire, fixed32: new DataView(buf.buffer, buf.byteOffset + i, 4) };
      i += 4;
    } else throw new Error(`event file: unsupported protocol buffer wire type ${wire}.`);
  }
}

const text = new TextDecoder();
const double = (f: Field) => f.fixed64?.getFloat64(0, true) ?? 0;

/** A packed (or repeated) double field. */
function doubles(f: Field, into: number[]): void {
  if (f.fixed64) into.push(double(f));
  else if (f.bytes) {
    const v = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
    for (let k = 0; k + 8 <= f.bytes.length; k += 8) into.push(v.getFloat64(k, true));
  }
}

function decodeEvent(buf: Uint8Array): ReadEvent {
  const event: ReadEvent = { wallTime: 0, step: 0, values: [] };
  for (const f of fields(buf)) {
    if (f.no === 1) event.wallTime = double(f);
    else if (f.no === 2) event.step = Number(BigInt.asIntN(64, f.varint ?? 0n));
    else if (f.no === 3 && f.bytes) event.fileVersion = text.decode(f.bytes);
    else if (f.no === 5 && f.bytes)
      for (const v of fields(f.bytes)) if (v.no === 1 && v.bytes) event.values.push(decodeValue(v.bytes));
  }
  return event;
}

function decodeValue(buf: Uint8Array): SummaryValue {
  let tag = '';
  let simple: number | undefined;
  let histo: Uint8Array | undefined;
  let image: Uint8Array | undefined;
  let tensor: Uint8Array | undefined;
  let plugin = '';
  for (const f of fields(buf)) {
    if (f.no === 1 && f.bytes) tag = text.decode(f.bytes);
    else if (f.no === 2 && f.fixed32) simple = f.fixed32.getFloat32(0, true);
    else if (f.no === 5) histo = f.bytes;
    else if (f.no === 4) image = f.bytes;
    else if (f.no === 8) tensor = f.bytes;
    else if (f.no === 9 && f.bytes) plugin = pluginName(f.bytes);
  }
  if (simple !== undefined) return { kind: 'scalar', tag, value: simple };
  if (histo) {
    const h = {
      kind: 'histogram' as const,
      tag,
      min: 0,
      max: 0,
      num: 0,
      limits: [] as number[],
      counts: [] as number[],
    };
    for (const f of fields(histo)) {
      if (f.no === 1) h.min = double(f);
      else if (f.no === 2) h.max = double(f);
      else if (f.no === 3) h.num = double(f);
      else if (f.no === 6) doubles(f, h.limits);
      else if (f.no === 7) doubles(f, h.counts);
    }
    return h;
  }
  if (image) {
    const img = { kind: 'image' as const, tag, width: 0, height: 0, png: new Uint8Array() };
    for (const f of fields(image)) {
      if (f.no === 1) img.height = Number(f.varint ?? 0n);
      else if (f.no === 2) img.width = Number(f.varint ?? 0n);
      else if (f.no === 4 && f.bytes) img.png = f.bytes.slice();
    }
    return img;
  }
  if (tensor) {
    const strings: string[] = [];
    const floats: number[] = [];
    for (const f of fields(tensor)) {
      if (f.no === 8 && f.bytes) strings.push(text.decode(f.bytes));
      else if (f.no === 5) {
        if (f.fixed32) floats.push(f.fixed32.getFloat32(0, true));
        else if (f.bytes) {
          const v = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
          for (let k = 0; k + 4 <= f.bytes.length; k += 4) floats.push(v.getFloat32(k, true));
        }
      }
    }
    if (strings.length > 0)
      return plugin === '' || plugin === 'text'
        ? { kind: 'text', tag, text: strings.join('\n') }
        : { kind: 'plugin', tag, plugin, text: strings.join('\n') };
    if (floats.length === 1) return { kind: 'scalar', tag, value: floats[0] };
  }
  return { kind: 'other', tag };
}

/** `SummaryMetadata.plugin_data.plugin_name` ('' when absent). */
function pluginName(metadata: Uint8Array): string {
  for (const f of fields(metadata))
    if (f.no === 1 && f.bytes)
      for (const d of fields(f.bytes)) if (d.no === 1 && d.bytes) return text.decode(d.bytes);
  return '';
}
