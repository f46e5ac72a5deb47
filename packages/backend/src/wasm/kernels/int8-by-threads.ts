/**
 * The int8 kernels (int8.ts) on every thread of tensorfold's WASM pool (threads/wasm-threads.ts), as
 * the float matMul and conv2d run there: `x`, the packed weights, scales and bias are copied into the
 * pool's shared memory (tfjs-backend-wasm's heap is not shared), every thread claims chunks of output
 * rows (a product) or positions (a convolution) and quantizes, gathers and multiplies them with
 * threaded-int8.wat, and the result is copied back. Sums are exact int32 and each element is finished
 * by the same code: the same bits for any number of threads, and as the one-thread SIMD path.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { CONV_LEVEL_TOP, DENSE_LEVEL_TOP } from '../../int8/int8-kernels.js';
import type { Int8ConvGeometry } from '../../int8/reference.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import type { ThreadPool } from '../threads/pool.js';
import { threadedMinimum, threadedSizeRulesWaived } from '../threads/threaded-minimum.js';
import { type PoolUse, poolHandouts, type ThreadedInt8Kernels, threadPool } from '../threads/wasm-threads.js';
import { alignedBytes } from './aligned.js';
import { phaseEnd, phaseStart } from './int8-phases.js';

/**
 * Below this many multiply-adds an int8 product or convolution stays on one thread: waking the
 * workers and copying the operands cost more than a second thread saves.
 */
export const THREADED_INT8_MIN_MULTIPLY_ADDS = 2 ** 20;

let minimum = THREADED_INT8_MIN_MULTIPLY_ADDS;

/**
 * Sets the size from which int8 kernels run on the pool (multiply-adds; default
 * {@link THREADED_INT8_MIN_MULTIPLY_ADDS}); 0 sends every one there (tests of the threaded path).
 */
export function setThreadedInt8Minimum(multiplyAdds: number = THREADED_INT8_MIN_MULTIPLY_ADDS): void {
  minimum = multiplyAdds;
}

/**
 * The size from which int8 kernels run on the pool (see {@link setThreadedInt8Minimum}, and
 * threads/threaded-minimum.ts, which overrides it).
 */
export function threadedInt8Minimum(): number {
  return threadedMinimum(minimum);
}

/** Chunks per thread, so that a thread the system does not schedule leaves little to the others. */
export const CHUNKS_PER_THREAD = 4;

/** Bytes of one convolution tile of patches (as int8.ts: it stays in the L1/L2 cache). */
const TILE_BYTES = 32 * 1024;

/** Inputs of fewer floats are quantized by the calling thread alone: waking the workers costs more. */
const POOLED_QUANTIZE_FLOATS = 1 << 16;

/** How the quantization job cuts `rows` rows of `rowFloats`: one chunk (this thread) for small inputs. */
export function quantizeChunks(rows: number, rowFloats: number, threads: number) {
  if (rows * rowFloats < POOLED_QUANTIZE_FLOATS && !threadedSizeRulesWaived())
    return { chunkRows: rows, chunks: 1 };
  const chunkRows = Math.ceil(rows / Math.min(rows, threads * CHUNKS_PER_THREAD));
  return { chunkRows, chunks: Math.ceil(rows / chunkRows) };
}

/** int8QuantizeChunk's arguments after the chunk, but the last (top): x, rows, k, out, kPad, scales, chunkRows, out8, kPad8, flags. */
export type QuantizeArgs = [number, number, number, number, number, number, number, number, number, number];

/**
 * Runs int8QuantizeChunk over `chunks` chunks, to levels in [-top, top] (`top` {@link DENSE_LEVEL_TOP}
 * or {@link CONV_LEVEL_TOP}, the job's last argument): on the pool, or on this thread where it is one.
 */
export function quantize(
  running: PoolUse<ThreadedInt8Kernels>,
  chunks: number,
  args: QuantizeArgs,
  top: typeof DENSE_LEVEL_TOP | typeof CONV_LEVEL_TOP,
): void {
  if (chunks > 1) running.pool.run(running.build, 'int8QuantizeChunk', chunks, [...args, top]);
  else running.kernels.int8QuantizeChunk(0, ...args, top);
}

