import { existsSync, readdirSync } from 'node:fs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, initBackend } from '../../init-backend.js';
import { INT8_DENSE_CHAIN, packInt8Levels } from '../../int8/int8-kernels.js';
import { sequence } from '../test-utils/run-kernel.js';
import {
  poolHandouts,
  requestedThreads,
  setWasmThreads,
  WASM_THREADS_ENV,
  wasmThreads,
} from './wasm-threads.js';

/** The OS threads of this process (Linux), else null. */
function osThreads(): number | null {
  return existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : null;
}

/** A float product, a convolution and an int8 dense stack, each large enough for the pool; read back. */
async function work(): Promise<void> {
  const before = tf.memory().numTensors;
  const a = tf.tensor(sequence(192 * 256, 1), [192, 256]);
  const b = tf.tensor(sequence(256 * 128, 2), [256, 128]);
  const images = tf.tensor(sequence(32 * 28 * 28 * 8, 3), [32, 28, 28, 8]);
  const filter = tf.tensor(sequence(3 * 3 * 8 * 16, 4), [3, 3, 8, 16]);
  const levels = Int8Array.from(sequence(784 * 64, 5), (v) => Math.round(v * 127));
  const inputs = {
    x: tf.tensor2d(sequence(32 * 784, 6).map(Math.abs), [32, 784]),
    w0: tf.tensor(packInt8Levels(levels, 784, 64), [8, 392, 8], 'int32'),
    scales0: tf.fill([64], 0.01),
    bias0: tf.zeros([64]),
  };
  const outputs = [
    tf.matMul(a, b),
    tf.conv2d(images as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same'),
    tf.engine().runKernel(INT8_DENSE_CHAIN, inputs, { activations: ['relu'] } as never) as tf.Tensor,
  ];
  for (const y of outputs) await y.data();
  tf.dispose([a, b, images, filter, ...Object.values(inputs), ...outputs]);
  expect(tf.memory().numTensors).toBe(before);
}

describe(`${WASM_THREADS_ENV}=1`, () => {
  const saved = process.env[WASM_THREADS_ENV];
  beforeAll(async () => {
    process.env[WASM_THREADS_ENV] = '1';
    await initBackend({ require: 'wasm' });
  });
  afterAll(async () => {
    if (saved == null) delete process.env[WASM_THREADS_ENV];
    else process.env[WASM_THREADS_ENV] = saved;
    await setWasmThreads(1);
  });

  it('runs float and int8 kernels on the calling thread alone: no pool handed out, no thread started, XNNPACK single-threaded', async () => {
    expect(backendInfo().threads).toBe(1);
    expect(wasmThreads()).toBe(1);
    // tfjs-backend-wasm loads its threaded build only where WASM_HAS_MULTITHREAD_SUPPORT (never in Node)
    expect(getThreadsCount()).toBe(1);
    await work(); // warm: every module compiled
    const [handouts, threads] = [poolHandouts(), osThreads()];
    await work();
    expect(poolHandouts()).toBe(handouts);
    if (threads != null) expect(osThreads()).toBeLessThanOrEqual(threads);
  });

  it('does hand the pool out on 2 threads (the counter sees pool use), and the setting brings one thread back', async () => {
    const threads = osThreads();
    expect(await setWasmThreads(2)).toBe(2);
    if (threads != null) expect(osThreads()).toBeGreaterThan(threads);
    const handouts = poolHandouts();
    await work();
    expect(poolHandouts()).toBeGreaterThan(handouts);
    expect(await setWasmThreads(requestedThreads(undefined))).toBe(1);
    const after = poolHandouts();
    await work();
    expect(poolHandouts()).toBe(after);
  });
});
