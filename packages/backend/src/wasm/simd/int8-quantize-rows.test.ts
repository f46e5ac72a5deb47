import { describe, expect, it } from 'vitest';
import { random } from '../../fuzz/values.js';
import { quantizeSpan } from '../../int8/reference.js';
import * as int8Wasm from './generated/int8-wasm.js';
import * as threadedInt8Wasm from './generated/threaded-int8-wasm.js';

/**
 * quantizeRows (int8.wat, and the same text in threaded-int8.wat and threaded-int8-chain.wat) takes
 * each row's max on the floats' bits and rounds by adding 1.5 * 2^23 (no NaN-aware f32x4.max, no
 * trunc_sat): the levels, scales and the negative-input flag must be the reference's
 * (`quantizeSpan`) for every row, at both tops (63, the dense kernels'; 127, the convolutions'), the
 * awkward ones too: ties (x * top / max exactly half way), zeros and -0, rows of zeros, a max so small
 * that top / max overflows, infinities and NaN, lengths that
 * leave tails of 1-7 floats. The chain module's copy is compared through the kernel
 * (int8-dense-chain.test.ts, `edge rows`).
 */

type Quantize = (
  x: Float32Array,
  k: number,
  kPad: number,
  bytes: boolean,
  top: number,
) => { levels: Int16Array; bytes: Uint8Array; scales: Float32Array; negative: number; outUntouched: boolean };

/** A module's quantizeRows on `x` (rows of k floats): int16 levels kPad apart (none where kPad is 0), bytes kPad8 apart. */
function quantizer(base64: string, threaded: boolean): Quantize {
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 4, shared: threaded });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, 'base64')), {
    env: { memory },
  }).exports as Record<string, (...args: number[]) => number>;
  return (x, k, kPad, bytes, top) => {
    const rows = x.length / k;
    const kPad8 = Math.ceil(k / 16) * 16;
    const [X, OUT, OUT8, SCALES, FLAGS] = [65536, 4096, 131072, 64, 32];
    new Uint8Array(memory.buffer).fill(0xee); // stale bytes: everything read must have been written
    new Float32Array(memory.buffer).set(x, X / 4);
    let negative: number;
    const out8 = bytes ? OUT8 : 0;
    if (threaded) {
      exports.int8QuantizeChunk(0, X, rows, k, OUT, kPad, SCALES, rows, out8, kPad8, FLAGS, top);
      negative = new Int32Array(memory.buffer, FLAGS, 1)[0];
    } else negative = exports.quantizeRows(X, rows, k, OUT, kPad, SCALES, out8, kPad8, top);
    // with kPad 0 nothing may be written at out: the bytes a row of int16 levels would take stay stale
    const outBytes = new Uint8Array(memory.buffer, OUT, rows * Math.max(kPad, k) * 2);
    return {
      outUntouched: outBytes.every((b) => b === 0xee),
      levels: new Int16Array(memory.buffer.slice(OUT, OUT + rows * kPad * 2)),
      bytes: new Uint8Array(memory.buffer.slice(OUT8, OUT8 + rows * kPad8)),
      scales: new Float32Array(memory.buffer.slice(SCALES, SCALES + rows * 4)),
      negative,
    };
  };
}

const modules: Array<[string, Quantize]> = [
  ['int8.wat, SIMD build', quantizer(int8Wasm.SIMD_WASM_BASE64, false)],
  ['int8.wat, FMA build', quantizer(int8Wasm.FMA_WASM_BASE64, false)],
  ['threaded-int8.wat, SIMD build', quantizer(threadedInt8Wasm.SIMD_WASM_BASE64, true)],
  ['threaded-int8.wat, FMA build', quantizer(threadedInt8Wasm.FMA_WASM_BASE64, true)],
];

/** The reference's levels (zero-padded to kPad a row), scales, and whether some x < 0 or is NaN. */
function expected(x: Float32Array, k: number, kPad: number, top: number) {
  const rows = x.length / k;
  const levels = new Int32Array(rows * kPad);
  const scales = new Float32Array(rows);
  for (let i = 0; i < rows; i++) scales[i] = quantizeSpan(x, i * k, k, levels, i * kPad, top);
  const negative = x.some((v) => v < 0 || Number.isNaN(v)) ? 1 : 0;
  return { levels, scales, negative };
}

