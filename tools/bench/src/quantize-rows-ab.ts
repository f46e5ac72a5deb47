/**
 * `pnpm --filter @tensorfold/bench quantize-rows-ab [rounds]`: the per-row quantization inside the int8
 * dense stack's job (`$quantizeRows` of packages/backend/src/wasm/simd/threaded-int8-chain.wat), alone,
 * as the MLP 784-512-256-10's `predict` pass runs it (issue 18's fair row: the first 1000 MNIST test
 * digits, then the float32 model's two hidden ReLU activations on them, 32 rows a call), against a
 * variant of the same function built here from its text, not shipped: the running maximum by
 * `f32x4.relaxed_max` (one `maxps`; `f32x4.max` keeps WebAssembly's NaN and signed-zero rules, several
 * instructions on x64), the "some x < 0 or NaN" flag as an or of `not (x >= 0)` masks (where the
 * source keeps a running `f32x4.min`), and the levels truncated by `i32x4.relaxed_trunc_f32x4_s`.
 *
 * Checks that both write the same bytes (levels, byte levels, scales) and flags on these rows, then
 * times whole passes of each (rounds alternating, default 301) and prints the medians: what the
 * quantization costs in an int8 pass, and what the variant would give back. Needs relaxed SIMD (the
 * script's node flag). The variant is a measurement only: it differs from the source on NaN and
 * infinite inputs (the relaxed instructions' results there are the platform's), which the kernel's
 * owners would have to route to the fallback first.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { sequential, setSeed, tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { dense } from '@tensorfold/layers';
import { medianAndQuartiles, medianOf } from './steadiness.js';

const require = createRequire(import.meta.url);
const backendDir = dirname(require.resolve('@tensorfold/backend/package.json'));

/** Replaces `from` by `to` in `text`, every occurrence; throws when there is none (the source moved on). */
function swap(text: string, from: string, to: string): string {
  if (!text.includes(from))
    throw new Error(`quantize-rows-ab: "${from}" not in $quantizeRows; update the bench.`);
  return text.replaceAll(from, to);
}

/** The module: the source's `$quantizeRows` exported as `q`, the variant as `qr`. */
async function buildModule(): Promise<Uint8Array> {
  const wabt = await (createRequire(join(backendDir, 'package.json'))('wabt') as () => Promise<WabtModule>)();
  const source = readFileSync(join(backendDir, 'src/wasm/simd/threaded-int8-chain.wat'), 'utf8');
  const start = source.indexOf('(func $quantizeRows');
  const end = source.indexOf('(func $finish');
  if (start < 0 || end < start)
    throw new Error('quantize-rows-ab: $quantizeRows not found in the chain module.');
  // the function's text, up to the comment before the next function
  const original = source.slice(start, source.lastIndexOf(';; Writes', end));
  const zero = '(v128.const i32x4 0 0 0 0)';
  let variant = swap(original, '(func $quantizeRows', '(func $quantizeRowsRelaxed');
  variant = swap(
    variant,
    '(f32x4.max (local.get $m) (f32x4.abs (local.get $v)))',
    '(f32x4.relaxed_max (local.get $m) (f32x4.abs (local.get $v)))',
  );
  variant = swap(
    variant,
    '(local.set $low (f32x4.min (local.get $low) (local.get $v)))',
    `(local.set $low (v128.or (local.get $low) (v128.not (f32x4.ge (local.get $v) ${zero}))))`,
  );
  variant = swap(
    variant,
    '(local.set $low (f32x4.min (local.get $low) (f32x4.splat (f32.load (local.get $p)))))',
    `(local.set $low (v128.or (local.get $low) (v128.not (f32x4.ge (f32x4.splat (f32.load (local.get $p))) ${zero}))))`,
  );
  variant = swap(
    variant,
    `(v128.any_true (v128.not (f32x4.ge (local.get $low) ${zero})))`,
    '(v128.any_true (local.get $low))',
  );
  variant = swap(variant, 'i32x4.trunc_sat_f32x4_s', 'i32x4.relaxed_trunc_f32x4_s');
  const params = Array.from({ length: 8 }, (_, i) => `(local.get ${i})`).join(' ');
  const exported = (name: string, fn: string) =>
    `(func (export "${name}") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32) (call ${fn} ${params}))`;
  const text = `(module (import "env" "memory" (memory 1 16384 shared))
${original}
${variant}
${exported('q', '$quantizeRows')}
${exported('qr', '$quantizeRowsRelaxed')})`;
  const parsed = wabt.parseWat('quantize-rows-ab.wat', text, {
    simd: true,
    relaxed_simd: true,
    threads: true,
  });
  return parsed.toBinary({}).buffer;
}

interface WabtModule {
  parseWat(
    name: string,
    text: string,
    features: Record<string, boolean>,
  ): { toBinary(o: object): { buffer: Uint8Array } };
}

