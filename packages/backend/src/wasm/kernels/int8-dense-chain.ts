/**
 * `TensorfoldInt8DenseChain` on WASM (see ../../int8/int8-kernels.ts): a stack of int8 dense layers in
 * one kernel call. Each layer's float output stays where the kernel wrote it (the pool's shared memory,
 * or one scratch buffer on tfjs-backend-wasm's heap) and is quantized there for the next layer, by the
 * same functions as {@link INT8_MAT_MUL}'s (threaded-int8.wat / int8.wat): no copy out and back in
 * between layers, no tensor, no engine call, and on the pool the byte weights of every layer stay in
 * the shared memory between batches. The result has the same bits as the layers' {@link INT8_MAT_MUL}
 * calls one after another (same quantization, same int32 sums, same epilogue).
 *
 * Paths, first that applies: batches of up to INT8_ONE_THREAD_ROWS rows (default 0: none) on one
 * thread on a memory of its own; the whole stack as one pool job over chunks of rows, or the same on one
 * thread on a memory of its own for batches of up to 64 rows (int8-chain-by-rows.ts); one pool job a layer
 * ({@link int8DenseChainByThreads}: signed inputs or linear hidden layers where byte products run);
 * one layer at a time on tfjs-backend-wasm's heap; the JavaScript reference without SIMD.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';
import { INT8_DENSE_CHAIN, INT8_MAT_MUL, type Int8DenseChainAttrs } from '../../int8/int8-kernels.js';
import { int8MatMulReference } from '../../int8/reference.js';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { int8Simd } from '../simd/int8-simd.js';
import { threadedSizeRulesWaived } from '../threads/threaded-minimum.js';
import { threadPool } from '../threads/wasm-threads.js';
import { alignedBytes } from './aligned.js';
import {
  int8DenseOnPool,
  keepWeights,
  quantizeChunks,
  setPadded,
  threadedInt8Minimum,
} from './int8-by-threads.js';
import {
  countChainCall,
  int8DenseChainByRows,
  int8DenseChainSolo,
  oneThreadFirst,
} from './int8-chain-by-rows.js';
import { checkPacked, denseOnHeap, heapRegions } from './int8-on-heap.js';
import { phaseEnd, phaseStart } from './int8-phases.js';

/** One layer of the chain: its operands and sizes (k inputs, n outputs). */
export interface ChainLayer {
  w: TensorInfo;
  scales: TensorInfo;
  bias: TensorInfo;
  k: number;
  n: number;
  relu: boolean;
}

/** The layers of a chain call, checked: each w packed for its k and n, each k the n before it. */
export function chainLayers(inputs: Record<string, TensorInfo>, attrs: Int8DenseChainAttrs): ChainLayer[] {
  const { x } = inputs;
  const activations = attrs.activations;
  if (!Array.isArray(activations) || activations.length === 0)
    throw new BackendError(
      `${INT8_DENSE_CHAIN} needs attrs.activations, one per layer ('linear' or 'relu').`,
    );
  let k = x.shape[x.shape.length - 1];
  return activations.map((activation, i) => {
    const [w, scales, bias] = [inputs[`w${i}`], inputs[`scales${i}`], inputs[`bias${i}`]];
    if (w == null || scales == null || bias == null)
      throw new BackendError(`${INT8_DENSE_CHAIN}: layer ${i} needs inputs w${i}, scales${i} and bias${i}.`);
    const n = scales.shape[0];
    checkPacked(w, k, n, INT8_DENSE_CHAIN, `layer ${i}'s weights`);
    for (const [name, operand] of [
      [`scales${i}`, scales],
      [`bias${i}`, bias],
    ] as const) {
      if (operand.dtype !== 'float32' || operand.shape.join() !== String(n))
        throw new BackendError(
          `${INT8_DENSE_CHAIN}: layer ${i}'s ${name} must be float32 [${n}] (one per output), got ${operand.dtype} [${operand.shape}].`,
        );
    }
    const layer = { w, scales, bias, k, n, relu: activation === 'relu' };
    k = n;
    return layer;
  });
}