/** The operands of an int8 kernel (see ../../int8/int8-kernels.ts). */
export interface Int8Operands {
  x: TensorInfo;
  /** Packed levels, int32 `[nPad / 8, pairs, 8]`. */
  w: TensorInfo;
  scales: TensorInfo;
  bias: TensorInfo;
}

/** Copies scales and bias (`[n]`) into the pool's memory at `at` floats, zero-padded to `nPad`. */
export function setPadded(heap: Float32Array, values: Float32Array, at: number, nPad: number): void {
  heap.set(values, at);
  heap.fill(0, at + values.length, at + nPad);
}

/**
 * Packed int16 weight pairs `w [blocks, pairs, 8]` (int32: low half row 2p, high half row 2p + 1)
 * as the byte products read them: `[blocks, ceil(pairs / 2), 8 columns, 4 rows]`, int8, zero past
 * the last pair (as int8.wat's packQuads).
 */
export function packQuadBytes(w: Int32Array, blocks: number, pairs: number): Int8Array {
  const quads = Math.ceil(pairs / 2);
  const out = new Int8Array(blocks * quads * 32);
  for (let b = 0; b < blocks; b++)
    for (let p = 0; p < pairs; p++)
      for (let c = 0; c < 8; c++) {
        const v = w[(b * pairs + p) * 8 + c];
        const at = ((b * quads + (p >> 1)) * 8 + c) * 4 + (p & 1) * 2;
        out[at] = (v << 16) >> 16;
        out[at + 1] = v >> 16;
      }
  return out;
}

/**
 * The byte weights of each weight tensor, packed once: tfjs gives every new tensor data a new data
 * id and never rewrites one.
 */
const byteWeights = new WeakMap<object, Int8Array>();

/** `w`'s weights as bytes, from {@link byteWeights} or packed now. */
function bytesOf(backend: WasmBackendLike, w: TensorInfo): Int8Array {
  let packed = byteWeights.get(w.dataId);
  if (packed == null) {
    packed = packQuadBytes(backend.typedArrayFromHeap(w) as Int32Array, w.shape[0], w.shape[1]);
    byteWeights.set(w.dataId, packed);
  }
  return packed;
}

/**
 * Byte weights kept in the pool's shared memory between calls (so that a layer's 400 KB are not
 * copied in again for every batch): above every int8 call's own scratch, and only while no other
 * kernel has had the pool since the last int8 call ({@link poolHandouts}).
 */
export interface Kept {
  memory: WebAssembly.Memory;
  /** poolHandouts() at the last int8 call. */
  handout: number;
  /** Where the kept weights start and end (bytes). */
  base: number;
  end: number;
  at: Map<object, number>;
  /** Where kept int16 pairs lie (the SIMD build's form: {@link keptWeights}). */
  pairsAt: Map<object, number>;
}

/**
 * The kept weights of each memory: the pool's, and the one-thread chain's own (int8-chain-solo.ts),
 * so that a switch between the two (small batches on one thread, larger ones on the pool) forgets
 * neither.
 */
const keptBy = new WeakMap<WebAssembly.Memory, Kept>();

/** Bytes of weights copied into kept room since the process started (see {@link keptWeightBytesCopied}). */
let copiedBytes = 0;

/**
 * Bytes of int8 weights copied into a memory's kept room so far (the pool's or the one-thread
 * chain's): a count that does not move over a call means every weight it used was kept (tests).
 */
export function keptWeightBytesCopied(): number {
  return copiedBytes;
}

/** The kept weights of `memory` (after {@link keepWeights}). */
function keptOf(memory: WebAssembly.Memory): Kept {
  return keptBy.get(memory) as Kept;
}

/** The most bytes of weights kept (then the oldest are dropped, all at once). */
const KEPT_BYTES = 64 << 20;

