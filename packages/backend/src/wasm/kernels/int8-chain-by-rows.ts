/**
 * A stack of int8 dense layers (`TensorfoldInt8DenseChain`, int8-dense-chain.ts) in ONE pool job:
 * each layer's activations are quantized per row, so a chunk of rows needs no other chunk's rows on
 * its way through the stack; every thread claims chunks of rows and takes each through all the
 * layers (threaded-int8-chain.wat): quantize, multiply (bias and activation in the epilogue), and on
 * to the next layer while the rows' outputs are still in the cache. No quantization pass on the
 * calling thread alone, no job per layer (each wakes the workers), no wait between layers; every
 * layer's weights (and each layer's scales and bias) are kept in the pool's memory between batches.
 * Same code per element as the layers' jobs one after another, so the same bits.
 *
 * Each chunk reads every layer's weights once: with 4 rows or more a chunk, streamed from the L2
 * cache (the MLP's 784-512-256-10 weights are 530 KB as bytes), which costs less than the phases
 * it saves.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../kernel-scope.js';
import { simdKernelsFlavor } from '../simd/simd-kernels.js';
import { MAX_CHUNKS } from '../threads/pool.js';
import { threadedSizeRulesWaived } from '../threads/threaded-minimum.js';
import { threadPool } from '../threads/wasm-threads.js';
import { alignedBytes } from './aligned.js';
import { keepWeights, keptWeights, setPadded, threadedInt8Minimum } from './int8-by-threads.js';
import { type ChainLayout, forgetLayout, laidOut, layoutKey, rememberLayout } from './int8-chain-layout.js';
import { reserveSolo, soloChain } from './int8-chain-solo.js';
import type { ChainLayer } from './int8-dense-chain.js';
import { phaseEnd, phaseStart } from './int8-phases.js';
import { SignedInputWaits } from './int8-signed-waits.js';

/** Chunks per thread, so that a thread the system does not schedule leaves little to the others. */
export const CHUNKS_PER_THREAD = 4;

let chunksPerThread = CHUNKS_PER_THREAD;

/**
 * Chunks a thread takes of a stack's batch on the pool (default {@link CHUNKS_PER_THREAD}, 4: a
 * batch of 32 on 2 threads in 8 chunks of 4 rows; 2: 4 chunks of 8; 1: 2 of 16), for benchmarks that
 * compare splits (fewer chunks read each layer's weights fewer times; more leave less to the other
 * threads when one is not scheduled). The same bits whatever the split. Throws a RangeError for
 * anything but a positive integer.
 */
export function setInt8ChainChunksPerThread(chunks = CHUNKS_PER_THREAD): void {
  if (!Number.isInteger(chunks) || chunks < 1)
    throw new RangeError(
      `setInt8ChainChunksPerThread: chunks must be a positive integer, got ${chunks}; call it without an argument for the default ${CHUNKS_PER_THREAD}`,
    );
  chunksPerThread = chunks;
}

/** Rows of a chunk at most: its levels and outputs stay in the L2 cache from layer to layer. */
const MAX_CHUNK_ROWS = 64;

let enabled = true;

/**
 * Stacks (by their first layer's weights) whose input held a negative value where byte products run
 * (int8-signed-waits.ts): the calls of their wait go to the other paths (a job a layer, which
 * multiplies int16 levels). A refused try costs x copied into the pool's memory, every layer's
 * scales and bias, one job, and the first layer's quantization of every row (each chunk stops before
 * its first product); no weights: they stay kept, and the try records its pool handout
 * (keepWeights) before the job, so the job a layer that follows finds them kept too
 * (int8-dense-chain.test.ts counts the bytes).
 */
const signedInputs = new SignedInputWaits();

/**
 * Counts one call of a stack (int8-dense-chain.ts calls it once a call, before the paths): a stack
 * waiting after a negative input is one call nearer to trying this path again.
 */
export function countChainCall(layers: ChainLayer[]): void {
  signedInputs.count(layers[0].w.dataId);
}

