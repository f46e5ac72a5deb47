/**
 * The WASM pool's crossover fitted to a sweep of products (crossover-ab.ts's `sweep` mode): for each
 * product its multiply-adds `work`, the elements the pool copies `copied` (`m*k + k*n + m*n`) and the
 * median milliseconds per call on the pool and on one thread. The pool's extra time is modelled as
 * `pool - one = f + c * copied - g * work` (f: waking the workers; c: each copied element; g: the
 * share of the work the second thread takes), so the pool wins from
 * `work >= f/g + (c/g) * copied` multiply-adds: a base and a cost per copied element, as
 * `MatMulCrossover` (@tensorfold/backend/testing) states the rule.
 */

/** One product of the sweep. */
export interface SweepPoint {
  work: number;
  copied: number;
  /** Median ms per call on the pool. */
  pool: number;
  /** Median ms per call on the calling thread alone. */
  one: number;
}

/** The fitted rule: the pool pays from `base + perCopy * copied` multiply-adds. */
export interface FittedCrossover {
  base: number;
  perCopy: number;
  /** The model's terms: ms, ms per copied element, ms saved per multiply-add. */
  f: number;
  c: number;
  g: number;
}

/**
 * Least squares of `pool - one` on `[1, copied, work]`, each point weighed by `1 / one` (relative
 * errors: the largest products would otherwise decide alone). Null where the fit says the pool never
 * gains (g <= 0) or the points do not determine three terms (fewer than 3, or the three columns
 * linearly dependent: every point copying as much, say, or `copied` and `work` in one ratio).
 */
export function fitCrossover(points: readonly SweepPoint[]): FittedCrossover | null {
  if (points.length < 3) return null;
  // The weighted rows [1, copied, -work] / one and right-hand sides (pool - one) / one.
  const rows = points.map(({ work, copied, one }) => [1 / one, copied / one, -work / one]);
  const d = points.map(({ pool, one }) => (pool - one) / one);
  // Each column scaled to norm 1 (ms, per element and per multiply-add differ by 10^9), so that
  // the normal matrix has a unit diagonal and a vanishing pivot means dependent columns.
  const norms = [0, 1, 2].map((j) => Math.hypot(...rows.map((row) => row[j])));
  if (norms.some((norm) => !(norm > 0) || !Number.isFinite(norm))) return null;
  // Normal equations X^T X t = X^T d of the scaled columns.
  const xtx = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => rows.reduce((sum, row) => sum + (row[i] / norms[i]) * (row[j] / norms[j]), 0)),
  );
  const xtd = [0, 1, 2].map((i) => rows.reduce((sum, row, r) => sum + (row[i] / norms[i]) * d[r], 0));
  const scaled = solve3(xtx, xtd);
  if (scaled == null) return null;
  const [f, c, g] = scaled.map((t, i) => t / norms[i]);
  if (!(g > 0)) return null;
  return { base: f / g, perCopy: c / g, f, c, g };
}

/**
 * Pivots under this (the normal matrix's diagonal being 1) mean columns dependent to within
 * rounding: a cosine of `1 - 5e-11` or closer between two of them.
 */
const MIN_PIVOT = 1e-10;

/**
 * Solves the 3x3 system `a x = b` (a symmetric with a unit diagonal) by Gauss-Jordan elimination
 * with partial pivoting; null where a pivot falls under {@link MIN_PIVOT} (singular to within rounding).
 */
function solve3(a: number[][], b: number[]): number[] | null {
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (!(Math.abs(m[pivot][col]) >= MIN_PIVOT)) return null;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const factor = m[r][col] / m[col][col];
      for (let j = col; j < 4; j++) m[r][j] -= factor * m[col][j];
    }
  }
  return m.map((row, i) => row[3] / row[i]);
}

/**
 * The time a rule loses on the sweep: over every point, the time of the route the rule picks over the
 * faster route's, less 1 (0 where it picks the faster), summed. `routes(point)`: whether the rule
 * sends the point to the pool.
 */
export function routingLoss<P extends SweepPoint>(
  points: readonly P[],
  routes: (point: P) => boolean,
): number {
  return points.reduce((sum, p) => {
    const taken = routes(p) ? p.pool : p.one;
    return sum + taken / Math.min(p.pool, p.one) - 1;
  }, 0);
}

/**
 * The rule `work >= max(minimum, base + perCopy * copied)` with the least {@link routingLoss} over a
 * grid: base 0 to 16M multiply-adds in steps of 0.5M, perCopy 0 to 64 in steps of 2. On ties the
 * first in the search's order wins: the least perCopy, then the least base (not the rule that asks
 * fewest multiply-adds of every point: 16M + 0 comes before 0 + 2). `minimum` stays as given.
 */
export function bestCrossover(
  points: readonly SweepPoint[],
  minimum: number,
): { base: number; perCopy: number; loss: number } {
  let best = { base: 0, perCopy: 0, loss: Number.POSITIVE_INFINITY };
  for (let perCopy = 0; perCopy <= 64; perCopy += 2) {
    for (let base = 0; base <= 16e6; base += 0.5e6) {
      const loss = routingLoss(
        points,
        ({ work, copied }) => work >= minimum && work >= base + perCopy * copied,
      );
      if (loss < best.loss - 1e-9) best = { base, perCopy, loss };
    }
  }
  return best;
}
