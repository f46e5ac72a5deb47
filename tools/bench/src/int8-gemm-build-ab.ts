/**
 * `pnpm --filter @tensorfold/bench int8-gemm-build-ab [REV] [threads]`: the int8 dense products' byte
 * path (the FMA builds) of int8.wat's `gemm` (one thread, tfjs-backend-wasm's heap) and
 * threaded-int8.wat's `int8GemmChunk` (the pool's layer-by-layer job, unlisted: skip 0), this
 * checkout's .wat against the same files at git revision REV (default `3f9fc96`), both compiled here
 * with wabt as compile-simd-kernels.mjs does, instantiated side by side on one memory: the MLP's
 * (784-512-256) two products on a batch of 32 rows of byte levels in [0, 63] (60% zeros, seeded),
 * random int8 weights in packQuads' layout. `threads` (1 or 2, default 1): with 2, a worker runs
 * the threaded module's odd tiles while this thread runs the even ones (int8.wat's `gemm` stays on
 * one thread). Rounds (`INT8_AB_ROUNDS`, default 41, after one warm-up) run each variant once,
 * each round starting one later; a variant's time is the least of 5 calls (of both products).
 * Prints each build's median (quartiles) and the rounds' paired ratios REV / this, and whether the
 * builds' outputs have the same bits (and this build's two modules', on the same operands).
 */
import { Worker } from 'node:worker_threads';
import { awaitWorker, leastOfFiveRounds, startWorker, stopWorker } from './build-rounds.js';
import { uint32s } from './seeded-random.js';
import { fmaBuildAt, fmt, quartiles } from './wat-builds.js';

const M = 32;
/** The MLP's products: [units of 4 levels (k / 4), n]. */
const LAYERS: [number, number][] = [
  [196, 512],
  [128, 256],
];

/** Byte offsets of one product's operands in the memory. */
interface Layout {
  a: number;
  w: number;
  out: number;
  rowScales: number;
  colScales: number;
  bias: number;
  params: number;
  units: number;
  n: number;
}

/** Lays out and fills both products' operands from `at` on (16-byte aligned); returns them and the end. */
function fill(memory: WebAssembly.Memory, at: number): [Layout[], number] {
  const next = uint32s(18);
  const layouts: Layout[] = [];
  let p = at;
  const take = (bytes: number) => {
    const o = p;
    p += (bytes + 15) & ~15;
    return o;
  };
  for (const [units, n] of LAYERS) {
    const l: Layout = {
      a: take(M * units * 4),
      w: take(units * n * 4),
      out: take(M * n * 4),
      rowScales: take(M * 4),
      colScales: take(n * 4),
      bias: take(n * 4),
      params: take(14 * 4),
      units,
      n,
    };
    const u8 = new Uint8Array(memory.buffer);
    for (let i = 0; i < M * units * 4; i++) u8[l.a + i] = next() % 10 < 6 ? 0 : next() % 64;
    for (let i = 0; i < units * n * 4; i++) u8[l.w + i] = next() & 0xff;
    const f32 = new Float32Array(memory.buffer);
    for (let i = 0; i < M; i++) f32[l.rowScales / 4 + i] = 0.01 + (next() % 100) / 1e4;
    for (let j = 0; j < n; j++) {
      f32[l.colScales / 4 + j] = 0.001 + (next() % 100) / 1e5;
      f32[l.bias / 4 + j] = ((next() % 200) - 100) / 100;
    }
    // int8GemmChunk's arguments: one tile a block of 64 columns, all rows
    new Int32Array(memory.buffer, l.params, 14).set([
      l.a,
      l.rowScales,
      l.w,
      l.out,
      M,
      units,
      n,
      n,
      l.colScales,
      l.bias,
      1,
      1,
      M,
      64,
    ]);
    layouts.push(l);
  }
  return [layouts, p];
}

