import { expect } from 'vitest';
import '../index.js';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** Runs tests on the CPU backend (exact, everywhere). */
export async function useCpu(): Promise<void> {
  tf.env().set('IS_TEST', true); // silences the CPU backend's "install tfjs-node" banner
  await tf.setBackend('cpu');
  await tf.ready();
}

/** The values of a tensor as a plain array (awaits the device). */
export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Runs `fn` and returns how many tensors it left allocated. */
export async function leakedBy(fn: () => unknown | Promise<unknown>): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}

/**
 * Asserts that `actual` and `expected` have the same length and differ by at most `atol` everywhere
 * (NaN matches only NaN).
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i]) && Number.isNaN(expected[i])) continue;
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= atol))
      expect.fail(`element ${i}: ${actual[i]} vs ${expected[i]} (difference ${diff} > ${atol})`);
  }
}