/**
 * Runs int8 dense stacks on the pool as one job over chunks of rows (`true`, the default) or as one
 * job a layer (`false`: the path before, for tests and benchmarks that compare the two).
 */
export function setInt8ChainByRowsEnabled(on: boolean): void {
  enabled = on;
}

let skipZeros = true;

/**
 * Whether the products pass over the steps of k whose levels are 0 in all of a row block's rows
 * (`true`, the default: the same sums, since those steps add 0; `false` multiplies them, for tests
 * and benchmarks that compare the two). Inputs with many zeros in the same places (MNIST's borders)
 * are where it pays: a step is 4 levels of k, tested in the 4 rows of a block at once (int16
 * levels, 8 bytes a row: the SIMD build) or in each pair of rows (byte levels, 4 bytes a row: the
 * FMA build).
 */
export function setInt8ZeroSkipEnabled(on: boolean): void {
  skipZeros = on;
}

let listUnits = true;

/**
 * Whether the byte products that skip (FMA build, {@link setInt8ZeroSkipEnabled} on) run over lists
 * of each pair of rows' units of k that hold a level (`true`, the default: listed once a row block
 * and layer, no test or branch a unit) or test each unit as they go (`false`: the loop before, for
 * tests and benchmarks that compare the two). The same products either way, so the same bits and
 * the same count of steps passed over.
 */
export function setInt8SkipListsEnabled(on: boolean): void {
  listUnits = on;
}

/**
 * Rows of a stack that runs on the calling thread ({@link int8DenseChainSolo}) even where a pool
 * runs; by default 0: where a pool runs, every stack it takes is its job. wip/int8-epilogue had made it
 * 32 (`predict`'s batches) from runs under load, where one thread was about 4% faster; on the quiet
 * machine after wave 11 the pool was faster for the MLP 784-512-256-10's batches of 32: the fair
 * int8 ratio of `COMPRESS_CASES=int8-mlp pnpm bench compress --backend wasm` 1.79x and 1.76x with 0
 * against 1.58x and 1.60x with 32 (runs alternated), and `int8-chain-build-ab 69367b8 calls` 5.36
 * against 6.52 ms for the 31 batches' least calls (BENCHMARKS.md, the lead's quiet reruns after wave
 * 11). {@link setInt8OneThreadRows} sets another count, for a loaded machine or to compare the two.
 */
export const INT8_ONE_THREAD_ROWS = 0;

/** The most rows {@link setInt8OneThreadRows} takes: the one-thread path's one chunk ({@link MAX_CHUNK_ROWS}). */
export const INT8_ONE_THREAD_ROWS_MAX = MAX_CHUNK_ROWS;

let oneThreadRows = INT8_ONE_THREAD_ROWS;

/**
 * Stacks of up to `rows` rows (a count of rows of x, an integer from 0 to
 * {@link INT8_ONE_THREAD_ROWS_MAX}, 64: the one-thread path takes no more) run on the calling thread
 * first, where a pool runs too (default {@link INT8_ONE_THREAD_ROWS}, 0: the pool's job whenever it
 * takes them; 32 keeps `predict`'s batches on the calling thread, which paid under load). The same
 * bits either way.
 * Throws a RangeError for anything else.
 */
export function setInt8OneThreadRows(rows = INT8_ONE_THREAD_ROWS): void {
  if (!Number.isInteger(rows) || rows < 0 || rows > INT8_ONE_THREAD_ROWS_MAX) {
    throw new RangeError(
      `setInt8OneThreadRows: rows must be an integer from 0 to ${INT8_ONE_THREAD_ROWS_MAX} (larger stacks never run on the one-thread path), got ${rows}; call it without an argument for the default ${INT8_ONE_THREAD_ROWS}`,
    );
  }
  oneThreadRows = rows;
}

/** Whether a stack of `m` rows tries the one-thread path before the pool's. */
export function oneThreadFirst(m: number): boolean {
  return m <= oneThreadRows;
}

/**
 * Rows a chunk takes: about 4 chunks a thread, a multiple of 4 rows (gemm's row block), from 4 to
 * {@link MAX_CHUNK_ROWS}; on one thread (nothing to balance) as many as that allows, so that each
 * layer's weights are read fewer times.
 */
