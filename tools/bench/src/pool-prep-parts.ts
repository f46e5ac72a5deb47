/**
 * Issue 22: the pool products' preparation on one thread, part by part, on a training step's
 * operands of the MLP 784-512-256-10 (MNIST's first batch of 128, as pool-copy-share builds them):
 * `before` (mat-mul-by-threads.ts's `'before'`: threaded-mat-mul.wat's `transpose` and `packPanels`,
 * one `pairSteps` over `op(a)`, `allFinite` over the panels, each timed too) against prepChunk's
 * row chunks (transpose + lists), column groups (panels + finiteness) and the lists' table
 * (mat-mul-by-threads.ts's `joinLists`, replayed here), all called on this thread. us a call, median
 * of 41 rounds of 10 calls. Single-threaded memory work: steadier under load than the pool's timings.
 *
 * `TENSORFOLD_WASM_THREADS=2 pnpm --filter @tensorfold/bench pool-prep-parts`
 */
import { poolInternals } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { useBackend } from './backends.js';
import { mlpOperands, mlpProducts } from './mlp-operands.js';
import { reservedPoolLayout } from './pool-layout.js';
import { medianOf as median } from './steadiness.js';

const { threadPool } = poolInternals;
await useBackend('wasm');
const tensorsBefore = tf.memory().numTensors;
const operands = await mlpOperands();
const pool = threadPool('matMul')!;
const pairs = threadPool('pairs')!;
const kp = pairs.kernels as unknown as {
  prepChunk(c: number, p: number): void;
  pairSteps(a: number, l: number, m: number, k: number): number;
};
for (const [name, a, b, tA, tB] of mlpProducts(operands)) {
  // the pool path's own layout in floats (mat-mul-by-threads.ts's layoutOf), reserved
  const { m, k, n, mPad, nPad, rows, panels, raw, rawB, lists, chunkLists, params, flags } =
    reservedPoolLayout(a, b, tA, tB);
  const heap = new Float32Array(pool.pool.memory.buffer);
  const words = new Int32Array(pool.pool.memory.buffer);
  const heapOf = tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
  // op(a) as the kernel copies it in: as given at raw where transposed, else straight into rows
  heap.set(heapOf.typedArrayFromHeap(a), tA ? raw : rows);
  heap.set(heapOf.typedArrayFromHeap(b), rawB);
  const wanted = 8;
  const groupCols = Math.ceil(nPad / 8 / wanted) * 8;
  const groups = Math.ceil(nPad / groupCols);
  const chunkRows = Math.ceil(mPad / 4 / wanted) * 4;
  const first = Math.ceil(mPad / chunkRows);
  const before = () => {
    if (tA) pool.kernels.transpose(raw * 4, rows * 4, k, m);
    else heap.set(heapOf.typedArrayFromHeap(a), rows);
    pool.kernels.packPanels(rawB * 4, panels * 4, k, n, tB ? 1 : 0);
    kp.pairSteps(rows * 4, lists * 4, mPad, k);
    pool.kernels.allFinite(panels * 4, nPad * k);
  };
  const parts: Record<string, () => void> = {
    transpose: () => {
      if (tA) pool.kernels.transpose(raw * 4, rows * 4, k, m);
    },
    pack: () => pool.kernels.packPanels(rawB * 4, panels * 4, k, n, tB ? 1 : 0),
    list: () => kp.pairSteps(rows * 4, lists * 4, mPad, k),
    finite: () => pool.kernels.allFinite(panels * 4, nPad * k),
  };
  const setArgs = (listing: boolean) =>
    words.set(
      [
        rawB * 4,
        panels * 4,
        k,
        n,
        tB ? 1 : 0,
        groupCols,
        rows * 4,
        listing ? chunkLists * 4 : 0,
        mPad,
        tA ? raw * 4 : 0,
        m,
        flags * 4,
        first,
        chunkRows,
      ],
      params,
    );
  const rowChunks = () => {
    setArgs(true);
    for (let c = 0; c < first; c++) kp.prepChunk(c, params * 4);
  };
  const groupChunks = () => {
    setArgs(true);
    for (let c = first; c < first + groups; c++) kp.prepChunk(c, params * 4);
  };
  const kb = Math.ceil(k / 256);
  const join = () => {
    const stride = (chunkRows / 2) * (kb + k) + 5;
    const ends = lists + (mPad / 2) * kb;
    let entry = 0;
    let listed = 0;
    for (let c = 0; c < first; c++) {
      const region = chunkLists + c * stride;
      const entries = (Math.min(chunkRows, mPad - c * chunkRows) / 2) * kb;
      for (let e = 0; e < entries; e++, entry++) {
        words[lists + entry] = words[region + e];
        words[ends + entry] = words[region + e + 1];
      }
      listed += words[flags + c];
    }
    return listed;
  };
  const t = (fn: () => void) => {
    const r: number[] = [];
    for (let i = 0; i < 41; i++) {
      const s = performance.now();
      for (let j = 0; j < 10; j++) fn();
      r.push((performance.now() - s) * 100);
    }
    return median(r).toFixed(0);
  };
  console.log(
    `${name}: before ${t(before)} us (${Object.entries(parts)
      .map(([p, f]) => `${p} ${t(f)}`)
      .join(
        ', ',
      )}); prepChunk on this thread: rows ${t(rowChunks)}, groups ${t(groupChunks)}, join ${t(join)}`,
  );
}
operands.dispose();
if (tf.memory().numTensors !== tensorsBefore) throw new Error('pool-prep-parts leaked tensors');
