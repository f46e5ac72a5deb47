/** Test helper: runs an exported model in onnxruntime-node beside tensorfold's prediction. */
import { type Model, tf } from '@tensorfold/core';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { exportOnnx } from '../export.js';

/** The largest absolute difference between ONNX Runtime's output on `x` and `model.predict(x)`. */
export async function worstDifference(model: Model, x: tf.Tensor): Promise<number> {
  const before = tf.memory().numTensors;
  const bytes = await exportOnnx(model);
  expect(tf.memory().numTensors).toBe(before); // exporting leaves no tensor behind
  const session = await ort.InferenceSession.create(bytes);
  const feed = {
    [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(await x.data()), x.shape),
  };
  const result = await session.run(feed);
  const theirs = result[session.outputNames[0]];
  const ours = model.predict(x) as tf.Tensor;
  expect(Array.from(theirs.dims)).toEqual(ours.shape);
  const mine = await ours.data();
  let worst = 0;
  (theirs.data as Float32Array).forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - mine[i]));
  });
  ours.dispose();
  await session.release();
  return worst;
}

/** Runs the exported file in ONNX Runtime and expects tensorfold's prediction within `atol`. */
export async function expectSamePredictions(model: Model, x: tf.Tensor, atol = 1e-5): Promise<void> {
  expect(await worstDifference(model, x)).toBeLessThanOrEqual(atol);
}

/** Sets every weight of `model` to seeded uniform values in [-0.5, 0.5] (so biases and gates all matter). */
export function randomizeWeights(model: Model, seed: number): void {
  model.setWeights(
    model.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, 'float32', seed + i)),
  );
}