/** Each scale's bits as hex, 'NaN' for any NaN (whose payload neither side promises). */
function scaleBits(scales: Float32Array): string[] {
  const bits = new Uint32Array(scales.buffer, scales.byteOffset, scales.length);
  return Array.from(scales, (v, i) => (Number.isNaN(v) ? 'NaN' : bits[i].toString(16)));
}

/** Rows of k floats from `values` (cycled), each row scaled by its own factor. */
function rowsOf(k: number, rows: number, values: (i: number, t: number) => number): Float32Array {
  return Float32Array.from({ length: k * rows }, (_, e) => values(Math.floor(e / k), e % k));
}

const lengths = [1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 100];

const cases: Array<[string, (k: number) => Float32Array]> = [
  // pseudo-random signed values of different sizes per row
  ['signed values', (k) => rowsOf(k, 3, (i, t) => Math.sin(7.3 * t + 2.1 * i + 1) * 10 ** (i - 1))],
  // max 127: levels are the values rounded, ties to even (0.5 -> 0, 1.5 -> 2, -2.5 -> -2)
  [
    'ties',
    (k) => rowsOf(k, 2, (i, t) => (t === 0 ? 127 : ((t % 9) - 4.5) * (i === 0 ? 1 : 3) + 0.5 * (t % 2))),
  ],
  // a row of zeros (-0 among them), a row with a single nonzero value
  ['zeros and -0', (k) => rowsOf(k, 2, (i, t) => (i === 0 ? (t % 2 ? -0 : 0) : t === k - 1 ? 0.3 : -0))],
  // top / max overflows float32 (max under about top / 3.4e38): the reference stores the infinite levels as 0
  ['a tiny max', (k) => rowsOf(k, 2, (i, t) => (i === 0 ? (t % 3) * 1e-38 : t % 2 ? 1.4e-45 : 0))],
  // infinities and NaN: their rows' levels are 0 (top / max is 0 or NaN), other rows as usual
  [
    'infinities and NaN',
    (k) => rowsOf(k, 3, (i, t) => (t === Math.floor(k / 2) && i < 2 ? [Infinity, Number.NaN][i] : t / 7)),
  ],
  ['-infinity', (k) => rowsOf(k, 2, (i, t) => (i === 1 && t === k - 1 ? -Infinity : t + 0.25))],
];

// levels to 63 (the dense kernels', DENSE_LEVEL_TOP) and to 127 (the convolutions', CONV_LEVEL_TOP)
const modulesAndTops = modules.flatMap(([name, quantize]) =>
  [63, 127].map((top) => [`${name}, levels to ${top}`, quantize, top] as const),
);

