/**
 * A minimal protocol-buffers writer: just the wire types TensorBoard's Event and Summary messages use
 * (varint, 64-bit double, length-delimited, 32-bit float). Fields are written in the order they are
 * added; nested messages are written first and added as bytes.
 */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.length += bytes.length;
    return this;
  }

  private key(field: number, wireType: number): this {
    return this.push(varint(field * 8 + wireType));
  }

  /** A varint field (int32/int64/enum/bool). Negative values are not needed here and are refused. */
  uint(field: number, value: number): this {
    if (!(value >= 0) || !Number.isSafeInteger(value))
      throw new RangeError(`Field ${field}: ${value} is not a non-negative safe integer.`);
    return this.key(field, 0).push(varint(value));
  }

  /** A 64-bit double field. */
  double(field: number, value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return this.key(field, 1).push(bytes);
  }

  /** A 32-bit float field. */
  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.key(field, 5).push(bytes);
  }

  /** A length-delimited field: bytes, a nested message's bytes, or a string (UTF-8). */
  bytes(field: number, value: Uint8Array | string): this {
    const data = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    return this.key(field, 2).push(varint(data.length)).push(data);
  }

  /** A packed repeated double field. */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    const data = new Uint8Array(8 * values.length);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat64(8 * i, values[i], true);
    return this.bytes(field, data);
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}
