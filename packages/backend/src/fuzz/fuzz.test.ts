/**
 * The differential fuzz suite: every case of fuzz-cases.ts, on fast-check's seeded random
 * parameters, on WASM and (where it starts, or when TENSORFOLD_REQUIRE_WEBGPU=1) WebGPU, compared with
 * the CPU backend. All properties run in one process, one after the other, so a kernel that corrupts
 * the WASM heap fails the later ones too; the last property runs long random sequences of ops.
 *
 * A failure prints fast-check's report: the seed, the path to replay it, and the smallest
 * (shrunk) parameters that still fail, with the backend and element that differ.
 * `pnpm fuzz` (FUZZ_RUNS, FUZZ_SEED) runs longer; see the package README.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { PARITY_TOLERANCE } from '../parity/compare.js';
import { backendsForTests } from '../testing.js';
import { FUZZ_CASES } from './fuzz-cases.js';
import { fuzzConfig } from './fuzz-config.js';
import { compareOutputs, evaluate } from './run-case.js';
import { sequenceCase, sequenceParams } from './sequence.js';

const config = fuzzConfig();
const targets = (await backendsForTests()).filter((name) => name !== 'cpu') as Array<'wasm' | 'webgpu'>;
// Every WebGPU kernel on the GPU, not tfjs-backend-cpu's kernels for small tensors (see FuzzConfig).
if (targets.includes('webgpu') && config.webgpuOnGpu) tf.env().set('WEBGPU_CPU_FORWARD', false);
console.info(
  `[tensorfold fuzz] seed ${config.seed}, ${config.runs} runs per property, on ${targets.join(', ')} against cpu` +
    `${config.webgpuOnGpu ? '' : ', WebGPU forwarding small tensors to CPU kernels'} ` +
    `(replay: FUZZ_SEED=${config.seed} FUZZ_RUNS=${config.runs})`,
);

/** fast-check settings shared by every property. */
const settings = (runs: number) => ({ seed: config.seed, numRuns: runs }) as const;

/** Per property: a few minutes at most even on SwiftShader when FUZZ_RUNS is large. */
const TIMEOUT_MS = Math.max(120_000, config.runs * 10_000);

describe('differential fuzz against the CPU backend', () => {
  for (const fuzzCase of FUZZ_CASES) {
    it(
      fuzzCase.name,
      async () => {
        await fc.assert(
          fc.asyncProperty(fuzzCase.arbitrary, async (p) => {
            const want = await evaluate('cpu', fuzzCase, p);
            for (const backend of targets.filter((name) => fuzzCase.only?.includes(name) ?? true)) {
              const got = await evaluate(backend, fuzzCase, p);
              const problem = compareOutputs(got, want, PARITY_TOLERANCE[backend], fuzzCase.slack?.(p) ?? 1);
              if (problem != null) throw new Error(`${backend}: ${problem}`);
            }
          }),
          settings(config.runs),
        );
      },
      TIMEOUT_MS,
    );
  }

  it(
    `long sequences of ${config.sequenceLength} ops reusing earlier results`,
    async () => {
      await fc.assert(
        fc.asyncProperty(sequenceParams(config.sequenceLength), async (p) => {
          const want = await evaluate('cpu', sequenceCase, p);
          for (const backend of targets) {
            const got = await evaluate(backend, sequenceCase, p);
            const problem = compareOutputs(got, want, PARITY_TOLERANCE[backend], 4);
            if (problem != null) throw new Error(`${backend}: ${problem}`);
          }
        }),
        settings(Math.max(2, Math.round(config.runs / 4))),
      );
      // The heap still works after everything above.
      const probe = tf.tidy(() => tf.add(tf.ones([3]), 1));
      const values = Array.from(await probe.data());
      probe.dispose();
      if (values.join() !== '2,2,2') throw new Error(`the heap is corrupt: 1 + 1 gave ${values}`);
    },
    TIMEOUT_MS,
  );
});
