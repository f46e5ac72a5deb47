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
 * gains (g <= 0) or the points do not determine three terms.
 */
export function fitCrossover(points: readonly SweepPoint[]): FittedCrossover | null {
  if (points.length < 3) return null;
  // Normal equations X^T X t = X^T d, rows scaled by 1 / one.
  const xtx = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const xtd = [0, 0, 0];
  for (const { work, copied, pool, one } of points) {
    const w = 1 / one;
    const row = [w, copied * w, -work * w];
    const d = (pool - one) * w;
    for (let i = 0; i < 3; i++) {
      xtd[i] += row[i] * d;
      for (let j = 0; j < 3; j++) xtx[i][j] += row[i] * row[j];
    }
  }
  const t = solve3(xtx, xtd);
  if (t == null) return null;
  const [f, c, g] = t;
  if (!(g > 0)) return null;
  return { base: f / g, perCopy: c / g, f, c, g };
}

/** Solves the 3x3 system `a x = b` by Gaussian elimination with partial pivoting; null if singular. */
function solve3(a: number[][], b: number[]): number[] | null {
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (Math.abs(m[pivot][col]) < 1e-300) return null;
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
 * grid: base 0 to 16M multiply-adds in steps of 0.5M, perCopy 0 to 64 in steps of 2 (the fewest
 * multiply-adds on ties: the pool where it costs nothing). `minimum` stays as given.
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
