import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../backend-name.js';
import { useBackend } from '../init-backend.js';
import type { Tolerance } from '../parity/compare.js';
import type { CaseResult } from '../parity/kernel-cases.js';
import type { FuzzCase } from './fuzz-cases.js';

/**
 * Runs `fuzzCase` with parameters `p` on `backend` (switching to it): builds the inputs there, reads
 * every output with `await data()` (safe on WebGPU), frees everything, and fails when tensors leak.
 */
export async function evaluate<P>(backend: BackendName, fuzzCase: FuzzCase<P>, p: P): Promise<CaseResult> {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const outputs = tf.tidy(() => fuzzCase.run(p));
  let result: CaseResult;
  try {
    const values = await Promise.all(outputs.map(async (t) => Float32Array.from(await t.data())));
    result = { values, shapes: outputs.map((t) => t.shape) };
  } finally {
    tf.dispose(outputs);
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`${fuzzCase.name} left ${leaked} tensors on ${backend}`);
  return result;
}

/**
 * Null when `got` has `want`'s shapes and every element is within
 * `slack * (atol + rtol * |want|)` of it (equal infinities and NaN against NaN agree: the CPU
 * reference's overflow and 0/0 must be the backend's too); else a sentence naming the first output
 * that differs and its worst element.
 */
export function compareOutputs(
  got: CaseResult,
  want: CaseResult,
  tolerance: Tolerance,
  slack: number,
): string | null {
  if (JSON.stringify(got.shapes) !== JSON.stringify(want.shapes)) {
    return `output shapes ${JSON.stringify(got.shapes)}, CPU gives ${JSON.stringify(want.shapes)}`;
  }
  for (let output = 0; output < want.values.length; output++) {
    const expected = want.values[output];
    const actual = got.values[output];
    let worst = 0;
    let worstAt = -1;
    for (let i = 0; i < expected.length; i++) {
      if (actual[i] === expected[i] || (Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) continue;
      const excess =
        Math.abs(actual[i] - expected[i]) - slack * (tolerance.atol + tolerance.rtol * Math.abs(expected[i]));
      if (!(excess <= worst)) {
        worst = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
        worstAt = i;
      }
    }
    if (worstAt >= 0) {
      return `output ${output} ${JSON.stringify(want.shapes[output])}: element ${worstAt} is ${actual[worstAt]}, CPU gives ${expected[worstAt]}`;
    }
  }
  return null;
}
