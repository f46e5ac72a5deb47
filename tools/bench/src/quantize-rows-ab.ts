/**
 * `pnpm --filter @tensorfold/bench quantize-rows-ab [rounds]`: the int8 stack's per-row quantization
 * (`$quantizeRows`, fragments/int8-quantize-rows.wat, which threaded-int8-chain.wat takes in by
 * `;; @include`), alone, as the MLP 784-512-256-10's `predict` pass runs it (issue 18's fair row: the
 * first 1000 MNIST test digits, then the float32 model's two hidden ReLU activations on them, 32 rows
 * a call, at the dense levels `DENSE_LEVEL_TOP`, 63), against a variant built here from its text, not
 * shipped.
 *
 * What it compares changed in wave 12. Until wave 11 the variant was a relaxed-SIMD rewrite of the
 * source (`f32x4.relaxed_max`, an or of masks for the sign flag, `i32x4.relaxed_trunc_f32x4_s`);
 * wip/int8-epilogue then rewrote the source itself without relaxed instructions (the max of |x| on
 * its bits, the flag as `f32x4.lt` or-ed, levels rounded by adding 1.5 * 2^23), so the old source side
 * is gone and a relaxed variant of today's function has nothing left to save. The variant now puts
 * the wave-10 instructions back into today's function (a running NaN-aware `f32x4.max` of |x|, a
 * running `f32x4.min` of x for the flag, levels by `f32x4.nearest` + `i32x4.trunc_sat_f32x4_s`): the
 * ratio is what that rewrite gives back, measured on the current function (its `top`, its layout).
 * The variant is a measurement only: on NaN inputs its max lane may differ (V8's NaN from `f32x4.max`).
 *
 * Checks that both write the same bytes (levels, byte levels, scales) and flags on these rows at 63
 * and at 127 (`CONV_LEVEL_TOP`) and on signed rows, then times whole passes of each at 63 (rounds
 * alternating with `runAlternating`, default 301) and prints the medians and quartiles of wall and
 * CPU time. Throws, naming this file, when an edit no longer matches the fragment's text (the source
 * moved on), rather than timing the same function twice.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CONV_LEVEL_TOP, DENSE_LEVEL_TOP, initBackend } from '@tensorfold/backend';
import { sequential, setSeed, tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { dense } from '@tensorfold/layers';
// the compile script's own expansion of `;; @include` lines (compile-simd-kernels.mjs uses it)
import { expandIncludes } from '../../../packages/backend/scripts/wat-includes.mjs';
import { runAlternating } from './alternating-rounds.js';
import { medianAndQuartiles, medianOf, type RoundTime } from './steadiness.js';

const require = createRequire(import.meta.url);
const backendDir = dirname(require.resolve('@tensorfold/backend/package.json'));
const CHAIN_WAT = 'src/wasm/simd/threaded-int8-chain.wat';

/**
 * The variant's edits to today's `$quantizeRows`, in order: [what, from, to]. Each `from` must occur
 * in the function's text (every occurrence is replaced).
 */
const VARIANT_EDITS: [string, string, string][] = [
  ['name', '(func $quantizeRows', '(func $quantizeRowsWave10'],
  [
    'max of |x| by f32x4.max (NaN-aware) instead of on the bits',
    '(i32x4.max_s (local.get $m) (v128.and (local.get $v) (local.get $abs)))',
    '(f32x4.max (local.get $m) (f32x4.abs (local.get $v)))',
  ],
  [
    'sign flag as a running f32x4.min of x',
    '(local.set $neg (v128.or (local.get $neg) (f32x4.lt (local.get $v) (local.get $zero))))',
    '(local.set $neg (f32x4.min (local.get $neg) (local.get $v)))',
  ],
  [
    'flag read as "some lane not >= 0" (a NaN max or-ed in makes its lane all ones, a NaN)',
    '(v128.any_true (local.get $neg)))',
    '(v128.any_true (v128.not (f32x4.ge (local.get $neg) (local.get $zero)))))',
  ],
  [
    'levels by nearest + trunc_sat (opening)',
    '(i32x4.sub (f32x4.add (f32x4.mul (local.get $invV)',
    '(i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $invV)',
  ],
  ['levels by nearest + trunc_sat (closing)', ' (local.get $magic)) (local.get $magic))', '))'],
];

/** Replaces `from` by `to` in `text`, every occurrence; throws, naming the fix, when there is none. */
function swap(text: string, what: string, from: string, to: string): string {
  if (!text.includes(from))
    throw new Error(
      `quantize-rows-ab: the variant's edit "${what}" no longer applies: "${from}" is not in $quantizeRows ` +
        '(packages/backend/src/wasm/simd/fragments/int8-quantize-rows.wat). Update VARIANT_EDITS in ' +
        'tools/bench/src/quantize-rows-ab.ts to the function as it is now.',
    );
  return text.replaceAll(from, to);
}

/** The text of `(func $name ...)` in `source`: from its opening to its matching parenthesis (comments skipped). */
function funcText(source: string, name: string): string {
  const start =
    source.indexOf(`(func ${name}\n`) >= 0
      ? source.indexOf(`(func ${name}\n`)
      : source.indexOf(`(func ${name} `);
  if (start < 0)
    throw new Error(
      `quantize-rows-ab: (func ${name} not found in ${CHAIN_WAT} after its includes; update the bench.`,
    );
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    if (source.startsWith(';;', i)) i = source.indexOf('\n', i);
    else if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) return source.slice(start, i + 1);
  }
  throw new Error(`quantize-rows-ab: (func ${name} has no closing parenthesis.`);
}

