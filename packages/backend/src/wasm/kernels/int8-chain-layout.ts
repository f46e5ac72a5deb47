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
 * What a layout depends on: the batch, the threads (chunks), the products' switches (bits), and every
 * layer's weights (int32 data is never rewritten under its id: a new weight is a new id) and sizes.
 * Not the scales and bias: float32 data can be rewritten under its id (@tensorfold/optim's in-place
 * updates), so every call copies them, and a new tensor of them (a layer without bias gets new zeros
 * every call) needs no new layout.
 */
export function layoutKey(
  m: number,
  threads: number,
  switches: number,
  layers: readonly ChainLayer[],
): unknown[] {
  const key: unknown[] = [m, threads, switches];
  for (const l of layers) key.push(l.w.dataId, l.k, l.n, l.relu);
  return key;
}

/**
 * The layout of the call described by `key` where it is the last one written into `memory` and
 * nothing wrote there since: `own` (a memory only the stacks write, int8-chain-solo.ts), else no
 * other kernel took the pool since (its handout came right after the layout's). Null otherwise.
 */
export function laidOut(memory: WebAssembly.Memory, key: unknown[], own: boolean): ChainLayout | null {
  const last = laid.get(memory);
  if (!reuse || last == null || (!own && last.handout !== poolHandouts() - 1)) return null;
  if (last.key.length !== key.length) return null;
  for (let i = 0; i < key.length; i++) if (last.key[i] !== key[i]) return null;
  return last.layout;
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
