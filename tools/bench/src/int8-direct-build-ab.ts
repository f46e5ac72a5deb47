/**
 * `pnpm --filter @tensorfold/bench int8-direct-build-ab [REV] [threads]`: the direct int8
 * convolution (fragments/int8-direct.wat, the FMA builds) of this checkout against the same at git
 * revision REV (default `3f9fc96`), both compiled here with wabt as compile-simd-kernels.mjs does and
 * run side by side on one memory, on a batch of 32 non-negative images (levels in [0, 127]) and
 * random int8 weights through three layers: LeNet-5's two convolutions (28x28x1 -> 5x5 'same' -> 6,
 * 14x14x6 -> 5x5 'valid' -> 16, each relu then a 2 x 2 max pool) and a VGG-style one (16x16x32 ->
 * 3x3 'same' -> 32, relu, no pool). threads 1 (default): int8-direct.wat's chunk over all images on
 * this thread; 2: threaded-int8-direct.wat on a shared memory, half the images a chunk, one chunk
 * here and one on a worker. Rounds (`INT8_AB_ROUNDS`, default 41, after a warm-up) run each build
 * once, each round starting with the other; a build's time is the least of 5 calls (of the three
 * layers). Prints each build's median (quartiles), the rounds' paired ratios REV / this, and
 * whether the builds' outputs have the same bits.
 */
import { Worker } from 'node:worker_threads';
import { type Int8ConvGeometry, windowTable } from '@tensorfold/backend/testing';
import { awaitWorker, leastOfFiveRounds, startWorker, stopWorker } from './build-rounds.js';
import { uint32s } from './seeded-random.js';
import { fmaBuildAt, fmt, quartiles } from './wat-builds.js';

const BATCH = 32;

/** [geometry, pool]: the layers timed. */
const LAYERS: [Int8ConvGeometry, boolean][] = [
  [geometry(28, 1, 5, 2, 6), true],
  [geometry(14, 6, 5, 0, 16), true],
  [geometry(16, 32, 3, 1, 32), false],
];

/** A square layer, stride 1: `size` x `size` x `inC` in, `f` x `f` windows, `pad` each side, `outC` out. */
function geometry(size: number, inC: number, f: number, pad: number, outC: number): Int8ConvGeometry {
  const out = size + 2 * pad - f + 1;
  return {
    batch: BATCH,
    inH: size,
    inW: size,
    inC,
    outH: out,
    outW: out,
    outC,
    fH: f,
    fW: f,
    sH: 1,
    sW: 1,
    padTop: pad,
    padLeft: pad,
  };
}

/** A layer's chunk arguments' offset and its output's place in the memory. */
interface Placed {
  params: number;
  out: number;
  outBytes: number;
}

/** Lays out and fills every layer's operands from `at` (16-byte aligned) for `chunks` chunks of images. */
function fill(memory: WebAssembly.Memory, at: number, chunks: number): Placed[] {
  const next = uint32s(18);
  let p = at;
  const take = (bytes: number) => {
    const o = p;
    p += (bytes + 15) & ~15;
    return o;
  };
  return LAYERS.map(([g, pool]) => {
    const pH = Math.max(g.padTop + g.inH, (g.outH - 1) * g.sH + g.fH);
    const pW = Math.max(g.padLeft + g.inW, (g.outW - 1) * g.sW + g.fW);
    const qBytes = Math.ceil((pH * pW * g.inC) / 16) * 16;
    const qStride = Math.ceil((qBytes + 16) / 64) * 64;
    const rowUnits = Math.ceil((g.fW * g.inC) / 4);
    const nPad = Math.ceil(g.outC / 8) * 8;
    const table = windowTable(g, pW, pool);
    const outBytes = BATCH * (pool ? (g.outH >> 1) * (g.outW >> 1) : g.outH * g.outW) * g.outC * 4;
    const xFloats = BATCH * g.inH * g.inW * g.inC;
    const wBytes = (nPad / 8) * g.fH * rowUnits * 32;
    const o = {
      x: take(xFloats * 4),
      q: take(qStride * chunks),
      w: take(wBytes),
      out: take(outBytes),
      scales: take(nPad * 4),
      bias: take(nPad * 4),
      flags: take(chunks * 4),
      table: take(table.length * 4),
      params: take(28 * 4),
    };
    const f32 = new Float32Array(memory.buffer);
    // MNIST-like: 60% zeros, the rest in [0, 1)
    for (let i = 0; i < xFloats; i++) f32[o.x / 4 + i] = next() % 10 < 6 ? 0 : (next() % 1000) / 1000;
    const u8 = new Uint8Array(memory.buffer);
    // the weights' zero padding (window rows past fW * inC levels) as packDirectBytes leaves it does not
    // change the sums' cost: random bytes throughout
    for (let i = 0; i < wBytes; i++) u8[o.w + i] = next() & 0xff;
    for (let j = 0; j < nPad; j++) {
      f32[o.scales / 4 + j] = 0.001 + (next() % 100) / 1e5;
      f32[o.bias / 4 + j] = ((next() % 200) - 100) / 100;
    }
    new Int32Array(memory.buffer, o.table, table.length).set(table);
    new Int32Array(memory.buffer, o.params, 28).set([
      o.x,
      o.q,
      qStride,
      o.w,
      o.out,
      o.scales,
      o.bias,
      1,
      g.inH,
      g.inW,
      g.inC,
      g.outH,
      g.outW,
      g.fH,
      g.sH,
      g.sW,
      g.padTop,
      g.padLeft,
      g.outC,
      nPad,
      BATCH / chunks,
      BATCH,
      o.flags,
      pW,
      rowUnits,
      qBytes,
      pool ? 1 : 0,
      o.table,
    ]);
    return { params: o.params, out: o.out, outBytes };
  });
}

