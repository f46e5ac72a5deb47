/**
 * The int8 kernels (int8.ts) on every thread of tensorfold's WASM pool (threads/wasm-threads.ts), as
 * the float matMul and conv2d run there: `x`, the packed weights, scales and bias are copied into the
 * pool's shared memory (tfjs-backend-wasm's heap is not shared), every thread claims chunks of output
 * rows (a product) or positions (a convolution) and quantizes, gathers and multiplies them with
 * threaded-int8.wat, and the result is copied back. Sums are exact int32 and each element is finished
 * by the same code: the same bits for any number of threads, and as the one-thread SIMD path.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { Int8ConvGeometry } from '../../int8/reference.js';
import type { WasmBackendLike } from '../kernel-scope.js';
import { threadPool } from '../threads/wasm-threads.js';

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

/** Chunks per thread, so that a thread the system does not schedule leaves little to the others. */
const CHUNKS_PER_THREAD = 4;

/** Bytes of one convolution tile of patches (as int8.ts: it stays in the L1/L2 cache). */
const TILE_BYTES = 32 * 1024;

/** Bytes rounded up to a multiple of 64 (a cache line). */
const aligned = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** The operands of an int8 kernel (see ../../int8/int8-kernels.ts). */
export interface Int8Operands {
  x: TensorInfo;
  /** Packed levels, int32 `[nPad / 8, pairs, 8]`. */
  w: TensorInfo;
  scales: TensorInfo;
  bias: TensorInfo;
}

/** Copies scales and bias (`[n]`) into the pool's memory at `at` floats, zero-padded to `nPad`. */
function setPadded(heap: Float32Array, values: Float32Array, at: number, nPad: number): void {
  heap.set(values, at);
  heap.fill(0, at + values.length, at + nPad);
}

/**
 * `out [m, n] = act(q(x) . w * scales + bias)` on the pool into `out` (float32 `[..., n]`, already
 * allocated on the backend); false to leave it to one thread (no pool, too small, memory short).
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
  const running = threadPool('int8');
  if (running == null || m * k * n < minimum || m < 8) return false;
  const { pool, build } = running;
  const [blocks, pairs] = all.w.shape;
  const nPad = blocks * 8;
  // Bytes of the pool's memory: x, the levels and their row scales, w, scales, bias, out.
  const X = 0;
  const LEVELS = X + aligned(m * k * 4);
  const W = LEVELS + aligned(m * pairs * 4 + m * 4);
  const SCALES = W + aligned(nPad * pairs * 4);
  const BIAS = SCALES + aligned(nPad * 4);
  const OUT = BIAS + aligned(nPad * 4);
  const bytes = OUT + m * n * 4;
  if (bytes > 2 ** 31 || !pool.reserve(bytes)) return false;
  // Views after the last allocation (reserve may grow the pool's memory).
  const floats = new Float32Array(pool.memory.buffer);
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  floats.set(view(all.x) as Float32Array, X / 4);
  new Int32Array(pool.memory.buffer).set(view(all.w) as Int32Array, W / 4);
  setPadded(floats, view(all.scales) as Float32Array, SCALES / 4, nPad);
  setPadded(floats, view(all.bias) as Float32Array, BIAS / 4, nPad);
  const chunkRows = Math.ceil(m / 4 / (pool.threads * CHUNKS_PER_THREAD)) * 4;
  pool.run(build, 'int8MatMulChunk', Math.ceil(m / chunkRows), [
    X,
    LEVELS,
    W,
    OUT,
    m,
    k,
    n,
    nPad,
    SCALES,
    BIAS,
    relu ? 1 : 0,
    chunkRows,
  ]);
  (view(out) as Float32Array).set(floats.subarray(OUT / 4, OUT / 4 + m * n));
  return true;
}

/**
 * An int8 convolution (geometry `g`) on the pool into `out` (float32 `[batch, outH, outW, outC]`,
 * already allocated); false to leave it to one thread.
 */
export function int8Conv2DByThreads(
  backend: WasmBackendLike,
  all: Int8Operands,
  out: TensorInfo,
  g: Int8ConvGeometry,
  relu: boolean,
): boolean {
  const running = threadPool('int8');
  const positions = g.outH * g.outW;
  const total = g.batch * positions;
  const k = g.fH * g.fW * g.inC;
  if (running == null || total * k * g.outC < minimum || total < 8) return false;
  const { pool, build } = running;
  const [blocks, pairs] = all.w.shape;
  const nPad = blocks * 8;
  const rowBytes = pairs * 4;
  const image = g.inH * g.inW * g.inC;
  const tile = Math.min(positions, Math.max(4, Math.floor(TILE_BYTES / rowBytes) & ~3));
  const chunks = Math.min(total, pool.threads * CHUNKS_PER_THREAD);
  const per = Math.ceil(total / chunks);
  const patchStride = aligned(tile * rowBytes + 16);
  // Bytes: the 25 arguments, x, its levels (16 bytes to spare for im2col's reads), the image scales,
  // w, scales, bias, each chunk's patches, out.
  const PARAMS = 0;
  const X = PARAMS + 128;
  const LEVELS = X + aligned(g.batch * image * 4);
  const IMAGE_SCALES = LEVELS + aligned(g.batch * image * 2 + 16);
  const W = IMAGE_SCALES + aligned(g.batch * 4);
  const SCALES = W + aligned(nPad * pairs * 4);
  const BIAS = SCALES + aligned(nPad * 4);
  const PATCHES = BIAS + aligned(nPad * 4);
  const OUT = PATCHES + chunks * patchStride;
  const bytes = OUT + total * g.outC * 4;
  if (bytes > 2 ** 31 || !pool.reserve(bytes)) return false;
  const floats = new Float32Array(pool.memory.buffer);
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  floats.set(view(all.x) as Float32Array, X / 4);
  new Int32Array(pool.memory.buffer).set(view(all.w) as Int32Array, W / 4);
  setPadded(floats, view(all.scales) as Float32Array, SCALES / 4, nPad);
  setPadded(floats, view(all.bias) as Float32Array, BIAS / 4, nPad);
  // [batch, inH, inW, inC] as int16 levels, one scale per image
  const imageChunkRows = Math.ceil(g.batch / (pool.threads * CHUNKS_PER_THREAD));
  pool.run(build, 'int8QuantizeChunk', Math.ceil(g.batch / imageChunkRows), [
    X,
    g.batch,
    image,
    LEVELS,
    image,
    IMAGE_SCALES,
    imageChunkRows,
  ]);
  new Int32Array(pool.memory.buffer, PARAMS, 25).set([
    LEVELS,
    PATCHES,
    W,
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
  ]);
  pool.run(build, 'int8ConvChunk', Math.ceil(total / per), [PARAMS]);
  (view(out) as Float32Array).set(floats.subarray(OUT / 4, OUT / 4 + total * g.outC));
  return true;
}
