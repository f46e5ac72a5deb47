import * as tf from '@tensorflow/tfjs-core';

/**
 * A sparse categorical accuracy's running sums updated by one batch in one kernel: `total` plus the
 * number of rows whose highest-scoring class (`argMax`'s pick: the first maximum) is the row's class
 * id, and `count` plus the rows. Inputs: `labels`, int32 `[rows]` (an id outside `[0, classes)` is
 * never right); `yPred`, float32 `[rows, classes]`; `total` and `count`, float32 scalars. Outputs: the
 * new `total` and `count`, float32 scalars, with the bits of the stock ops' update (`ArgMax`, `Equal`,
 * `Cast`, `Sum`, then two `Add`s: the sums are whole numbers, exact in float32). A backend may register
 * it (the WASM backend of `@tensorfold/backend` does); it has no gradient (metrics are not
 * differentiated).
 */
export const SPARSE_ACCURACY_UPDATE = 'TensorfoldSparseAccuracyUpdate';

let kernelEnabled = true;

/**
 * Lets {@link sparseAccuracyUpdate} run {@link SPARSE_ACCURACY_UPDATE} where the backend registers it
 * (`true`, the default) or return null, so that the metric takes the stock ops (`false`, as before),
 * for same-process A/B benchmarks and tests. The same bits either way.
 */
export function setSparseAccuracyKernelEnabled(on: boolean): void {
  kernelEnabled = on;
}

/**
 * A sparse categorical accuracy's `[total, count]` after one more batch, by
 * {@link SPARSE_ACCURACY_UPDATE} where it is enabled and the active backend registers it, `labels` is
 * int32 `[rows]` and `yPred` float32 `[rows, classes]` (at least one class), and `total` and `count`
 * float32 scalars; `null` elsewhere, for the caller's stock ops. Returns new tensors.
 */
export function sparseAccuracyUpdate(
  labels: tf.Tensor,
  yPred: tf.Tensor,
  total: tf.Scalar,
  count: tf.Scalar,
): [tf.Scalar, tf.Scalar] | null {
  if (
    !kernelEnabled ||
    labels.dtype !== 'int32' ||
    labels.rank !== 1 ||
    yPred.dtype !== 'float32' ||
    yPred.rank !== 2 ||
    yPred.shape[0] !== labels.shape[0] ||
    yPred.shape[1] === 0 ||
    total.dtype !== 'float32' ||
    count.dtype !== 'float32' ||
    tf.getKernel(SPARSE_ACCURACY_UPDATE, tf.getBackend()) == null
  ) {
    return null;
  }
  return tf.engine().runKernel(SPARSE_ACCURACY_UPDATE, { labels, yPred, total, count }) as unknown as [
    tf.Scalar,
    tf.Scalar,
  ];
}