/**
 * The chain on the pool into `out` (float32 `[m, n_last]`, allocated); false to leave it to one thread
 * (no pool, too small, memory short). Per layer: its input rows quantized (on this thread where small),
 * the tiles of its product on the pool (on this thread below the threaded minimum), its output kept
 * in the shared memory for the next layer; only the last is copied out.
 */
export function int8DenseChainByThreads(
  backend: WasmBackendLike,
  x: TensorInfo,
  layers: ChainLayer[],
  out: TensorInfo,
  m: number,
): boolean {
  let clock = phaseStart();
  const work = layers.reduce((sum, l) => sum + m * l.k * l.n, 0);
  if (work < threadedInt8Minimum() || (m < 8 && !threadedSizeRulesWaived())) return false;
  const running = threadPool('int8');
  if (running == null) return false;
  const { pool, kernels } = running;
  const relaxed = kernels.hasBytes != null;
  const sizes = layers.map((l) => {
    const [blocks, pairs] = l.w.shape;
    return { pairs, quads: Math.ceil(pairs / 2), nPad: blocks * 8 };
  });
  const most = (f: (i: number) => number) => Math.max(...layers.map((_, i) => f(i)));
  const flagWords = most((i) => quantizeChunks(m, layers[i].k, pool.threads).chunks);
  const nPad = most((i) => sizes[i].nPad);
  // Bytes of the pool's memory: the 14 arguments, the quantization's flags, x, two outputs (a
  // layer's, the next one's), the int16 levels, the row scales, the byte levels, w (int16 pairs, or
  // bytes where they cannot be kept), scales and bias: each sized for the largest layer (the layers
  // run one after another).
  const PARAMS = 0;
  const FLAGS = PARAMS + 64;
  const X = FLAGS + alignedBytes(flagWords * 4);
  const Y = [X + alignedBytes(m * layers[0].k * 4)];
  Y.push(Y[0] + alignedBytes(m * most((i) => layers[i].n) * 4));
  const LEVELS = Y[1] + alignedBytes(m * most((i) => layers[i].n) * 4);
  const ROW_SCALES = LEVELS + alignedBytes(m * most((i) => sizes[i].pairs) * 4);
  const LEVELS8 = ROW_SCALES + alignedBytes(m * 4);
  const W = LEVELS8 + (relaxed ? alignedBytes(m * most((i) => sizes[i].quads) * 4 + 16) : 0);
  const SCALES = W + alignedBytes(most((i) => sizes[i].nPad * sizes[i].pairs * 4));
  const end = SCALES + 2 * alignedBytes(nPad * 4); // scales, then bias
  if (end > 2 ** 31 || !pool.reserve(end)) return false;
  keepWeights(pool, end);
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t);
  new Float32Array(pool.memory.buffer).set(view(x) as Float32Array, X / 4);
  const scratch = { params: PARAMS, flags: FLAGS, levels: LEVELS, rowScales: ROW_SCALES, levels8: LEVELS8 };
  phaseEnd('chain: layout, x in', clock);
  let input = X;
  layers.forEach((layer, i) => {
    int8DenseOnPool(running, backend, layer, m, input, Y[i % 2], { ...scratch, w: W, scales: SCALES });
    input = Y[i % 2];
  });
  clock = phaseStart();
  const last = layers[layers.length - 1];
  (view(out) as Float32Array).set(new Float32Array(pool.memory.buffer, input, m * last.n));
  phaseEnd('chain: out', clock);
  return true;
}

/**
 * The chain on one thread with int8.wat on tfjs-backend-wasm's heap, into `out`: one scratch
 * allocation ({@link heapRegions}) holds the levels, row scales, two float outputs and padded scales
 * and bias (each layer's in turn; every layer is one {@link denseOnHeap}).
 * False where WebAssembly SIMD is missing.
 */