/** The module: today's `$quantizeRows` exported as `q`, the variant as `qw`. */
async function buildModule(): Promise<Uint8Array> {
  const wabt = await (createRequire(join(backendDir, 'package.json'))('wabt') as () => Promise<WabtModule>)();
  const path = join(backendDir, CHAIN_WAT);
  const original = funcText(expandIncludes(readFileSync(path, 'utf8'), path), '$quantizeRows');
  let variant = original;
  for (const [what, from, to] of VARIANT_EDITS) variant = swap(variant, what, from, to);
  const params = Array.from({ length: 9 }, (_, i) => `(local.get ${i})`).join(' ');
  const exported = (name: string, fn: string) =>
    `(func (export "${name}") (param i32 i32 i32 i32 i32 i32 i32 i32 f32) (result i32) (call ${fn} ${params}))`;
  const text = `(module (import "env" "memory" (memory 1 16384 shared))
${original}
${variant}
${exported('q', '$quantizeRows')}
${exported('qw', '$quantizeRowsWave10')})`;
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
  const qw = instance.exports.qw as Quantize;
  // each layer's rooms: x [1000, k] floats, levels [1000, k] int16, byte levels [1000, k], scales [1000]
  let offset = 1 << 16;
  const base = offset;
  const rooms = inputs.map(({ k, values }) => {
    const room = { k, x: offset, out: offset + 4000 * k, out8: offset + 6000 * k, scales: offset + 7000 * k };
    offset = room.scales + 4000;
    new Float32Array(memory.buffer, room.x, 1000 * k).set(values);
    return room;
  });
  /** One pass at `top` levels: every layer's 1000 rows, 32 a call (predict's batches); the flags it returned. */
  const pass = (fn: Quantize, top: number): number[] => {
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
            top,
          ),
        );
    return flags;
  };
  const written = () => new Uint8Array(memory.buffer.slice(base, offset));
  let same = true;
  for (const top of [DENSE_LEVEL_TOP, CONV_LEVEL_TOP]) {
    const flagsSource = pass(q, top);
    const bytesSource = written();
    const flagsVariant = pass(qw, top);
    const bytesVariant = written();
    let differing = 0;
    for (let i = 0; i < bytesSource.length; i++) if (bytesSource[i] !== bytesVariant[i]) differing++;
    const flagsDiffer = flagsSource.some((f, i) => f !== flagsVariant[i]);
    same &&= differing === 0 && !flagsDiffer;
    console.log(
      `top ${top}: same output: ${differing === 0 && !flagsDiffer} (${differing} of ${bytesSource.length} bytes differ, flags ${flagsDiffer ? 'differ' : 'equal'})`,
    );
  }
  // Signed rows (not timed): the flag that sends a chunk to the fallback, and the int16 levels.
  const signed = rooms[1];
  const normal = new Float32Array(memory.buffer, signed.x, 32 * signed.k);
  for (let i = 0; i < normal.length; i++) normal[i] = Math.sin(i * 0.37) * (1 + (i % 7));
  const signedSide = (fn: Quantize) => {
    const flag = fn(signed.x, 32, signed.k, signed.out, signed.k, signed.scales, 0, 0, DENSE_LEVEL_TOP);
    return [flag, ...new Int16Array(memory.buffer.slice(signed.out, signed.out + 64 * signed.k))];
  };
  const signedSource = signedSide(q);
  const signedVariant = signedSide(qw);
  const signedSame = signedSource.every((v, i) => v === signedVariant[i]);
  same &&= signedSame && signedSource[0] === 1;
  normal.set(inputs[1].values.subarray(0, normal.length)); // the timed passes see the real rows
  console.log(
    `signed rows: flags ${signedSource[0]} and ${signedVariant[0]}, int16 levels ${signedSame ? 'equal' : 'differ'}`,
  );
  if (!same)
    throw new Error(
      'quantize-rows-ab: the variant no longer computes what the source does; fix VARIANT_EDITS.',
    );
  /** A side: `steps` passes at the dense levels; wall and process CPU ms a pass. */
  const side = (fn: Quantize) => ({
    round: async (steps: number): Promise<RoundTime> => {
      // process.cpuUsage (µs): the main thread's /proc line ticks in 10 ms, longer than a pass
      const cpu = process.cpuUsage();
      const start = performance.now();
      for (let s = 0; s < steps; s++) pass(fn, DENSE_LEVEL_TOP);
      const used = process.cpuUsage(cpu);
      return { wall: (performance.now() - start) / steps, cpu: (used.user + used.system) / 1000 / steps };
    },
  });
  const result = await runAlternating([side(q), side(qw)], { rounds, steps: 1 });
  const [source, variant] = result.rounds;
  const of = (times: RoundTime[], key: keyof RoundTime) => times.map((t) => t[key]);
  console.log(
    `$quantizeRows at ${DENSE_LEVEL_TOP} levels, ms a pass (1000 rows of 784, 512 and 256, 32 a call), medians [quartiles] of ${rounds} rounds (load ${result.load.toFixed(1)} a core): ` +
      `wall: today's ${medianAndQuartiles(of(source, 'wall'), 3)}, wave-10 instructions ${medianAndQuartiles(of(variant, 'wall'), 3)}: ` +
      `${(medianOf(of(variant, 'wall')) / medianOf(of(source, 'wall'))).toFixed(2)}x; CPU: today's ${medianAndQuartiles(of(source, 'cpu'), 3)}, ` +
      `wave-10 ${medianAndQuartiles(of(variant, 'cpu'), 3)}`,
  );
  console.log(`tensors left: ${tf.memory().numTensors}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
