/** Iris as plain arrays for the classic models' tests. */
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '@tensorfold/core';
import { loadIris } from '@tensorfold/data/node';

/** All 150 flowers: features `[150][4]` (cm) and class ids 0 (setosa), 1 (versicolor), 2 (virginica). */
export async function irisArrays(): Promise<{ x: number[][]; y: number[] }> {
  await tf.setBackend('cpu');
  const iris = await loadIris();
  try {
    const x = (await iris.xs.array()) as number[][];
    const y = Array.from(await iris.ys.data());
    return { x, y };
  } finally {
    iris.dispose();
  }
}

/** Setosa (+1) against versicolor (−1): the 100 flowers of the first two species. */
export async function setosaVersicolor(): Promise<{ x: number[][]; y: number[] }> {
  const { x, y } = await irisArrays();
  const keep = y.flatMap((c, i) => (c < 2 ? [i] : []));
  return { x: keep.map((i) => x[i]), y: keep.map((i) => (y[i] === 0 ? 1 : -1)) };
}