/**
 * Called by each int8 call on the pool once it knows its scratch (`[0, scratch)` bytes), right after
 * `threadPool`: keeps `pool.memory`'s kept weights where they are still intact and above the
 * scratch, else forgets them. `own`: the memory is not the pool's but one only the caller writes.
 */
export function keepWeights(pool: Pick<ThreadPool<object>, 'memory'>, scratch: number, own = false): Kept {
  const handout = poolHandouts();
  let kept = keptBy.get(pool.memory);
  // `own`: a memory no other kernel writes (int8-chain-solo.ts), whatever the pool's handouts
  const written = !own && kept?.handout !== handout - 1;
  if (kept == null || written || scratch > kept.base) {
    const base = Math.ceil(Math.max(scratch, kept?.base ?? 0) / 65536) * 65536;
    kept = { memory: pool.memory, handout, base, end: base, at: new Map(), pairsAt: new Map() };
    keptBy.set(pool.memory, kept);
  }
  kept.handout = handout;
  return kept;
}

/** Where `w`'s byte weights lie in the pool's memory (copied in now if they are not kept), or null where the memory is short. */
function keptBytes(pool: ThreadPool<object>, backend: WasmBackendLike, w: TensorInfo): number | null {
  const k = keptOf(pool.memory);
  let at = k.at.get(w.dataId);
  if (at != null) return at;
  const packed = bytesOf(backend, w);
  if (k.end + packed.length - k.base > KEPT_BYTES) forgetKept(k);
  if (!pool.reserve(k.end + packed.length)) return null;
  at = k.end;
  new Int8Array(pool.memory.buffer).set(packed, at);
  copiedBytes += packed.length;
  k.at.set(w.dataId, at);
  k.end = alignedBytes(at + packed.length);
  return at;
}

/** Drops every kept weight (their room is reused from the start). */
function forgetKept(k: Kept): void {
  k.at.clear();
  k.pairsAt.clear();
  k.end = k.base;
}

/**
 * Where each of `ws` lies in the pool's memory, all at once, as bytes (`bytes`) or as int16 pairs,
 * kept there between calls (after {@link keepWeights}): copied in now where not kept yet; null where
 * the memory is short or they take more than the kept room.
 */
export function keptWeights(
  pool: Pick<ThreadPool<object>, 'memory' | 'reserve'>,
  backend: WasmBackendLike,
  ws: TensorInfo[],
  bytes: boolean,
): number[] | null {
  const k = keptOf(pool.memory);
  const map = bytes ? k.at : k.pairsAt;
  const data = (w: TensorInfo) => (bytes ? bytesOf(backend, w) : backend.typedArrayFromHeap(w));
  // bytes of room for each tensor data once (a layer may share another's weights)
  const room = (list: TensorInfo[]) =>
    [...new Map(list.map((w) => [w.dataId, w])).values()].reduce(
      (sum, w) => sum + alignedBytes(data(w).byteLength),
      0,
    );
  if (room(ws) > KEPT_BYTES) return null;
  const missing = ws.filter((w) => !map.has(w.dataId));
  // placed together: no weight of this call may be dropped to make room for another
  if (k.end + room(missing) - k.base > KEPT_BYTES) forgetKept(k);
  if (!pool.reserve(k.end + room(ws))) return null;
  for (const w of ws) {
    if (map.has(w.dataId)) continue;
    const values = data(w);
    new Uint8Array(pool.memory.buffer).set(
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      k.end,
    );
    copiedBytes += values.byteLength;
    map.set(w.dataId, k.end);
    k.end = alignedBytes(k.end + values.byteLength);
  }
  return ws.map((w) => map.get(w.dataId) as number);
}

/**
 * Puts `w` where a product reads it and returns the address: byte weights kept in the pool's memory
 * (`bytes`; copied to `scratch` where the memory is short), or the int16 pairs copied to `scratch`.
 */
