import { tf } from '@tensorfold/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { WasmBackendLike } from '../kernel-scope.js';
import { floatZeroStepsSkipped } from '../kernels/float-zero-skip.js';
import { onOneWasmThreadWithFloatSkip } from '../test-utils/float-pairs.js';
import { sequence } from '../test-utils/run-kernel.js';
import * as kernelsWasm from './generated/kernels-wasm.js';
import * as pairStepsWasm from './generated/pair-steps-wasm.js';
import { pairStepKernels, setPairStepsModule } from './pair-steps.js';
import { simdKernelsFlavor } from './simd-kernels.js';
import { bytesOf } from './simd-module.js';

// setPairStepsModule (@tensorfold/backend/testing): the one-thread pairs' product runs another build.

describe('setPairStepsModule', () => {
  onOneWasmThreadWithFloatSkip();
  afterEach(() => setPairStepsModule(null));

  /** A ReLU-like [64, 512] . [512, 64] (pairs' lists walked on one thread): values and steps skipped. */
  const product = () => {
    const before = floatZeroStepsSkipped();
    const tensors = tf.memory().numTensors;
    const values = tf.tidy(() => {
      const a = tf.relu(tf.tensor2d(sequence(64 * 512, 31), [64, 512]));
      return tf.matMul(a, tf.tensor2d(sequence(512 * 64, 32), [512, 64])).dataSync() as Float32Array;
    });
    expect(tf.memory().numTensors).toBe(tensors);
    return { values, skipped: floatZeroStepsSkipped() - before };
  };

  it('runs the given build (the same bits for the same build), null the built-in one again', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const builtIn = pairStepKernels(backend);
    expect(builtIn).not.toBeNull();
    const want = product();
    expect(want.skipped).toBeGreaterThan(0);
    const flavor = simdKernelsFlavor();
    const bytes = bytesOf(flavor === 'fma' ? pairStepsWasm.FMA_WASM_BASE64 : pairStepsWasm.SIMD_WASM_BASE64);
    setPairStepsModule(bytes);
    const swapped = pairStepKernels(backend);
    expect(swapped).not.toBeNull();
    expect(swapped).not.toBe(builtIn);
    const got = product();
    expect(got.skipped).toBe(want.skipped);
    expect(Buffer.from(got.values.buffer).equals(Buffer.from(want.values.buffer))).toBe(true);
    setPairStepsModule(bytes); // compiled once per bytes
    expect(pairStepKernels(backend)).toBe(swapped);
    setPairStepsModule(null);
    expect(pairStepKernels(backend)).toBe(builtIn);
  });

  it('throws, naming the fix, for bytes that do not compile or are another module', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const builtIn = pairStepKernels(backend);
    expect(() => setPairStepsModule(new Uint8Array([0, 97, 115, 109, 9]))).toThrow(
      /do not compile on this runtime\. Pass a build of pair-steps\.wat/,
    );
    expect(() => setPairStepsModule(bytesOf(kernelsWasm.SIMD_WASM_BASE64))).toThrow(
      /not pairSteps and matMulPairs\. Pass a build of pair-steps\.wat/,
    );
    expect(pairStepKernels(backend)).toBe(builtIn);
  });
});
