/**
 * The factor matrices of CP-ALS as the backend sees them (see `cp-products.ts`): transposed,
 * float32, `[rows, ∏ n_k]` (one row per component, then zero rows up to `rows`), kept from one
 * sweep to the next. Each is written again only when one of its host factors was replaced, and on
 * WASM in place, through a view of the heap, rather than as a new tensor: a sweep at 64^3 rank 10
 * otherwise made five uploads through the engine, each with its transposed copy. The kernels' results
 * are read back the same way ({@link readTransposed}).
 */
import { tf } from '@tensorfold/core';
import { hostKhatriRao64 } from '../products/host-khatri-rao.js';
import { heapBackend, heapView } from './heap-view.js';

/** One side matrix: its tensor and the versions of the host factors it was written from. */
interface Side {
  tensor: tf.Tensor2D;
  versions: number[];
}

/**
 * The transposed Khatri-Rao products of runs of neighbouring factors, `(A_from ⊙ ... ⊙ A_{to-1})ᵀ`,
 * as float32 `[rows, ∏_{from≤k<to} n_k]` tensors on the backend, for the contractions of a sweep.
 * It reads the factors from `host` (the caller's array) and makes a side again only when a factor
 * it was made from has {@link FactorSides.changed} since.
 */
export class FactorSides {
  /** `[rows, 1]` ones: the side of an empty run of factors. */
  readonly ones: tf.Tensor2D;
  private readonly sides = new Map<number, Side>();
  private readonly versions: number[];

  /**
   * @param host the factors `[n_k, R]`, row-major, float64 (read at each {@link side} call)
   * @param shape `[n_1, ..., n_N]`
   * @param rank `R`
   * @param rows the sides' row count, `>= rank` (see `productRows`)
   */
  constructor(
    private readonly host: readonly Float64Array[],
    private readonly shape: readonly number[],
    private readonly rank: number,
    readonly rows: number,
  ) {
    this.ones = tf.ones([rows, 1]);
    this.versions = shape.map(() => 0);
  }

  /** Says that factor `mode` changed (its entry in `host` was replaced or written). */
  changed(mode: number): void {
    this.versions[mode]++;
  }

  /** The tensor's order `N`. */
  get order(): number {
    return this.shape.length;
  }

  /** `(A_from ⊙ ... ⊙ A_{to-1})ᵀ` `[rows, ∏ n_k]`; {@link ones} where `from === to`. Owned by this object. */
  side(from: number, to: number): tf.Tensor2D {
    if (from === to) return this.ones;
    const key = from * this.shape.length + to;
    const current = this.sides.get(key);
    const versions = this.versions.slice(from, to);
    if (current !== undefined && versions.every((v, i) => v === current.versions[i])) return current.tensor;
    const sources = this.host.slice(from, to);
    const count = this.shape.slice(from, to).reduce((p, n) => p * n, 1);
    const values =
      to - from === 1 ? sources[0] : hostKhatriRao64(sources, this.shape.slice(from, to), this.rank);
    const heap = heapBackend();
    if (current !== undefined && heap !== null) {
      // in place: the zero rows from `rank` on stay as they are
      writeTransposed(values, count, this.rank, heap.typedArrayFromHeap(current.tensor));
      current.versions = versions;
      return current.tensor;
    }
    current?.tensor.dispose();
    const out = new Float32Array(this.rows * count);
    writeTransposed(values, count, this.rank, out);
    const tensor = tf.tensor2d(out, [this.rows, count], 'float32');
    this.sides.set(key, { tensor, versions });
    return tensor;
  }

  /** Frees every side and the ones. */
  dispose(): void {
    for (const { tensor } of this.sides.values()) tensor.dispose();
    this.sides.clear();
    this.ones.dispose();
  }
}

/** A row-major `[n, rank]` matrix written transposed into the first `rank` rows of `out` (`[·, n]`). */
function writeTransposed(values: Float64Array, n: number, rank: number, out: Float32Array): void {
  for (let r = 0; r < rank; r++) {
    const row = r * n;
    for (let i = 0, o = r; i < n; i++, o += rank) out[row + i] = values[o];
  }
}

/**
 * The first `rank` rows of a float32 `[rows, n]` result, transposed to `[n, rank]`, float64, into
 * `target` (default: a new array); the tensor is left to the caller. On WASM straight from the heap
 * (no copy through `data()`).
 */
export async function readTransposed(
  tensor: tf.TensorInfo,
  rank: number,
  target?: Float64Array,
): Promise<Float64Array> {
  const values = heapView(tensor) ?? ((await (tensor as tf.Tensor).data()) as Float32Array);
  const n = tensor.shape[1];
  const out = target ?? new Float64Array(n * rank);
  for (let r = 0; r < rank; r++) {
    const row = r * n;
    for (let i = 0, o = r; i < n; i++, o += rank) out[o] = values[row + i];
  }
  return out;
}