// the worker of `threads` 2: runs chunk 1 of each layer with build `which` when this thread bumps
// the control word, then adds 1 to the done word
const WORKER = `
const { workerData } = require('node:worker_threads');
const { memory, builds, control, params } = workerData;
const ctl = new Int32Array(control);
const chunks = builds.map((b) => new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory } }).exports.int8DirectConvChunk);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  for (const p of params) chunks[ctl[2]](1, p);
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const threads = args.includes('2') ? 2 : 1;
  const rev = args.find((a) => a !== '1' && a !== '2') ?? '3f9fc96';
  const rounds = Number(process.env.INT8_AB_ROUNDS ?? 41);
  const file = threads === 2 ? 'threaded-int8-direct.wat' : 'int8-direct.wat';
  const builds = [await fmaBuildAt(rev, file), await fmaBuildAt(null, file)];
  const memory =
    threads === 2
      ? new WebAssembly.Memory({ initial: 128, maximum: 16384, shared: true })
      : new WebAssembly.Memory({ initial: 128 });
  const placed = fill(memory, 1 << 16, threads);
  type Chunk = (c: number, p: number) => void;
  const chunkFns = builds.map(
    (b) =>
      (
        new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory } }).exports as {
          int8DirectConvChunk: Chunk;
        }
      ).int8DirectConvChunk,
  );
  const control = new SharedArrayBuffer(16);
  const ctl = new Int32Array(control);
  const params = placed.map((l) => l.params);
  const worker =
    threads === 2
      ? new Worker(WORKER, { eval: true, workerData: { memory, builds, control, params } })
      : null;
  const run = (which: number) => {
    if (worker) startWorker(ctl, which);
    for (const p of params) chunkFns[which](0, p);
    if (worker) awaitWorker(ctl);
  };
  const outputs = () => placed.map((l) => new Uint8Array(memory.buffer.slice(l.out, l.out + l.outBytes)));
  const { times, cpu, first } = leastOfFiveRounds(
    2,
    rounds,
    run,
    () => {
      for (const l of placed) new Uint8Array(memory.buffer, l.out, l.outBytes).fill(0);
    },
    outputs,
  );
  const same = first[0].every((o, i) => Buffer.from(o).equals(Buffer.from(first[1][i])));
  const written = first[1].every((o) => o.some((b) => b !== 0));
  console.log(
    `${file}, ${threads} thread(s): the builds' outputs ${same ? 'have the same bits' : 'DIFFER'}${written ? '' : ' (some layer wrote nothing)'}`,
  );
  for (const [v, label] of [rev, 'this'].entries())
    console.log(
      `${label}: least of 5 ${fmt(quartiles(times[v]))} ms, CPU a call ${fmt(quartiles(cpu[v]))} ms`,
    );
  const ratios = times[0].map((t, i) => t / times[1][i]);
  const cpuRatios = cpu[0].map((t, i) => t / cpu[1][i]);
  console.log(
    `${rev} / this, paired by round: wall ${fmt(quartiles(ratios))}x, CPU ${fmt(quartiles(cpuRatios))}x`,
  );
  if (worker) await stopWorker(ctl, worker);
}

main();
