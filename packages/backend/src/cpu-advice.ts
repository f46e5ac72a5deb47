import type { SkippedBackend } from './backend-info.js';

/**
 * How many times slower tfjs's CPU backend trains than tensorfold's WASM backend: LeNet-5 (Adam,
 * batch 64, tensorfold layers), process CPU time per step, 4606 ms against 20.2 ms (228x), on a
 * 2-core AMD EPYC in Node 20, measured by `tools/bench/src/cpu-slowdown.ts` (the "CPU against WASM"
 * section of BENCHMARKS.md), rounded.
 */
export const CPU_SLOWDOWN = 230;

/**
 * The same ratio for the MLP 784-512-256-10 (Adam, batch 128), whose large matrix products the CPU
 * backend does comparatively well: 1826 against 104 samples/s (17.6x) in one run of
 * `pnpm --filter @tensorfold/bench bench backend-training --backend wasm,cpu --quick`, rounded.
 */
export const MLP_CPU_SLOWDOWN = 18;

/**
 * What to tell someone whose code runs on the CPU backend: how much slower it is than WASM, why WASM
 * did not start (when it was tried) and how to get it. One paragraph, no line breaks.
 */
export function cpuAdvice(skipped: readonly SkippedBackend[], platform: 'node' | 'browser'): string {
  const wasm = skipped.find((s) => s.name === 'wasm');
  const speed = `The cpu backend trains about ${CPU_SLOWDOWN}x slower than wasm (LeNet-5; ${MLP_CPU_SLOWDOWN}x for an MLP).`;
  const why = wasm ? ` wasm did not start: ${wasm.reason}` : '';
  const how =
    platform === 'browser'
      ? " To get wasm, serve the .wasm files of @tensorflow/tfjs-backend-wasm (its dist folder) with your page and pass their folder: initBackend({ wasmPaths: '/wasm/' })."
      : " To get wasm, call initBackend() without forcing cpu (unset TENSORFOLD_BACKEND); initBackend({ require: 'wasm' }) says why it cannot start.";
  return `${speed}${why}${why.endsWith('.') || why === '' ? '' : '.'}${how}`;
}
