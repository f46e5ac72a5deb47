/**
 * Eigendecomposition of a small dense symmetric matrix in float64 on a flat `Float64Array`: Householder
 * reduction to tridiagonal form, then the implicit QL algorithm with shifts (the EISPACK `tred2` /
 * `tql2` pair, as in Golub & Van Loan §8.3). The same algorithm `ml-matrix` runs, without its
 * per-element `Matrix` accessors: 3–5x faster on the 100x100 Gram matrices of Tucker's sweeps.
 */

/** Eigenvalues (descending) and eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** `[n]`, largest first. */
  values: Float64Array;
  /** `[n, n]` row-major: eigenvector `j` is column `j` (unit length). */
  vectors: Float64Array;
}

/**
 * Eigendecomposition `A = V·diag(values)·Vᵀ` of a symmetric `[n, n]` row-major matrix (only its
 * values are read; `matrix` is not modified).
 */
export function symmetricEigen(matrix: Float64Array, n: number): SymmetricEigen {
  const v = Float64Array.from(matrix);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 1) return { values: Float64Array.of(matrix[0]), vectors: Float64Array.of(1) };
  tridiagonalize(v, d, e, n);
  diagonalize(v, d, e, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[b] - d[a]);
  const values = Float64Array.from(order, (i) => d[i]);
  const vectors = new Float64Array(n * n);
  // v holds the eigenvectors as rows (column j of V at v[j·n ...]), so that every inner loop below
  // runs over contiguous memory
  for (let j = 0; j < n; j++) {
    const column = order[j] * n;
    for (let row = 0; row < n; row++) vectors[row * n + j] = v[column + row];
  }
  return { values, vectors };
}

/**
 * The `count` leading eigenvectors only (`[n, count]` row-major) with all `n` eigenvalues (descending):
 * the tridiagonal form's eigenvalues by QL without vectors, then each wanted vector by inverse
 * iteration on the tridiagonal matrix (re-orthogonalised within clusters of close eigenvalues) and
 * the Householder back-transformation. About 3x cheaper than {@link symmetricEigen} for `count << n`,
 * which is the shape of every Tucker/TT step (10 leading vectors of a 100x100 Gram matrix).
 */
export function leadingSymmetricEigen(matrix: Float64Array, n: number, count: number): SymmetricEigen {
  if (n === 1 || count * 4 > n) {
    const full = symmetricEigen(matrix, n);
    const vectors = new Float64Array(n * count);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < count; j++) vectors[i * count + j] = full.vectors[i * n + j];
    return { values: full.values, vectors };
  }
  const q = Float64Array.from(matrix);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(q, d, e, n); // q: the orthogonal transform, column j stored as row j
  const diagonal = Float64Array.from(d);
  const off = new Float64Array(n); // off[i] couples i and i + 1
  for (let i = 0; i < n - 1; i++) off[i] = e[i + 1];
  const values = Float64Array.from(d);
  diagonalize(null, values, Float64Array.from(e), n);
  values.sort((a, b) => b - a);
  const scale = Math.max(Math.abs(values[0]), Math.abs(values[n - 1]), Number.MIN_VALUE);
  const clusterGap = 1e-3 * scale;
  const found: Float64Array[] = []; // eigenvectors of the tridiagonal matrix
  for (let j = 0; j < count; j++) {
    const cluster: Float64Array[] = [];
    for (let k = j - 1; k >= 0 && values[k] - values[j] <= clusterGap; k--) cluster.push(found[k]);
    found.push(tridiagonalEigenvector(diagonal, off, n, values[j], scale, cluster, j));
  }
  const vectors = new Float64Array(n * count); // back-transform: x = Q·z
  for (let j = 0; j < count; j++) {
    const z = found[j];
    for (let k = 0; k < n; k++) {
      const zk = z[k];
      if (zk === 0) continue;
      const column = k * n;
      for (let row = 0; row < n; row++) vectors[row * count + j] += q[column + row] * zk;
    }
  }
  return { values, vectors };
}

/**
 * A unit eigenvector of the symmetric tridiagonal matrix (`diagonal`, `off`) for the eigenvalue
 * `value`, by three steps of inverse iteration (LDLᵀ of `T − value·I`, tiny pivots replaced by
 * `eps·scale`), each orthogonalised against `cluster` (the vectors already found for close eigenvalues).
 */
function tridiagonalEigenvector(
  diagonal: Float64Array,
  off: Float64Array,
  n: number,
  value: number,
  scale: number,
  cluster: Float64Array[],
  seed: number,
): Float64Array {
  const tiny = 2 ** -52 * scale;
  const pivots = new Float64Array(n);
  const multipliers = new Float64Array(n);
  pivots[0] = diagonal[0] - value;
  if (Math.abs(pivots[0]) < tiny) pivots[0] = tiny;
  for (let i = 1; i < n; i++) {
    multipliers[i - 1] = off[i - 1] / pivots[i - 1];
    pivots[i] = diagonal[i] - value - multipliers[i - 1] * off[i - 1];
    if (Math.abs(pivots[i]) < tiny) pivots[i] = pivots[i] < 0 ? -tiny : tiny;
  }
  // a fixed, vector-specific start (a low-discrepancy sequence), so that results are deterministic
  let x = Float64Array.from(
    { length: n },
    (_, i) => 0.5 + (((i + 1) * 0.6180339887498949 + seed * 0.7548776662466927) % 1),
  );
  for (let step = 0; step < 3; step++) {
    const y = new Float64Array(n);
    y[0] = x[0];
    for (let i = 1; i < n; i++) y[i] = x[i] - multipliers[i - 1] * y[i - 1]; // L·y = x
    for (let i = 0; i < n; i++) y[i] /= pivots[i]; // D
    for (let i = n - 2; i >= 0; i--) y[i] -= multipliers[i] * y[i + 1]; // Lᵀ
    for (let pass = 0; pass < 2; pass++) {
      for (const other of cluster) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += other[i] * y[i];
        for (let i = 0; i < n; i++) y[i] -= dot * other[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += y[i] * y[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) break;
    for (let i = 0; i < n; i++) y[i] /= norm;
    x = y;
  }
  return x;
}

/** Householder reduction of `v` (in place, becomes the accumulated transform) to tridiagonal `d`, `e`. */
function tridiagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = v[j * n + (n - 1)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + (i - 1)];
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[i * n + j] = f;
        g = e[j] + v[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[j * n + k] * d[k];
          e[k] += v[j * n + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[j * n + k] -= f * e[k] + g * d[k];
        d[j] = v[j * n + (i - 1)];
        v[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  // accumulate the transformations
  for (let i = 0; i < n - 1; i++) {
    v[i * n + (n - 1)] = v[i * n + i];
    v[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[(i + 1) * n + k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[(i + 1) * n + k] * v[j * n + k];
        for (let k = 0; k <= i; k++) v[j * n + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[j * n + (n - 1)];
    v[j * n + (n - 1)] = 0;
  }
  v[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

/** Implicit QL with shifts on the tridiagonal `d`, `e`, rotating `v`'s columns along. */
function diagonalize(v: Float64Array | null, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      for (let iteration = 0; iteration < 60; iteration++) {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (v === null) continue; // eigenvalues only
          const next = (i + 1) * n; // column i + 1 (stored as a row)
          const current = i * n;
          for (let k = 0; k < n; k++) {
            h = v[next + k];
            v[next + k] = s * v[current + k] + c * h;
            v[current + k] = c * v[current + k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!(Math.abs(e[l]) > eps * tst1)) break;
      }
    }
    d[l] += f;
    e[l] = 0;
  }
}