type Quantize = (...args: number[]) => number;

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 301);
  await initBackend({ require: 'wasm' });
  // The rows each layer of the int8 stack quantizes: the digits, then the hidden ReLU activations.
  setSeed(1);
  const float = sequential({
    layers: [
      dense({ units: 512, activation: 'relu', inputShape: [784] }),
      dense({ units: 256, activation: 'relu' }),
    ],
  });
  const test = await loadMnist({ split: 'test', limit: 1000 });
  const x = tf.reshape(test.xs, [1000, 784]); // [1000, 784]
  test.dispose();
  const h1 = float.layers[0].apply(x) as tf.Tensor; // [1000, 512]
  const h2 = float.layers[1].apply(h1) as tf.Tensor; // [1000, 256]
  const inputs = [x, h1, h2].map((t) => ({ k: t.shape[1] as number, values: t.dataSync() as Float32Array }));
  tf.dispose([x, h1, h2]);
  float.dispose();

  const memory = new WebAssembly.Memory({ initial: 2000, maximum: 16384, shared: true });
  // wabt's bytes, as a plain ArrayBuffer (BufferSource)
  const compiled = await WebAssembly.compile((await buildModule()).slice().buffer as ArrayBuffer);
  const instance = await WebAssembly.instantiate(compiled, { env: { memory } });
  const q = instance.exports.q as Quantize;
  const qr = instance.exports.qr as Quantize;
  // each layer's rooms: x [1000, k] floats, levels [1000, k] int16, byte levels [1000, k], scales [1000]
  let offset = 1 << 16;
  const base = offset;
  const rooms = inputs.map(({ k, values }) => {
    const room = { k, x: offset, out: offset + 4000 * k, out8: offset + 6000 * k, scales: offset + 7000 * k };
    offset = room.scales + 4000;
    new Float32Array(memory.buffer, room.x, 1000 * k).set(values);
    return room;
  });
  /** One pass: every layer's 1000 rows, 32 a call (predict's batches); the flags it returned. */
  const pass = (fn: Quantize): number[] => {
    const flags: number[] = [];
    for (const r of rooms)
      for (let row = 0; row < 1000; row += 32)
        flags.push(
          fn(
            r.x + row * r.k * 4,
            Math.min(32, 1000 - row),
            r.k,
            r.out + row * r.k * 2,
            r.k,
            r.scales + row * 4,
            r.out8 + row * r.k,
            r.k,
          ),
        );
    return flags;
  };
  const written = () => new Uint8Array(memory.buffer.slice(base, offset));
  const flagsBefore = pass(q);
  const bytesBefore = written();
  const flagsVariant = pass(qr);
  const bytesVariant = written();
  let differing = 0;
  for (let i = 0; i < bytesBefore.length; i++) if (bytesBefore[i] !== bytesVariant[i]) differing++;
  const flagsDiffer = flagsBefore.some((f, i) => f !== flagsVariant[i]);
  console.log(
    `same output: ${differing === 0 && !flagsDiffer} (${differing} of ${bytesBefore.length} bytes differ, flags ${flagsDiffer ? 'differ' : 'equal'})`,
  );
  // Signed rows (not timed): the flag that sends a chunk to the fallback, and the int16 levels.
  const signed = rooms[1];
  const normal = new Float32Array(memory.buffer, signed.x, 32 * signed.k);
  for (let i = 0; i < normal.length; i++) normal[i] = Math.sin(i * 0.37) * (1 + (i % 7));
  const signedSide = (fn: Quantize) => {
    const flag = fn(signed.x, 32, signed.k, signed.out, signed.k, signed.scales, 0, 0);
    return [flag, ...new Int16Array(memory.buffer.slice(signed.out, signed.out + 64 * signed.k))];
  };
  const signedBefore = signedSide(q);
  const signedVariant = signedSide(qr);
  normal.set(inputs[1].values.subarray(0, normal.length)); // the timed passes see the real rows
  console.log(
    `signed rows: flags ${signedBefore[0]} and ${signedVariant[0]}, int16 levels ${signedBefore.every((v, i) => v === signedVariant[i]) ? 'equal' : 'differ'}`,
  );
  const times: Record<'source' | 'variant', number[]> = { source: [], variant: [] };
  for (let r = 0; r < rounds + 1; r++)
    for (const side of r % 2 === 0 ? (['source', 'variant'] as const) : (['variant', 'source'] as const)) {
      const start = performance.now();
      pass(side === 'source' ? q : qr);
      if (r > 0) times[side].push(performance.now() - start);
    }
  console.log(
    `$quantizeRows, ms a pass (1000 rows of 784, 512 and 256, 32 a call), medians [quartiles] of ${rounds} rounds: source ${medianAndQuartiles(times.source, 3)}, relaxed variant ${medianAndQuartiles(times.variant, 3)}: ${(medianOf(times.source) / medianOf(times.variant)).toFixed(2)}x`,
  );
  process.exit(0);
}

main();