// the worker of `threads` 2: runs int8GemmChunk's odd tiles of build `which` when the main thread
// bumps the control word, then adds 1 to the done word
const WORKER = `
const { workerData } = require('node:worker_threads');
const { memory, builds, control } = workerData;
const ctl = new Int32Array(control);
const chunks = builds.map((b) => new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory } }).exports.int8GemmChunk);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  const which = ctl[2];
  for (const [params, tiles] of [[ctl[3], ctl[4]], [ctl[5], ctl[6]]])
    for (let c = 1; c < tiles; c += 2) chunks[which](c, params);
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const threads = args.includes('2') ? 2 : 1;
  const rev = args.find((a) => a !== '1' && a !== '2') ?? '3f9fc96';
  const rounds = Number(process.env.INT8_AB_ROUNDS ?? 41);
  const one = [await fmaBuildAt(rev, 'int8.wat'), await fmaBuildAt(null, 'int8.wat')];
  const pooled = [await fmaBuildAt(rev, 'threaded-int8.wat'), await fmaBuildAt(null, 'threaded-int8.wat')];

  const heap = new WebAssembly.Memory({ initial: 64 });
  const shared = new WebAssembly.Memory({ initial: 64, maximum: 16384, shared: true });
  const [heapLayouts] = fill(heap, 1 << 16);
  const [sharedLayouts] = fill(shared, 1 << 16);
  type Gemm = (...a: number[]) => void;
  const gemms = one.map(
    (b) =>
      (
        new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory: heap } }).exports as {
          gemm: Gemm;
        }
      ).gemm,
  );
  const chunkFns = pooled.map(
    (b) =>
      (
        new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory: shared } }).exports as {
          int8GemmChunk: Gemm;
        }
      ).int8GemmChunk,
  );
  const control = new SharedArrayBuffer(32);
  const ctl = new Int32Array(control);
  const worker =
    threads === 2
      ? new Worker(WORKER, { eval: true, workerData: { memory: shared, builds: pooled, control } })
      : null;
  const tiles = sharedLayouts.map((l) => Math.ceil(l.n / 64));
  ctl.set([0, 0, 0, sharedLayouts[0].params, tiles[0], sharedLayouts[1].params, tiles[1]]);

  const runOne = (which: number) => {
    for (const l of heapLayouts)
      gemms[which](l.a, l.w, l.out, M, l.units, l.n, l.n, l.rowScales, 4, l.colScales, l.bias, 1, 1);
  };
  const runPooled = (which: number) => {
    if (worker) startWorker(ctl, which);
    for (let k = 0; k < 2; k++)
      for (let c = 0; c < tiles[k]; c += worker ? 2 : 1) chunkFns[which](c, sharedLayouts[k].params);
    if (worker) awaitWorker(ctl);
  };
  const outputs = (memory: WebAssembly.Memory, layouts: Layout[]) =>
    layouts.map((l) => new Uint8Array(memory.buffer.slice(l.out, l.out + M * l.n * 4)));
  const same = (x: Uint8Array[], y: Uint8Array[]) =>
    x.every((v, i) => Buffer.from(v).equals(Buffer.from(y[i])));

  const variants: [string, () => void, () => Uint8Array[]][] = [
    [`int8.wat gemm, ${rev}`, () => runOne(0), () => outputs(heap, heapLayouts)],
    ['int8.wat gemm, this', () => runOne(1), () => outputs(heap, heapLayouts)],
    [
      `threaded-int8.wat int8GemmChunk (${threads} thread(s)), ${rev}`,
      () => runPooled(0),
      () => outputs(shared, sharedLayouts),
    ],
    [
      `threaded-int8.wat int8GemmChunk (${threads} thread(s)), this`,
      () => runPooled(1),
      () => outputs(shared, sharedLayouts),
    ],
  ];
  const { times, cpu, first } = leastOfFiveRounds(
    variants.length,
    rounds,
    (v) => variants[v][1](),
    () => {
      for (const [memory, layouts] of [
        [heap, heapLayouts],
        [shared, sharedLayouts],
      ] as const)
        for (const l of layouts) new Uint8Array(memory.buffer, l.out, M * l.n * 4).fill(0);
    },
    (v) => variants[v][2](),
  );
  console.log(`int8.wat builds' outputs: ${same(first[0], first[1]) ? 'the same bits' : 'DIFFERENT'}`);
  console.log(
    `threaded-int8.wat builds' outputs: ${same(first[2], first[3]) ? 'the same bits' : 'DIFFERENT'}`,
  );
  // the same operands (one seed) and the same gemm text: every tile written, whichever thread ran it
  console.log(
    `int8.wat's and threaded-int8.wat's outputs (this build): ${same(first[1], first[3]) ? 'the same bits' : 'DIFFERENT'}`,
  );
  for (const [v, [k]] of variants.entries())
    console.log(`${k}: least of 5 ${fmt(quartiles(times[v]))} ms, CPU a call ${fmt(quartiles(cpu[v]))} ms`);
  for (const [label, a, b] of [
    ['int8.wat gemm', 0, 1],
    ['threaded-int8.wat int8GemmChunk', 2, 3],
  ] as const) {
    const ratios = times[a].map((t, i) => t / times[b][i]);
    const cpuRatios = cpu[a].map((t, i) => t / cpu[b][i]);
    console.log(
      `${label}: ${rev} / this, paired by round: wall ${fmt(quartiles(ratios))}x, CPU ${fmt(quartiles(cpuRatios))}x`,
    );
  }
  if (worker) await stopWorker(ctl, worker);
}

main();
