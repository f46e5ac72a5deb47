/**
 * The layout a stack of int8 dense layers last wrote into a memory (int8-chain-by-rows.ts): the
 * job's arguments and where its weights are kept. A call of the same stack with the same batch, on a
 * memory nothing else wrote since, finds them still there and writes only its rows of x, every
 * layer's padded scales and bias (float32: their values can change under the same data id, see
 * {@link layoutKey}) and the chunks' flags: no sizes worked out again, no kept weights looked up, no
 * arguments written. `predict` calls a stack once a batch of 32 with the same weights each time
 * (BENCHMARKS.md, "int8 one thread").
 */
import { poolHandouts } from '../threads/wasm-threads.js';
import type { Kept } from './int8-by-threads.js';
import type { ChainLayer } from './int8-dense-chain.js';

/** Where a call's rows go and what it needs to run (bytes into the memory). */
export interface ChainLayout {
  /** The job's arguments. */
  params: number;
  /** The chunks' flags (a negative input met). */
  flags: number;
  /** x `[m, k0]`. */
  x: number;
  /** The last layer's output `[m, n_last]`. */
  out: number;
  chunks: number;
  /**
   * The batch it was laid out for (`m`): its rooms for rows (x, the outputs, levels, row scales, the
   * lists) hold that many, each row at the same place whatever the batch, so a smaller batch whose
   * chunks fit ({@link fitsLayout}) runs in them too.
   */
  rows: number;
  /** Rows a chunk took in the batch it was laid out for: with {@link chunks}, the rows the lists hold. */
  chunkRows: number;
  /** The bytes the call uses below its kept weights (keepWeights' scratch). */
  end: number;
  /** The kept weights the layout points into (keepWeights' answer then). */
  kept: Kept;
  /** Each layer's padded scales and bias (bytes) and their length: written by every call. */
  columns: Array<{ scales: number; bias: number; nPad: number }>;
}

interface Laid {
  key: unknown[];
  /** poolHandouts() when it was written (a pool's memory: valid while no other kernel took the pool). */
  handout: number;
  layout: ChainLayout;
}

const laid = new WeakMap<WebAssembly.Memory, Laid>();

let reuse = true;

/**
 * Whether a stack's call reuses the layout its last call left (`true`, the default) or lays
 * everything out again each call (`false`: the path before, for tests and benchmarks that compare
 * the two; the same bits either way).
 */
export function setInt8ChainLayoutReuse(on: boolean): void {
  reuse = on;
}

/**
 * What a layout depends on besides the batch ({@link fitsLayout}): the threads (chunks), the
 * products' switches (bits), and every layer's weights (int32 data is never rewritten under its id:
 * a new weight is a new id) and sizes.
 * Not the scales and bias: float32 data can be rewritten under its id (@tensorfold/optim's in-place
 * updates), so every call copies them, and a new tensor of them (a layer without bias gets new zeros
 * every call) needs no new layout.
 */
export function layoutKey(threads: number, switches: number, layers: readonly ChainLayer[]): unknown[] {
  const key: unknown[] = [threads, switches];
  for (const l of layers) key.push(l.w.dataId, l.k, l.n, l.relu);
  return key;
}

/**
 * The layout of the call described by `key`, of `m` rows in chunks of `chunkRows`, where it is the
 * last one written into `memory`, fits the call ({@link fitsLayout}), and nothing wrote there since:
 * `own` (a memory only the stacks write, int8-chain-solo.ts), else no other kernel took the pool
 * since (its handout came right after the layout's). Null otherwise.
 */
export function laidOut(
  memory: WebAssembly.Memory,
  key: unknown[],
  own: boolean,
  m: number,
  chunkRows: number,
): ChainLayout | null {
  const last = laid.get(memory);
  if (!reuse || last == null || (!own && last.handout !== poolHandouts() - 1)) return null;
  if (last.key.length !== key.length || !fitsLayout(last.layout, m, chunkRows)) return null;
  for (let i = 0; i < key.length; i++) if (last.key[i] !== key[i]) return null;
  return last.layout;
}

let smaller = true;

/**
 * Whether a stack's call with fewer rows than the layout its last call left (`predict`'s last batch,
 * 8 rows of 1000 after 31 of 32) runs in that layout (`true`, the default: it writes the batch and
 * its chunk's rows into the job's arguments, as every call does) or lays the stack out again for its
 * batch (`false`: the path before, which then laid the next pass's first batch out again too; for
 * tests and benchmarks that compare the two). The same bits either way: each row's place and its
 * work do not depend on the batch.
 */
export function setInt8ChainLayoutForSmallerBatches(on: boolean): void {
  smaller = on;
}

/**
 * Whether a call of `m` rows in chunks of `chunkRows` fits `layout`: its own batch, or (with
 * {@link setInt8ChainLayoutForSmallerBatches} on) no more rows, no more chunks (their flags), and
 * no more rows rounded up to whole chunks (the lists' room) than the layout's batch had.
 */
export function fitsLayout(layout: ChainLayout, m: number, chunkRows: number): boolean {
  if (m === layout.rows) return chunkRows === layout.chunkRows;
  const chunks = Math.ceil(m / chunkRows);
  return (
    smaller &&
    m < layout.rows &&
    chunks <= layout.chunks &&
    chunks * chunkRows <= layout.chunks * layout.chunkRows
  );
}

let written = 0;

/** How many layouts the stacks have written (laid out anew, not reused) in this process; for tests. */
export function chainLayoutsWritten(): number {
  return written;
}

/**
 * Records `layout` as what `memory` holds now, for the call described by `key` (`fresh`: just
 * written, not reused).
 */
export function rememberLayout(
  memory: WebAssembly.Memory,
  key: unknown[],
  layout: ChainLayout,
  fresh: boolean,
): void {
  const last = laid.get(memory);
  if (!fresh && last?.layout === layout) {
    last.handout = poolHandouts();
    return;
  }
  if (fresh) written++;
  laid.set(memory, { key, handout: poolHandouts(), layout });
}

/** Forgets what `memory` holds (before a call writes it, in case it stops half way). */
export function forgetLayout(memory: WebAssembly.Memory): void {
  laid.delete(memory);
}
