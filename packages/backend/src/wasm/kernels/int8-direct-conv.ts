/**
 * A direct int8 convolution on tensorfold's WASM pool (threaded-int8-direct.wat), for the FMA build
 * (relaxed SIMD byte products): the images are cut among the threads, and each thread quantizes its
 * images itself (one scale per image, into a zero-bordered byte copy) and multiplies the window rows
 * straight from that copy with the epilogue fused: no separate quantization job, no patch buffer, no
 * int16 levels. The sums are the same int32 as the im2col path's (int8-by-threads.ts), so the result has
 * the same bits. Inputs with a negative value (or NaN) are left to that path (byte products need levels
 * in 0..127; a layer's weights that met one wait some calls before they are tried again), as are runs
 * without relaxed SIMD, or with fewer images than threads. An input that the previous call on the
 * pool left there as its output (LeNet-5's c1 into c2) is read where it lies, not copied in again.
 * Without a pool (or under its minimum size) the same kernel runs on one thread on
 * tfjs-backend-wasm's heap (int8-direct.wat, {@link int8DirectConvOnHeap}). With `pool`, a 2 x 2 max
 * pool runs in the epilogue: each tile is the 4 windows of one pooled output, finished, then the
 * largest kept.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { type Int8ConvGeometry, levelAt } from '../../int8/reference.js';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { FMA_WASM_BASE64, SIMD_WASM_BASE64 } from '../simd/generated/int8-direct-wasm.js';
import { SimdModule } from '../simd/simd-module.js';
import { threadedSizeRulesWaived } from '../threads/threaded-minimum.js';
import { poolHandouts, threadPool } from '../threads/wasm-threads.js';
import { alignedBytes } from './aligned.js';
import { CHUNKS_PER_THREAD, type Int8Operands, setPadded, threadedInt8Minimum } from './int8-by-threads.js';
import { SignedInputWaits } from './int8-signed-waits.js';

/** Units of 4 bytes of one window row (`fW * inC` levels, zero-padded). */
const rowUnitsOf = (g: Int8ConvGeometry) => Math.ceil((g.fW * g.inC) / 4);

/**
 * Packed int16 weight pairs `w [blocks, pairs, 8]` of a `[fH, fW, inC, n]` kernel as the direct
 * kernel reads them: bytes `[blocks, fH, rowUnits, 8 columns, 4]`, window row `fh`'s `fW * inC` levels
 * zero-padded to `rowUnits` units of 4.
 */
export function packDirectBytes(
  w: Int32Array,
  blocks: number,
  pairs: number,
  g: Int8ConvGeometry,
): Int8Array {
  const rowUnits = rowUnitsOf(g);
  const rowLevels = g.fW * g.inC;
  const out = new Int8Array(blocks * g.fH * rowUnits * 32);
  for (let b = 0; b < blocks; b++)
    for (let fh = 0; fh < g.fH; fh++)
      for (let r = 0; r < rowLevels; r++)
        for (let col = 0; col < 8; col++) {
          const at = (((b * g.fH + fh) * rowUnits + (r >> 2)) * 8 + col) * 4 + (r & 3);
          out[at] = levelAt(w, pairs, fh * rowLevels + r, b * 8 + col);
        }
  return out;
}

let enabled = true;

/**
 * Turns the direct kernel off (`false`: convolutions take the im2col path of int8-by-threads.ts) or
 * back on (the default); for A/B benchmarks.
 */