export function chainChunkRows(m: number, threads: number): number {
  if (threads === 1) return Math.max(4, Math.min(MAX_CHUNK_ROWS, Math.ceil(m / 4) * 4));
  const even = Math.ceil(m / (threads * chunksPerThread) / 4) * 4;
  return Math.max(4, Math.min(MAX_CHUNK_ROWS, even), Math.ceil(m / MAX_CHUNKS / 4) * 4);
}

/** Bytes of a layer's arguments in the job's argument block (17 i32, see threaded-int8-chain.wat). */
const LAYER_ARGS = 68;

/**
 * The stack on the pool as one job over chunks of rows, into `out` (float32 `[m, n_last]`, allocated);
 * false to leave it to the other paths: no pool, too small, memory short, or (byte products) some
 * layer's input held a negative value (then the layers run one job at a time, which multiply such a
 * layer's int16 levels: the same numbers). Where relaxed SIMD runs, only stacks whose hidden layers
 * all end in ReLU come here (their outputs are never negative).
 */
export function int8DenseChainByRows(call: ChainCall): boolean {
  const { layers, m } = call;
  if (!enabled) return false;
  const work = layers.reduce((sum, l) => sum + m * l.k * l.n, 0);
  if (work < threadedInt8Minimum() || (m < 8 && !threadedSizeRulesWaived())) return false;
  // decided before taking the pool: a handout this path then turns down would make the job a layer
  // that follows see another kernel's handout and copy its kept weights in again (keepWeights)
  if (turnedDown(layers, simdKernelsFlavor() === 'fma')) return false;
  const running = threadPool('int8Chain');
  if (running == null) return false;
  const { pool, build } = running;
  return chainByRows(call, {
    memory: pool.memory,
    reserve: (bytes) => pool.reserve(bytes),
    threads: pool.threads,
    bytes: running.kernels.hasBytes != null,
    own: false,
    run: (chunks, params) => pool.run(build, 'int8ChainChunk', chunks, [params]),
  });
}

/**
 * The same on this thread alone, with threaded-int8-chain.wat on a memory of its own
 * (int8-chain-solo.ts), where the weights are kept between calls too: no repacking of the byte
 * weights every call, the rows through every layer while they are in the cache. For batches of up
 * to {@link MAX_CHUNK_ROWS} rows (one chunk; `predict`'s 32): larger ones read x where it lies
 * (tfjs-backend-wasm's heap) instead of copying it. False there, where that memory cannot be made
 * (no shared WebAssembly memory here, no SIMD) or as above.
 */
export function int8DenseChainSolo(call: ChainCall): boolean {
  // larger batches: the copy of x in costs more than repacking the weights saves (BENCHMARKS.md)
  if (!enabled || call.m > MAX_CHUNK_ROWS) return false;
  const solo = soloChain();
  if (solo == null || turnedDown(call.layers, solo.kernels.hasBytes != null)) return false;
  return chainByRows(call, {
    memory: solo.memory,
    reserve: (bytes) => reserveSolo(solo, bytes),
    threads: 1,
    bytes: solo.kernels.hasBytes != null,
    own: true,
    run: (chunks, params) => {
      for (let c = 0; c < chunks; c++) solo.kernels.int8ChainChunk(c, params);
    },
  });
}

/** A chain call's operands: the backend, x `[m, k0]`, the layers, and `out` `[m, n_last]` (allocated). */
export interface ChainCall {
  backend: WasmBackendLike;
  x: TensorInfo;
  layers: ChainLayer[];
  out: TensorInfo;
  m: number;
}

/** Where and how a stack runs by rows: the pool, or one thread on a memory of its own. */
interface RowsRunner {
  memory: WebAssembly.Memory;
  reserve(bytes: number): boolean;
  threads: number;
  /** Byte products (the FMA build). */
  bytes: boolean;
  /** Whether only this caller writes `memory` (see keepWeights). */
  own: boolean;
  /** Runs int8ChainChunk for chunks [0, chunks) with its arguments at `params`. */
  run(chunks: number, params: number): void;
}