describe.each(modulesAndTops)('quantizeRows (%s) against the reference', (_name, quantize, top) => {
  it.each(cases)('%s, k = 1 to 100: the same levels, scales and flag', (_case, make) => {
    for (const k of lengths) {
      const x = make(k);
      const kPad = Math.ceil(k / 2) * 2;
      const want = expected(x, k, kPad, top);
      const got = quantize(x, k, kPad, false, top);
      expect(Array.from(got.levels), `k = ${k}`).toEqual(Array.from(want.levels));
      // the scale's bits (any NaN for a row with NaN, Infinity for one with an infinity)
      expect(scaleBits(got.scales), `k = ${k}`).toEqual(scaleBits(want.scales));
      expect(got.negative, `k = ${k}`).toBe(want.negative);
    }
  });

  it('writes the byte levels of rows without negative values, zero from k on, and no int16 levels where kPad is 0', () => {
    for (const k of lengths) {
      const x = rowsOf(k, 3, (i, t) => Math.abs(Math.sin(3.1 * t + i)) * (i + 1) + (t === 0 ? 0.5 : 0));
      const kPad8 = Math.ceil(k / 16) * 16;
      const want = expected(x, k, kPad8, top);
      const got = quantize(x, k, 0, true, top);
      expect(Array.from(got.bytes), `k = ${k}`).toEqual(Array.from(want.levels));
      expect(Array.from(got.scales)).toEqual(Array.from(want.scales));
      expect(got.negative).toBe(0);
      expect(got.outUntouched, `k = ${k}`).toBe(true);
    }
  });

  it('rounds every tie in range to even, for both signs (max top: levels are the values rounded)', () => {
    // a row of 2 top + 2: top, then n + 0.5 for n in [-top, top - 1] (the ties; top + 0.5 cannot
    // occur: |x| <= max puts every level in [-top, top]), then -top (a level at each end)
    const k = 2 * top + 2;
    const x = new Float32Array(k);
    x[0] = top;
    for (let n = -top; n <= top - 1; n++) x[n + top + 1] = n + 0.5;
    x[k - 1] = -top;
    for (const kPad of [k, k + 2]) {
      const want = expected(x, k, kPad, top);
      const got = quantize(x, k, kPad, false, top);
      expect(Array.from(got.levels)).toEqual(Array.from(want.levels));
      // even, as the reference's roundHalfEven says (top 127: -126.5 -> -126, -125.5 -> -126), 0.5 -> 0, 1.5 -> 2
      const at = [1, 2, top + 1, top + 2].map((t) => got.levels[t]);
      expect(at).toEqual([1 - top, 1 - top, 0, 2]);
    }
  });

  it('matches the reference on 300 seeded rows of every magnitude (1e-30 to 1e30), k = 1 to 70', () => {
    const next = random(18);
    for (let r = 0; r < 300; r++) {
      const k = 1 + Math.floor(next() * 70);
      const magnitude = 10 ** (Math.floor(next() * 61) - 30);
      // some rows all non-negative (the byte levels' case), some signed; some values exact ties of max / 127
      const signed = next() < 0.5;
      const x = Float32Array.from({ length: k * 2 }, () => {
        const u = next();
        const v = u < 0.2 ? Math.round(next() * 254 - 127) + 0.5 : u < 0.3 ? 0 : next() * 2 - 1;
        return (signed ? v : Math.abs(v)) * magnitude;
      });
      const kPad = Math.ceil(k / 2) * 2;
      const want = expected(x, k, kPad, top);
      const got = quantize(x, k, kPad, !signed, top);
      expect(Array.from(got.levels), `row ${r}`).toEqual(Array.from(want.levels));
      expect(scaleBits(got.scales), `row ${r}`).toEqual(scaleBits(want.scales));
      expect(got.negative, `row ${r}`).toBe(want.negative);
      if (!signed) {
        const kPad8 = Math.ceil(k / 16) * 16;
        expect(Array.from(got.bytes), `row ${r}`).toEqual(Array.from(expected(x, k, kPad8, top).levels));
      }
    }
  });

  it("gives levels 0 from the max at which top / max overflows float32, and the reference's levels just above it", () => {
    // top / max rounds to Infinity below about top / 3.4e38 (3.73e-37 for 127): the max around that edge, 8 steps of one ulp
    // each way (the same rounding in both: float32 division, and the reference's double quotient
    // rounded once to float32)
    const edge = new Float32Array([top / 3.4028234663852886e38]);
    const edgeBits = new Uint32Array(edge.buffer)[0];
    const maxes = new Float32Array(
      new Uint32Array(Array.from({ length: 17 }, (_, i) => edgeBits - 8 + i)).buffer,
    );
    const k = 20;
    const x = rowsOf(k, maxes.length, (i, t) => (t === 3 ? maxes[i] : maxes[i] * Math.sin(t + i) * 0.9));
    const want = expected(x, k, k, top);
    const got = quantize(x, k, k, false, top);
    expect(Array.from(got.levels)).toEqual(Array.from(want.levels));
    expect(scaleBits(got.scales)).toEqual(scaleBits(want.scales));
    // both kinds of row are in the case: some all 0, some with level top at t = 3
    const at3 = Array.from({ length: maxes.length }, (_, i) => got.levels[i * k + 3]);
    expect(at3).toContain(0);
    expect(at3).toContain(top);
  });
});
