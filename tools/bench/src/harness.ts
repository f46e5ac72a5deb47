/**
 * The benchmark harness. A suite measures tensorfold and a peer (usually `@tensorflow/tfjs-layers` or
 * a plain implementation) in the same process, on the same backend, and reports the ratio, because
 * the machines we run on are shared and noisy: absolute numbers drift, same-run ratios hold.
 */
import * as tf from '@tensorflow/tfjs-core';
import { medianOf } from './steadiness.js';

/** What a suite gets from the harness. */
export interface BenchContext {
  /** The backend in use (`cpu`, `wasm`, `webgpu`). */
  backend: string;
  /** `--quick`: fewer repetitions, for smoke runs in CI. */
  quick: boolean;
  /** Records one result row. */
  report(row: BenchRow): void;
}

/** One measured comparison. */
export interface BenchRow {
  suite: string;
  case: string;
  /** What `value` measures, e.g. `samples/s`, `ms`, `GFLOP/s`. */
  unit: string;
  /** tensorfold's figure. */
  value: number;
  /** The peer's figure in the same run (null when the peer cannot run this case, e.g. tfjs-layers LeNet on WASM). */
  peer: number | null;
  /** What the peer is. */
  peerName: string;
  /** Whether a larger value is better (throughput) or smaller (time). */
  higherIsBetter: boolean;
  note?: string;
  /**
   * False when the suite found the machine too busy to judge this comparison (its note says why);
   * the table then marks the ratio "not judged". Unset: the suite does not judge steadiness.
   */
  judged?: boolean;
  /**
   * The verdict of a judged row (verdict.ts): `level`, `faster` or `slower` (tensorfold against the
   * peer); the table prints it after the ratio.
   */
  call?: 'level' | 'faster' | 'slower';
  /**
   * The ratio the suite measured directly, oriented as {@link advantage} (> 1: tensorfold better),
   * e.g. the median of round-by-round ratios of paired rounds; the table prints it instead of
   * `value / peer` (each side's own median, which swings more).
   */
  ratio?: number;
}

/** A benchmark suite: a file in src/suites/ whose default export is one of these. */
export interface Suite {
  name: string;
  /** One line on what it measures. */
  description: string;
  /** Backends it makes sense on. Default: all. */
  backends?: string[];
  run(ctx: BenchContext): Promise<void>;
}

/** Statistics of repeated timings in milliseconds. */
export interface Timing {
  /** The median run (steadiness.medianOf: the mean of the middle two of an even count). */
  medianMs: number;
  minMs: number;
  runs: number;
}

/**
 * Times `fn` (sync or async): `warmup` untimed runs, then runs until `minTimeMs` has passed and at
 * least `minRuns` ran. Awaits `tf` work by reading back results the caller returns.
 */
export async function timeIt(
  fn: () => unknown | Promise<unknown>,
  options: { warmup?: number; minRuns?: number; minTimeMs?: number } = {},
): Promise<Timing> {
  const { warmup = 2, minRuns = 5, minTimeMs = 1000 } = options;
  for (let i = 0; i < warmup; i++) await settle(await fn());
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minTimeMs) {
    const t0 = performance.now();
    await settle(await fn());
    times.push(performance.now() - t0);
  }
  return { medianMs: medianOf(times), minMs: Math.min(...times), runs: times.length };
}

/** Waits for a tensor result (or array of them) to be computed, then frees it. */
async function settle(result: unknown): Promise<void> {
  const tensors = (Array.isArray(result) ? result : [result]).filter(
    (t): t is tf.Tensor => t instanceof tf.Tensor,
  );
  for (const t of tensors) {
    await t.data();
    t.dispose();
  }
}

/** `value / peer` oriented so that > 1 means tensorfold is better (or the row's own `ratio`). */
export function advantage(row: BenchRow): number | null {
  if (row.peer === null || row.peer === 0) return null;
  if (row.ratio != null) return row.ratio;
  return row.higherIsBetter ? row.value / row.peer : row.peer / row.value;
}
