/**
 * The page of the browser test (bundled by esbuild, opened in Chromium): starts backends through
 * `initBackend` as an application would, then runs the parity cases on WebGPU and WASM against the
 * CPU backend in the same page and reports every mismatch.
 */
import { tf } from '@tensorfold/core';
import type { BackendInfo } from '../../backend-info.js';
import { initBackend, useBackend } from '../../init-backend.js';
import { compareResults, PARITY_TOLERANCE } from '../../parity/compare.js';
import { type CaseResult, KERNEL_CASES, runCase } from '../../parity/kernel-cases.js';
import type { WasmBackendLike } from '../../wasm/kernel-scope.js';
import { simdKernels } from '../../wasm/simd/simd-kernels.js';

/** What the page reports back to the test. */
export interface BrowserReport {
  /** `initBackend()` with no options. */
  auto: BackendInfo;
  /** `initBackend({ require: 'webgpu' })`, or why it could not start. */
  webgpu: BackendInfo | { error: string };
  /** Cases run per backend. */
  checked: Record<string, number>;
  /** `backend: case: what differs`, one per failing case. */
  mismatches: string[];
  /** Whether tensorfold's SIMD kernels started on the WASM backend (so the WASM cases ran on them). */
  wasmSimdKernels: boolean;
  /** Tensors alive after all cases minus before (0: no leaks). */
  leakedTensors: number;
  elapsedMs: number;
}

async function runChecks(options: { wasmPaths: string }): Promise<BrowserReport> {
  const start = performance.now();
  const auto = await initBackend({ wasmPaths: options.wasmPaths });
  await useBackend('cpu');
  const tensorsBefore = tf.memory().numTensors;
  const reference = new Map<string, CaseResult>();
  for (const kernelCase of KERNEL_CASES) {
    reference.set(kernelCase.name, await runCase(kernelCase, { useReference: true }));
  }
  let webgpu: BrowserReport['webgpu'];
  try {
    webgpu = await initBackend({ require: 'webgpu' });
  } catch (error) {
    webgpu = { error: (error as Error).message };
  }
  const mismatches: string[] = [];
  const checked: Record<string, number> = {};
  const backends = 'error' in webgpu ? (['wasm'] as const) : (['webgpu', 'wasm'] as const);
  for (const backend of backends) {
    await useBackend(backend);
    checked[backend] = 0;
    for (const kernelCase of KERNEL_CASES) {
      try {
        const got = await runCase(kernelCase);
        const problem = compareResults(
          got,
          reference.get(kernelCase.name)!,
          PARITY_TOLERANCE[backend],
          kernelCase.slack,
        );
        if (problem != null) mismatches.push(`${backend}: ${kernelCase.name}: ${problem}`);
      } catch (error) {
        mismatches.push(`${backend}: ${kernelCase.name}: threw ${(error as Error).message}`);
      }
      checked[backend]++;
    }
  }
  await useBackend('wasm');
  const wasmSimdKernels = simdKernels(tf.backend() as unknown as WasmBackendLike) != null;
  return {
    auto,
    webgpu,
    wasmSimdKernels,
    checked,
    mismatches,
    leakedTensors: tf.memory().numTensors - tensorsBefore,
    elapsedMs: performance.now() - start,
  };
}

(globalThis as unknown as { runChecks: typeof runChecks }).runChecks = runChecks;