export function placeWeights(
  pool: ThreadPool<object>,
  backend: WasmBackendLike,
  w: TensorInfo,
  bytes: boolean,
  scratch: number,
): number {
  if (bytes) {
    const at = keptBytes(pool, backend, w);
    if (at != null) return at;
    new Int8Array(pool.memory.buffer).set(bytesOf(backend, w), scratch);
  } else {
    new Int32Array(pool.memory.buffer).set(backend.typedArrayFromHeap(w) as Int32Array, scratch / 4);
  }
  return scratch;
}

/**
 * How the output `[rows, cols]` of a product is cut into tiles: across the rows when there are at
 * least as many rows as columns (each tile reads all of w), else across the columns (each reads all
 * of the rows; a batch of 32 rows no longer streams all of w once per thread); about
 * {@link CHUNKS_PER_THREAD} tiles per thread, in multiples of 4 rows or 8 columns.
 */
export function int8Tiles(
  rows: number,
  cols: number,
  threads: number,
): { chunkRows: number; chunkCols: number; chunks: number } {
  const wanted = threads * CHUNKS_PER_THREAD;
  const nPad = Math.ceil(cols / 8) * 8;
  if (rows >= cols) {
    const chunkRows = Math.ceil(rows / 4 / wanted) * 4;
    return { chunkRows, chunkCols: nPad, chunks: Math.ceil(rows / chunkRows) };
  }
  const chunkCols = Math.ceil(nPad / 8 / wanted) * 8;
  return { chunkRows: rows, chunkCols, chunks: Math.ceil(nPad / chunkCols) };
}

/**
 * Byte offsets in the pool's memory of one dense layer's scratch (see {@link int8DenseOnPool}): the 14
 * arguments, the quantization's flags, the int16 levels, the row scales, the byte levels (where
 * relaxed SIMD runs), room for w (int16 pairs, or bytes), scales then bias (`alignedBytes(nPad * 4)` bytes
 * after them).
 */
export interface DenseOnPoolScratch {
  params: number;
  flags: number;
  levels: number;
  rowScales: number;
  levels8: number;
  w: number;
  scales: number;
}

/**
 * One dense layer `output [m, n] = act(q(input) . w * scales + bias)` on the pool, its input already
 * in the pool's memory at `input` (floats `[m, k]`, output likewise `[m, n]`): the rows quantized by
 * one job (on this thread where small), w placed ({@link placeWeights}), scales and bias copied in,
 * the tiles multiplied by another job (on this thread below the threaded minimum). Where the FMA build
 * runs (relaxed SIMD) and no input is negative, byte levels are multiplied with relaxed dot products
 * (16 multiply-adds an instruction, the same sums).
 */
export function int8DenseOnPool(
  running: PoolUse<ThreadedInt8Kernels>,
  backend: WasmBackendLike,
  layer: { w: TensorInfo; scales: TensorInfo; bias: TensorInfo; k: number; n: number; relu: boolean },
  m: number,
  input: number,
  output: number,
  at: DenseOnPoolScratch,
): void {
  const { pool, build, kernels } = running;
  const { k, n } = layer;
  const [blocks, pairs] = layer.w.shape;
  const quads = Math.ceil(pairs / 2);
  const nPad = blocks * 8;
  const relaxed = kernels.hasBytes != null;
  const chunking = quantizeChunks(m, k, pool.threads);
  let clock = phaseStart();
  quantize(
    running,
    chunking.chunks,
    [
      input,
      m,
      k,
      at.levels,
      2 * pairs,
      at.rowScales,
      chunking.chunkRows,
      relaxed ? at.levels8 : 0,
      4 * quads,
      at.flags,
    ],
    DENSE_LEVEL_TOP,
  );
  const flags = new Int32Array(pool.memory.buffer, at.flags, chunking.chunks);
  const bytes = relaxed && flags.every((f) => f === 0);
  clock = phaseEnd(`quantize ${k}`, clock);
  const weights = placeWeights(pool, backend, layer.w, bytes, at.w);
  // Views after the last allocation (placeWeights may grow the pool's memory).
  const floats = new Float32Array(pool.memory.buffer);
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  const bias = at.scales + alignedBytes(nPad * 4);
  setPadded(floats, view(layer.scales) as Float32Array, at.scales / 4, nPad);
  setPadded(floats, view(layer.bias) as Float32Array, bias / 4, nPad);
  const { chunkRows, chunkCols, chunks } = int8Tiles(m, n, pool.threads);
  new Int32Array(pool.memory.buffer).set(
    [
      bytes ? at.levels8 : at.levels,
      at.rowScales,
      weights,
      output,
      m,
      bytes ? quads : pairs,
      n,
      nPad,
      at.scales,
      bias,
      layer.relu ? 1 : 0,
      bytes ? 1 : 0,
      chunkRows,
      chunkCols,
    ],
    at.params / 4,
  );
  clock = phaseEnd(`weights, scales ${k}x${n}`, clock);
  if (m * k * n >= threadedInt8Minimum()) pool.run(build, 'int8GemmChunk', chunks, [at.params]);
  else for (let c = 0; c < chunks; c++) kernels.int8GemmChunk(c, at.params);
  phaseEnd(`product ${k}x${n}`, clock);
}