export function setInt8DirectConvEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Where each tile's 4 windows start in the zero-bordered copy (bytes; `pW` its width): output positions
 * `4t .. 4t + 3` (past the last, the last one's), or with `pool` the 2 x 2 windows of pooled output `t`.
 */
export function windowTable(g: Int8ConvGeometry, pW: number, pool: boolean): Int32Array {
  const at = (oy: number, ox: number) => (oy * g.sH * pW + ox * g.sW) * g.inC;
  if (pool) {
    const [ph, pw] = [Math.floor(g.outH / 2), Math.floor(g.outW / 2)];
    const table = new Int32Array(4 * ph * pw);
    for (let py = 0, t = 0; py < ph; py++)
      for (let px = 0; px < pw; px++, t += 4) {
        table[t] = at(2 * py, 2 * px);
        table[t + 1] = at(2 * py, 2 * px + 1);
        table[t + 2] = at(2 * py + 1, 2 * px);
        table[t + 3] = at(2 * py + 1, 2 * px + 1);
      }
    return table;
  }
  const positions = g.outH * g.outW;
  const table = new Int32Array(4 * Math.ceil(positions / 4));
  for (let i = 0; i < table.length; i++) {
    const pos = Math.min(i, positions - 1);
    table[i] = at(Math.floor(pos / g.outW), pos % g.outW);
  }
  return table;
}

/** Window tables by geometry (the few of a model's layers; a call computed each one anew before). */
const tables = new Map<string, Int32Array>();

/** {@link windowTable}, computed once per geometry. */
function windowTableOf(g: Int8ConvGeometry, pW: number, pool: boolean): Int32Array {
  const key = [g.inC, g.outH, g.outW, g.sH, g.sW, pW, pool].join();
  let table = tables.get(key);
  if (table == null) {
    if (tables.size >= 64) tables.clear();
    table = windowTable(g, pW, pool);
    tables.set(key, table);
  }
  return table;
}

/**
 * The weight tensors (data ids) whose convolution met a negative input: the direct kernel, which
 * finds that out only after quantizing (and, on other threads, multiplying), waits some calls before
 * it tries them again (int8-signed-waits.ts: 16 calls, twice that after a try that meets one again,
 * at most 1024; a layer after a linear or tanh activation gets signed inputs every time).
 */
const signedInputs = new SignedInputWaits();

/**
 * Counts one int8 convolution with the weights `w` (int8.ts calls it once a call, before the paths;
 * a fused convolution and pool that leaves the direct kernel runs that convolution, which counts, so
 * its first wait ends a call sooner): weights waiting after a negative input are one call nearer to a
 * try of the direct kernel.
 */
export function countDirectConvCall(w: TensorInfo): void {
  signedInputs.count(w.dataId);
}

/** The direct bytes of each weight tensor (by data id; tfjs never rewrites one), per geometry. */
const packedWeights = new WeakMap<object, { key: string; bytes: Int8Array }>();

function directBytes(backend: WasmBackendLike, w: TensorInfo, g: Int8ConvGeometry): Int8Array {
  const key = `${g.fH},${g.fW},${g.inC}`;
  const hit = packedWeights.get(w.dataId);
  if (hit?.key === key) return hit.bytes;
  const bytes = packDirectBytes(backend.typedArrayFromHeap(w) as Int32Array, w.shape[0], w.shape[1], g);
  packedWeights.set(w.dataId, { key, bytes });
  return bytes;
}

/** int8-direct.wat's export (threaded-int8-direct.wat's, on tfjs-backend-wasm's memory). */
interface Int8DirectKernels {
  int8DirectConvChunk(chunk: number, params: number): void;
}

const oneThread = new SimdModule<Int8DirectKernels>(SIMD_WASM_BASE64, FMA_WASM_BASE64);

/** What a call needs besides the operands: the copy's geometry, the packed weights, the window table. */
function layoutOf(backend: WasmBackendLike, all: Int8Operands, g: Int8ConvGeometry, pool: boolean) {
  // the zero-bordered copy: every window row it reads, and the input's rows and columns
  const pH = Math.max(g.padTop + g.inH, (g.outH - 1) * g.sH + g.fH);
  const pW = Math.max(g.padLeft + g.inW, (g.outW - 1) * g.sW + g.fW);
  const qBytes = Math.ceil((pH * pW * g.inC) / 16) * 16;
  return {
    pW,
    qBytes,
    qStride: alignedBytes(qBytes + 16), // 16 to spare: a window row reads up to 3 bytes past its end
    bytes: directBytes(backend, all.w, g),
    table: windowTableOf(g, pW, pool),
    nPad: all.w.shape[0] * 8,
  };
}

/** The chunk function's 28 arguments (see the .wat). */
function params(
  g: Int8ConvGeometry,
  at: {
    x: number;
    q: number;
    w: number;
    out: number;
    scales: number;
    bias: number;
    flags: number;
    table: number;
  },
  layout: ReturnType<typeof layoutOf>,
  relu: boolean,
  pool: boolean,
  per: number,
): number[] {
  return [
    at.x,
    at.q,
    layout.qStride,
    at.w,
    at.out,
    at.scales,
    at.bias,
    relu ? 1 : 0,
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
    layout.nPad,
    per,
    g.batch,
    at.flags,
    layout.pW,
    rowUnitsOf(g),
    layout.qBytes,
    pool ? 1 : 0,
    at.table,
  ];
}

/**
 * The direct kernel on one thread, on tfjs-backend-wasm's heap (int8-direct.wat; FMA build only):
 * `x` and `out` where they lie, the rest in scratch tensors. False where it does not run (see
 * {@link int8DirectConvByThreads}).
 */
export function int8DirectConvOnHeap(
  backend: WasmBackendLike,
  all: Int8Operands,
  out: TensorInfo,
  g: Int8ConvGeometry,
  relu: boolean,
  pool = false,
): boolean {
  if (!enabled || g.batch === 0 || signedInputs.waiting(all.w.dataId)) return false;
  const kernels = oneThread.on(backend);
  if (kernels == null || oneThread.flavor() !== 'fma') return false;
  const layout = layoutOf(backend, all, g, pool);
  const scope = new KernelScope(backend);
  try {
    const t = {
      params: scope.allocate([32], 'int32'),
      table: scope.allocate([layout.table.length], 'int32'),
      flags: scope.allocate([1], 'int32'),
      q: scope.allocate([layout.qStride / 4], 'int32'),
      w: scope.allocate([Math.ceil(layout.bytes.length / 4)], 'int32'),
      scales: scope.allocate([layout.nPad]),
      bias: scope.allocate([layout.nPad]),
    };
    // views after the last allocation (an allocation may move the heap)
    const heap = (info: TensorInfo) => backend.typedArrayFromHeap(info);
    const offset = (info: TensorInfo) => heap(info).byteOffset;
    heap(t.table).set(layout.table);
    heap(t.flags).fill(0);
    const w = heap(t.w);
    new Int8Array(w.buffer, w.byteOffset, layout.bytes.length).set(layout.bytes);
    for (const name of ['scales', 'bias'] as const) {
      const padded = heap(t[name]);
      padded.fill(0);
      padded.set(heap(all[name]));
    }
    const at = {
      x: offset(all.x),
      q: offset(t.q),
      w: offset(t.w),
      out: offset(out),
      scales: offset(t.scales),
      bias: offset(t.bias),
      flags: offset(t.flags),
      table: offset(t.table),
    };
    heap(t.params).set(params(g, at, layout, relu, pool, g.batch));
    kernels.int8DirectConvChunk(0, offset(t.params));
    if (heap(t.flags)[0] === 0) {
      signedInputs.succeeded(all.w.dataId);
      return true;
    }
    signedInputs.refused(all.w.dataId);
    return false;
  } finally {
    scope.dispose();
  }
}

/**
 * Where the last call on the pool left its output in the pool's memory (a copy of the tensor whose
 * data id is `dataId`; tfjs never rewrites one): the next call whose input is that tensor reads it
 * there instead of copying it in again (LeNet-5's c1 into c2: 200 KB a batch of 32), as long as no
 * other kernel has had the pool since (`handout`, {@link poolHandouts}).
 */
interface Resident {
  dataId: object;
  memory: WebAssembly.Memory;
  /** poolHandouts() after that call took the pool. */
  handout: number;
  /** Byte offset of the floats in the pool's memory, and their end. */
  at: number;
  end: number;
}

let resident: Resident | null = null;

let reuseInputs = true;

/** How many calls read their input where the previous call left it (see {@link Resident}). */
let reuses = 0;

/** How many calls so far read their input where the previous call left it in the pool's memory (tests, benchmarks). */
export function int8DirectConvReuses(): number {
  return reuses;
}

/**
 * Turns off (`false`) or back on (the default) reading an input that the previous call left in the
 * pool's memory (see {@link Resident}); for tests and A/B benchmarks.
 */
export function setInt8DirectConvReuse(on: boolean): void {
  reuseInputs = on;
  resident = null;
}

/**
 * The int8 convolution (geometry `g`) of `all` into `out` (float32 `[batch, outH, outW, outC]`,
 * already allocated) by the direct kernel; false to leave it to the other paths (see the module doc).
 * With `pool`, a 2 x 2 max pool (stride 2, floored) of the activations: `out` is then
 * `[batch, floor(outH / 2), floor(outW / 2), outC]`.
 */
export function int8DirectConvByThreads(
  backend: WasmBackendLike,
  all: Int8Operands,
  out: TensorInfo,
  g: Int8ConvGeometry,
  relu: boolean,
  pool = false,
): boolean {
  const positions = g.outH * g.outW;
  const outPositions = pool ? Math.floor(g.outH / 2) * Math.floor(g.outW / 2) : positions;
  const k = g.fH * g.fW * g.inC;
  if (
    !enabled ||
    signedInputs.waiting(all.w.dataId) ||
    g.batch * positions * k * g.outC < threadedInt8Minimum()
  )
    return false;
  const handoutBefore = poolHandouts();
  const previous = resident;
  resident = null;
  const running = threadPool('int8Direct');
  if (running == null || (g.batch < running.pool.threads && !threadedSizeRulesWaived())) return false;
  // byte products only where relaxed SIMD runs (the int8 module's FMA build says so)
  if (threadPool('int8')?.kernels.hasBytes == null) return false;
  const { pool: threads, build } = running;
  // x already in the pool's memory: the previous call's output, no kernel on the pool in between
  const inPool =
    reuseInputs &&
    previous != null &&
    previous.dataId === all.x.dataId &&
    previous.memory === threads.memory &&
    previous.handout === handoutBefore
      ? previous
      : null;
  const chunks = Math.min(g.batch, threads.threads * CHUNKS_PER_THREAD);
  const per = Math.ceil(g.batch / chunks);
  const used = Math.ceil(g.batch / per);
  const image = g.inH * g.inW * g.inC;
  const layout = layoutOf(backend, all, g, pool);
  const { bytes, table, qStride } = layout;
  // with x in the pool's memory, the scratch starts after it
  const PARAMS = inPool == null ? 0 : alignedBytes(inPool.end);
  const TABLE = PARAMS + 128;
  const FLAGS = TABLE + alignedBytes(table.length * 4);
  const X = inPool == null ? FLAGS + alignedBytes(used * 4) : inPool.at;
  const W = inPool == null ? X + alignedBytes(g.batch * image * 4) : FLAGS + alignedBytes(used * 4);
  const SCALES = W + alignedBytes(bytes.length);
  const BIAS = SCALES + alignedBytes(layout.nPad * 4);
  const Q = BIAS + alignedBytes(layout.nPad * 4);
  const OUT = Q + used * qStride;
  const size = OUT + g.batch * outPositions * g.outC * 4;
  if (size > 2 ** 31 || !threads.reserve(size)) return false;
  const buffer = threads.memory.buffer;
  const floats = new Float32Array(buffer);
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  if (inPool == null) floats.set(view(all.x), X / 4);
  else reuses++;
  new Int8Array(buffer).set(bytes, W);
  setPadded(floats, view(all.scales), SCALES / 4, layout.nPad);
  setPadded(floats, view(all.bias), BIAS / 4, layout.nPad);
  const ints = new Int32Array(buffer);
  ints.fill(0, FLAGS / 4, FLAGS / 4 + used);
  ints.set(table, TABLE / 4);
  ints.set(
    params(
      g,
      { x: X, q: Q, w: W, out: OUT, scales: SCALES, bias: BIAS, flags: FLAGS, table: TABLE },
      layout,
      relu,
      pool,
      per,
    ),
    PARAMS / 4,
  );
  threads.run(build, 'int8DirectConvChunk', used, [PARAMS]);
  // an image with a negative input was left undone: the im2col path does the whole call
  if (new Int32Array(threads.memory.buffer, FLAGS, used).some((flag) => flag !== 0)) {
    signedInputs.refused(all.w.dataId);
    return false;
  }
  signedInputs.succeeded(all.w.dataId);
  const outFloats = g.batch * outPositions * g.outC;
  view(out).set(new Float32Array(threads.memory.buffer, OUT, outFloats));
  resident = {
    dataId: out.dataId,
    memory: threads.memory,
    handout: poolHandouts(),
    at: OUT,
    end: OUT + outFloats * 4,
  };
  return true;
}
