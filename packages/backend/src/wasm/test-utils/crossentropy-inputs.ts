/**
 * Probabilities `[rows, classes]` with awkward rows: one near 0 and near 1 (the clip cuts), exact
 * zeros and ones, rows that do not sum to 1; targets one-hot or soft (seeded, the same every run).
 */
export function crossentropyInputs(shape: number[], soft: boolean): { y: Float32Array; p: Float32Array } {
  const classes = shape[shape.length - 1];
  const size = shape.reduce((a, n) => a * n, 1);
  const p = new Float32Array(size);
  const y = new Float32Array(size);
  let seed = size * 7 + (soft ? 1 : 0);
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let r = 0; r < size / classes; r++) {
    const at = r * classes;
    for (let j = 0; j < classes; j++) p[at + j] = next() + 0.01;
    if (r % 5 === 1) p.fill(0, at, at + classes).fill(1, at, at + 1); // exactly one-hot
    if (r % 5 === 2) {
      // The clip cuts both ends: 1 and 1e-9 (a row sum of 1 in float32 and float64 alike; where
      // the two sums differed, a probability within rounding of the clip's bounds would flip it).
      p[at] = 1;
      for (let j = 1; j < classes; j++) p[at + j] = 1e-9;
    }
    if (r % 5 === 3) p[at + (r % classes)] = 0; // an exact zero
    for (let j = 0; j < classes; j++) y[at + j] = soft ? next() : j === (r * 3) % classes ? 1 : 0;
  }
  return { y, p };
}