/**
 * Whether byte products (`bytes`: the FMA build) turn the stack down: a hidden layer without ReLU
 * (negative inputs to the next), or a first input seen negative lately ({@link signedInputs}).
 */
function turnedDown(layers: ChainLayer[], bytes: boolean): boolean {
  return bytes && (layers.slice(0, -1).some((l) => !l.relu) || signedInputs.waiting(layers[0].w.dataId));
}

/** The stack by rows on `runner` (after {@link turnedDown}); false where memory is short or an input was negative. */
function chainByRows(call: ChainCall, runner: RowsRunner): boolean {
  let clock = phaseStart();
  const { bytes } = runner;
  const listed = bytes && skipZeros && listUnits;
  const switches = (bytes ? 1 : 0) | (skipZeros ? 2 : 0) | (listed ? 4 : 0);
  const key = layoutKey(runner.threads, switches, call.layers);
  const chunkRows = chainChunkRows(call.m, runner.threads);
  let layout = laidOut(runner.memory, key, runner.own, call.m, chunkRows);
  // keepWeights as every call does (it marks the kept weights as this call's); a layout whose kept
  // weights it dropped is laid out again
  if (layout != null && keepWeights(runner, layout.end, runner.own) !== layout.kept) layout = null;
  const fresh = layout == null;
  if (layout == null) {
    forgetLayout(runner.memory);
    layout = layOut(call, runner, listed);
    if (layout == null) return false;
  }
  rememberLayout(runner.memory, key, layout, fresh);
  const { backend, x, layers, out, m } = call;
  const { columns } = layout;
  // this call's chunks: a layout of a larger batch holds fewer ({@link fitsLayout})
  const chunks = Math.ceil(m / chunkRows);
  const buffer = runner.memory.buffer;
  const floats = new Float32Array(buffer);
  const ints = new Int32Array(buffer);
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  // the job's batch and chunk rows, every call (a layout of a larger batch holds that batch's)
  ints[layout.params / 4] = m;
  ints[layout.params / 4 + 1] = chunkRows;
  floats.set(view(x) as Float32Array, layout.x / 4);
  // every call, the layout reused or not: a float32 tensor's values can change under its data id
  // (@tensorfold/optim's in-place updates write over a variable's buffer), an int32 one's cannot
  layers.forEach((l, i) => {
    const { scales, bias, nPad } = columns[i];
    setPadded(floats, view(l.scales) as Float32Array, scales / 4, nPad);
    setPadded(floats, view(l.bias) as Float32Array, bias / 4, nPad);
  });
  ints.fill(0, layout.flags / 4, layout.flags / 4 + chunks);
  clock = phaseEnd('rows: layout, weights, x in', clock);
  runner.run(chunks, layout.params);
  clock = phaseEnd('rows: the job (every layer)', clock);
  if (ints.subarray(layout.flags / 4, layout.flags / 4 + chunks).some((f) => f !== 0)) {
    forgetLayout(runner.memory); // the paths that follow write the pool's memory
    signedInputs.refused(layers[0].w.dataId);
    return false;
  }
  if (bytes) signedInputs.succeeded(layers[0].w.dataId);
  const last = layers[layers.length - 1];
  (view(out) as Float32Array).set(new Float32Array(buffer, layout.out, m * last.n));
  phaseEnd('rows: out', clock);
  return true;
}

/**
 * Writes the stack's layout into `runner`'s memory (after keepWeights: the weights kept, the job's
 * arguments) and says where it put things (each layer's padded scales and bias too, which every call
 * writes); null where memory is short.
 */