/**
 * `out [m, n] = act(q(x) . w * scales + bias)` on the pool into `out` (float32 `[..., n]`, already
 * allocated on the backend); false to leave it to one thread (no pool, too small, memory short).
 * One {@link int8DenseOnPool} layer: the rows quantized by one job, multiplied by tiles in another.
 */
export function int8MatMulByThreads(
  backend: WasmBackendLike,
  all: Int8Operands,
  out: TensorInfo,
  m: number,
  k: number,
  n: number,
  relu: boolean,
): boolean {
  if (m * k * n < threadedInt8Minimum() || (m < 8 && !threadedSizeRulesWaived())) return false;
  const running = threadPool('int8');
  if (running == null) return false;
  const { pool, kernels } = running;
  const [blocks, pairs] = all.w.shape;
  const quads = Math.ceil(pairs / 2);
  const relaxed = kernels.hasBytes != null;
  const nPad = blocks * 8;
  const rowChunks = quantizeChunks(m, k, pool.threads).chunks;
  // Bytes of the pool's memory: the 14 arguments, the quantization's flags, x, the int16 levels,
  // the row scales, the byte levels, w (int16 pairs, or bytes), scales, bias, out.
  const PARAMS = 0;
  const FLAGS = PARAMS + 64;
  const X = FLAGS + alignedBytes(rowChunks * 4);
  const LEVELS = X + alignedBytes(m * k * 4);
  const ROW_SCALES = LEVELS + alignedBytes(m * pairs * 4);
  const LEVELS8 = ROW_SCALES + alignedBytes(m * 4);
  const W = LEVELS8 + (relaxed ? alignedBytes(m * quads * 4 + 16) : 0);
  const SCALES = W + alignedBytes(nPad * pairs * 4); // room for either form of w
  const BIAS = SCALES + alignedBytes(nPad * 4);
  const OUT = BIAS + alignedBytes(nPad * 4);
  const size = OUT + m * n * 4;
  if (size > 2 ** 31 || !pool.reserve(size)) return false;
  keepWeights(pool, size);
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  new Float32Array(pool.memory.buffer).set(view(all.x) as Float32Array, X / 4);
  const scratch = { params: PARAMS, flags: FLAGS, levels: LEVELS, rowScales: ROW_SCALES, levels8: LEVELS8 };
  int8DenseOnPool(running, backend, { ...all, k, n, relu }, m, X, OUT, { ...scratch, w: W, scales: SCALES });
  (view(out) as Float32Array).set(new Float32Array(pool.memory.buffer, OUT, m * n));
  return true;
}

/**
 * An int8 convolution (geometry `g`) on the pool into `out` (float32 `[batch, outH, outW, outC]`,
 * already allocated); false to leave it to one thread. Byte products (see above) where the FMA build
 * runs and no input is negative.
 */