function chainOnHeap(
  scope: KernelScope,
  x: TensorInfo,
  layers: ChainLayer[],
  out: TensorInfo,
  m: number,
): boolean {
  const wasm = scope.backend;
  const simd = int8Simd(wasm);
  if (simd == null) return false;
  const relaxed = simd.packQuads != null;
  const sizes = layers.map((l) => {
    const [blocks, pairs] = l.w.shape;
    return { blocks, pairs, quads: Math.ceil(pairs / 2), nPad: blocks * 8 };
  });
  const most = (f: (i: number) => number) => Math.max(...layers.map((_, i) => f(i)));
  // 4-byte words of each region (scales and bias sized for the largest layer: the layers run one
  // after another)
  const { buffer, at } = heapRegions(scope, [
    ['levels', m * most((i) => sizes[i].pairs)],
    ['levels8', relaxed ? m * most((i) => sizes[i].quads) + 4 : 0],
    ['rowScales', m],
    ['y0', m * most((i) => layers[i].n)],
    ['y1', m * most((i) => layers[i].n)],
    ['w8', relaxed ? most((i) => sizes[i].blocks * 8 * sizes[i].quads) : 0],
    ['scales', most((i) => sizes[i].nPad)],
    ['bias', most((i) => sizes[i].nPad)],
  ]);
  const heap = (t: TensorInfo) => wasm.typedArrayFromHeap(t);
  const floats = new Float32Array(heap(buffer).buffer);
  let input = heap(x).byteOffset;
  layers.forEach((layer, i) => {
    const { blocks, pairs, nPad } = sizes[i];
    const output = i === layers.length - 1 ? heap(out).byteOffset : at[`y${i % 2}`];
    setPadded(floats, heap(layer.scales) as Float32Array, at.scales / 4, nPad);
    setPadded(floats, heap(layer.bias) as Float32Array, at.bias / 4, nPad);
    denseOnHeap(simd, {
      x: input,
      m,
      k: layer.k,
      n: layer.n,
      w: heap(layer.w).byteOffset,
      blocks,
      pairs,
      levels: at.levels,
      rowScales: at.rowScales,
      levels8: at.levels8,
      w8: at.w8,
      scales: at.scales,
      bias: at.bias,
      out: output,
      relu: layer.relu,
    });
    input = output;
  });
  return true;
}

const denseChain: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const all = inputs as unknown as Record<string, TensorInfo>;
  const { x } = all;
  const layers = chainLayers(all, attrs as unknown as Int8DenseChainAttrs);
  const m = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const last = layers[layers.length - 1];
  const scope = new KernelScope(wasm);
  try {
    const out = scope.allocate([...x.shape.slice(0, -1), last.n]); // [..., n_last]
    if (m * last.n === 0) return scope.finish(out);
    const call = { backend: wasm, x, layers, out, m };
    countChainCall(layers);
    // stacks of up to INT8_ONE_THREAD_ROWS rows (default 0: none) on the calling thread first
    if (oneThreadFirst(m) && int8DenseChainSolo(call)) return scope.finish(out);
    if (int8DenseChainByRows(call)) return scope.finish(out);
    if (int8DenseChainByThreads(wasm, x, layers, out, m)) return scope.finish(out);
    if (int8DenseChainSolo(call)) return scope.finish(out);
    if (chainOnHeap(scope, x, layers, out, m)) return scope.finish(out);
    // no SIMD: the reference, layer by layer
    const heap = (t: TensorInfo) => wasm.typedArrayFromHeap(t);
    let values: ArrayLike<number> = heap(x);
    for (const l of layers)
      values = int8MatMulReference(values, m, l.k, heap(l.w), l.n, heap(l.scales), heap(l.bias), l.relu);
    (heap(out) as Float32Array).set(values);
    return scope.finish(out);
  } finally {
    scope.dispose();
  }
};

/** The WASM kernel of a stack of int8 dense layers (the same numbers as {@link INT8_MAT_MUL} a layer). */
export const INT8_CHAIN_WASM_KERNELS: readonly KernelConfig[] = [
  { kernelName: INT8_DENSE_CHAIN, backendName: 'wasm', kernelFunc: denseChain },
];
