/**
 * "Trains on every backend": a small model using the layer under test is fitted for a few
 * epochs on each backend this machine has; the loss must fall, the weights stay finite, and no
 * tensors leak between epochs.
 */
import { type BackendName, useBackend } from '@tensorfold/backend';
import { Callback, type Model, setSeed, tf } from '@tensorfold/core';
import { expect } from 'vitest';
import { meanSquaredError, TestSGD } from './toys.js';

/**
 * The backends each layer's own test file trains on: the CPU backend. WASM and WebGPU (through
 * `@tensorfold/backend`, on SwiftShader where there is no GPU) are covered for every layer at once
 * by `integration/backends.test.ts`, which starts each backend once for the whole catalog.
 */
export function testBackends(): BackendName[] {
  return ['cpu'];
}

class TensorCounter extends Callback {
  readonly counts: number[] = [];
  override onEpochEnd(): void {
    this.counts.push(tf.memory().numTensors);
  }
}

/** Options of {@link expectTrains}. */
export interface TrainingCheckOptions {
  /** Epochs to train. Default 6. */
  epochs?: number;
  /** Learning rate of plain SGD. Default 0.05. */
  learningRate?: number;
  /** Batch size. Default 8. */
  batchSize?: number;
  /** The final loss must be below this fraction of the initial loss. Default 0.9. */
  improvement?: number;
}

/**
 * On `backend`, builds the model (after `setSeed(1)`), trains it on `x`/`y` with SGD and mean
 * squared error, and checks that the loss fell, nothing leaked, and the weights are finite.
 */
export async function expectTrains(
  backend: BackendName,
  build: () => Model,
  data: () => { x: tf.Tensor | tf.Tensor[]; y: tf.Tensor },
  options: TrainingCheckOptions = {},
): Promise<void> {
  const { epochs = 6, learningRate = 0.05, batchSize = 8, improvement = 0.9 } = options;
  const previous = tf.getBackend() as BackendName;
  await useBackend(backend);
  try {
    setSeed(1);
    const model = build();
    model.compile({ optimizer: new TestSGD(learningRate), loss: meanSquaredError });
    const { x, y } = data();
    const before = await model.evaluate(x, y, { batchSize });
    const counter = new TensorCounter();
    const history = await model.fit(x, y, { epochs, batchSize, shuffle: false, callbacks: [counter] });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite), `finite losses on ${backend}`).toBe(true);
    expect(losses[losses.length - 1], `loss falls on ${backend}`).toBeLessThan(before.loss * improvement);
    expect(counter.counts[counter.counts.length - 1], `no tensors leak between epochs on ${backend}`).toBe(
      counter.counts[0],
    );
    for (const w of model.weights) {
      const finite = tf.tidy(() => tf.all(tf.isFinite(w.read())));
      expect((await finite.data())[0], `weight ${w.path} is finite`).toBe(1);
      finite.dispose();
    }
    model.dispose();
    tf.dispose([...(Array.isArray(x) ? x : [x]), y]);
  } finally {
    await useBackend(previous);
  }
}