function layOut({ backend, layers, m }: ChainCall, runner: RowsRunner, listed: boolean): ChainLayout | null {
  const pool = runner;
  const { bytes } = runner;
  const sizes = layers.map((l) => {
    const pairs = l.w.shape[1];
    return { pairs, quads: Math.ceil(pairs / 2), nPad: l.w.shape[0] * 8 };
  });
  const most = (f: (i: number) => number) => Math.max(...layers.map((_, i) => f(i)));
  const chunkRows = chainChunkRows(m, pool.threads);
  const chunks = Math.ceil(m / chunkRows);
  const maxN = most((i) => layers[i].n);
  const maxPairs = most((i) => sizes[i].pairs);
  const maxQuads = most((i) => sizes[i].quads);
  const last = layers[layers.length - 1];
  // Bytes of the pool's memory: the job's arguments, the chunks' flags, x, two outputs (a layer's,
  // the next one's), the int16 levels, the row scales, the byte levels (16 bytes to spare), the last
  // output, the lists of units, each layer's scales and bias; the weights are kept above. The rooms that hold different
  // layers' rows in turn (outputs, levels) give each row the most any layer needs, so that a chunk's
  // rows never overlap another chunk's, whichever layer each is at.
  const PARAMS = 0;
  const FLAGS = PARAMS + alignedBytes(32 + LAYER_ARGS * layers.length);
  const X = FLAGS + alignedBytes(chunks * 4);
  const Y = [X + alignedBytes(m * layers[0].k * 4)];
  Y.push(Y[0] + alignedBytes(m * maxN * 4));
  const LEVELS = Y[1] + alignedBytes(m * maxN * 4);
  const ROW_SCALES = LEVELS + alignedBytes(m * maxPairs * 4);
  const LEVELS8 = ROW_SCALES + alignedBytes(m * 4);
  const OUT = LEVELS8 + (bytes ? alignedBytes(m * maxQuads * 4 + 16) : 0);
  // the byte products' lists of units (skipping only): a pair of rows maxQuads + 1 words, every chunk's own
  const LISTS = OUT + alignedBytes(m * last.n * 4);
  const SCALES = LISTS + (listed ? alignedBytes(chunks * (chunkRows / 2) * (maxQuads + 1) * 4) : 0);
  const scalesAt = sizes.map(
    (_, i) => SCALES + sizes.slice(0, i).reduce((s, z) => s + 2 * alignedBytes(z.nPad * 4), 0),
  );
  const end = SCALES + sizes.reduce((s, z) => s + 2 * alignedBytes(z.nPad * 4), 0);
  if (end > 2 ** 31 || !pool.reserve(end)) return null;
  const kept = keepWeights(pool, end, runner.own);
  const weights = keptWeights(
    pool,
    backend,
    layers.map((l) => l.w),
    bytes,
  );
  if (weights == null) return null;
  // a view after the last allocation (keptWeights may grow the pool's memory)
  const ints = new Int32Array(pool.memory.buffer);
  ints.set(
    [m, chunkRows, ROW_SCALES, FLAGS, layers.length, bytes ? 1 : 0, skipZeros ? 1 : 0, listed ? LISTS : 0],
    PARAMS / 4,
  );
  let [input, inStep] = [X, layers[0].k * 4];
  const columns = sizes.map(({ nPad }, i) => ({
    scales: scalesAt[i],
    bias: scalesAt[i] + alignedBytes(nPad * 4),
    nPad,
  }));
  layers.forEach((l, i) => {
    const { pairs, quads } = sizes[i];
    const { bias } = columns[i];
    const [output, outStep] = i === layers.length - 1 ? [OUT, l.n * 4] : [Y[i % 2], maxN * 4];
    ints.set(
      [
        input,
        inStep,
        l.k,
        LEVELS,
        maxPairs * 4,
        2 * pairs,
        bytes ? LEVELS8 : 0,
        maxQuads * 4,
        4 * quads,
        weights[i],
        bytes ? quads : pairs,
        output,
        outStep,
        l.n,
        scalesAt[i],
        bias,
        l.relu ? 1 : 0,
      ],
      (PARAMS + 32 + LAYER_ARGS * i) / 4,
    );
    [input, inStep] = [output, outStep];
  });
  return { params: PARAMS, flags: FLAGS, x: X, out: OUT, chunks, rows: m, chunkRows, end, kept, columns };
}