export function int8Conv2DByThreads(
  backend: WasmBackendLike,
  all: Int8Operands,
  out: TensorInfo,
  g: Int8ConvGeometry,
  relu: boolean,
): boolean {
  const positions = g.outH * g.outW;
  const total = g.batch * positions;
  const k = g.fH * g.fW * g.inC;
  if (total * k * g.outC < threadedInt8Minimum() || (total < 8 && !threadedSizeRulesWaived())) return false;
  const running = threadPool('int8');
  if (running == null) return false;
  const { pool, build, kernels } = running;
  const [blocks, pairs] = all.w.shape;
  const relaxed = kernels.hasBytes != null;
  const nPad = blocks * 8;
  const image = g.inH * g.inW * g.inC;
  // Sized for int16 levels (2 bytes a level), which take more room than bytes.
  const tile = Math.min(positions, Math.max(4, Math.floor(TILE_BYTES / (pairs * 4)) & ~3));
  const chunks = Math.min(total, pool.threads * CHUNKS_PER_THREAD);
  const per = Math.ceil(total / chunks);
  const patchStride = alignedBytes(tile * pairs * 4 + 16);
  const { chunkRows: imageChunkRows, chunks: imageChunks } = quantizeChunks(g.batch, image, pool.threads);
  // Bytes: the 26 arguments, x, its levels (int16, then bytes; 16 bytes to spare for im2col's reads),
  // the image scales, the quantization's flags, w, w as bytes, scales, bias, each chunk's patches, out.
  const PARAMS = 0;
  const X = PARAMS + 128;
  const LEVELS = X + alignedBytes(g.batch * image * 4);
  const LEVELS8 = LEVELS + alignedBytes(g.batch * image * 2 + 16);
  const IMAGE_SCALES = LEVELS8 + (relaxed ? alignedBytes(g.batch * image + 16) : 0);
  const FLAGS = IMAGE_SCALES + alignedBytes(g.batch * 4);
  const W = FLAGS + alignedBytes(imageChunks * 4);
  const SCALES = W + alignedBytes(nPad * pairs * 4); // room for either form of w
  const BIAS = SCALES + alignedBytes(nPad * 4);
  const PATCHES = BIAS + alignedBytes(nPad * 4);
  const OUT = PATCHES + chunks * patchStride;
  const size = OUT + total * g.outC * 4;
  if (size > 2 ** 31 || !pool.reserve(size)) return false;
  keepWeights(pool, size);
  const floats = new Float32Array(pool.memory.buffer);
  const ints = new Int32Array(pool.memory.buffer);
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  floats.set(view(all.x) as Float32Array, X / 4);
  setPadded(floats, view(all.scales) as Float32Array, SCALES / 4, nPad);
  setPadded(floats, view(all.bias) as Float32Array, BIAS / 4, nPad);
  // [batch, inH, inW, inC] as int16 levels (and bytes), one scale per image
  quantize(
    running,
    imageChunks,
    [X, g.batch, image, LEVELS, image, IMAGE_SCALES, imageChunkRows, relaxed ? LEVELS8 : 0, image, FLAGS],
    CONV_LEVEL_TOP,
  );
  const bytes = relaxed && ints.subarray(FLAGS / 4, FLAGS / 4 + imageChunks).every((f) => f === 0);
  const weights = placeWeights(pool, backend, all.w, bytes, W);
  new Int32Array(pool.memory.buffer).set(
    [
      bytes ? LEVELS8 : LEVELS,
      PATCHES,
      weights,
      OUT,
      IMAGE_SCALES,
      SCALES,
      BIAS,
      relu ? 1 : 0,
      g.inH,
      g.inW,
      g.inC,
      g.outH,
      g.outW,
      g.fH,
      g.fW,
      g.sH,
      g.sW,
      g.padTop,
      g.padLeft,
      g.outC,
      nPad,
      per,
      total,
      tile,
      patchStride,
      bytes ? 1 : 0,
    ],
    PARAMS / 4,
  );
  pool.run(build, 'int8ConvChunk', Math.ceil(total / per), [PARAMS]);
  (view(out) as Float32Array).set(new Float32Array(pool.memory.buffer, OUT, total * g.outC));
  return true;
}
