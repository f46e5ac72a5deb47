/**
 * The float MLP 784-512-256-10's inference as `predict` runs it, for the A/B scripts that time it
 * (crossover-ab.ts, float-skip-ab.ts): dense layers as fused products with their bias (relu on the
 * hidden ones), untrained random weights, the rows in batches of 32, each batch read back.
 */
import { tf } from '@tensorfold/core';

/** Rows a batch. */
const BATCH = 32;

/** The layers' widths, input first. */
const SIZES = [784, 512, 256, 10];

/** One pass over the rows, and the weights to free after. */
export interface MlpPredictPass {
  /**
   * Predicts every row of the input, batch after batch, and reads each batch's outputs back; returns
   * the last batch's (`[rows in it, 10]`, row-major).
   */
  run(): Float32Array;
  /** Frees the weights (not the input). */
  dispose(): void;
}

/**
 * The MLP's forward pass over `x` (`[rows, 784]`), with weights uniform in [-0.05, 0.05) (kernels
 * seeded 10, 11, 12; biases 20, 21, 22: the same in every run and script). `softmax`: the outputs go
 * through a softmax (the model's last activation) before they are read back; else the logits are.
 */
export function mlpPredictPass(x: tf.Tensor2D, options: { softmax: boolean }): MlpPredictPass {
  const weights = SIZES.slice(1).map((units, i) => ({
    w: tf.randomUniform([SIZES[i], units], -0.05, 0.05, 'float32', 10 + i) as tf.Tensor2D,
    b: tf.randomUniform([units], -0.05, 0.05, 'float32', 20 + i) as tf.Tensor1D,
  }));
  const [rows, columns] = x.shape;
  return {
    run() {
      let last: Float32Array = new Float32Array(0);
      for (let start = 0; start < rows; start += BATCH) {
        // (the read-back array is kept from inside: tidy walks every element of what it returns, which
        // cost 4-11 ms of CPU a pass of 1000 rows in same-process A/Bs of the whole pass under load, 2
        // threads; 30-100 us a batch timed alone: see BENCHMARKS.md, bench-dedupe and its review)
        tf.tidy(() => {
          let h: tf.Tensor = x.slice([start, 0], [Math.min(BATCH, rows - start), columns]); // [32, 784]
          for (const [i, { w, b }] of weights.entries()) {
            const activation = i < weights.length - 1 ? 'relu' : 'linear';
            h = tf.fused.matMul({ a: h, b: w, bias: b, activation }); // [32, units]
          }
          last = (options.softmax ? tf.softmax(h) : h).dataSync() as Float32Array;
        });
      }
      return last;
    },
    dispose() {
      tf.dispose(weights.flatMap(({ w, b }) => [w, b]));
    },
  };
}
