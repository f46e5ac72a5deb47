/**
 * How long the differential fuzz suite runs. The normal test run (and CI) uses a fixed seed and a few
 * dozen runs per property; `pnpm fuzz` sets `FUZZ_RUNS` (and, unless given, a fresh `FUZZ_SEED`).
 */

/** Runs per property in the normal test run (about a minute on a 2-core machine with WebGPU). */
export const DEFAULT_RUNS = 16;

/** The seed of the normal test run: the same cases every time, so CI failures reproduce. */
export const DEFAULT_SEED = 20261206;

/** The suite's settings, read once from the environment. */
export interface FuzzConfig {
  /** Runs per property (`FUZZ_RUNS`, default {@link DEFAULT_RUNS}). */
  runs: number;
  /** fast-check's seed (`FUZZ_SEED`; default {@link DEFAULT_SEED}, or the clock when `FUZZ_RUNS` is set). */
  seed: number;
  /** Ops per long sequence (`FUZZ_SEQUENCE`, default 40). */
  sequenceLength: number;
  /**
   * Whether WebGPU runs every kernel on the GPU (default true). tfjs-backend-webgpu otherwise
   * computes small tensors still held on the CPU with tfjs-backend-cpu's own kernels (its
   * `WEBGPU_CPU_FORWARD` flag), which would compare the CPU backend with itself; most fuzzed
   * tensors are that small. `FUZZ_WEBGPU_CPU_FORWARD=1` keeps tfjs's default.
   */
  webgpuOnGpu: boolean;
}

function positiveInteger(name: string, raw: string | undefined): number | undefined {
  if (raw == null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}".`);
  }
  return value;
}

/** Reads {@link FuzzConfig} from `env` (`process.env` by default). */
export function fuzzConfig(env: Record<string, string | undefined> = process.env): FuzzConfig {
  const runs = positiveInteger('FUZZ_RUNS', env.FUZZ_RUNS);
  const seed = positiveInteger('FUZZ_SEED', env.FUZZ_SEED);
  return {
    runs: runs ?? DEFAULT_RUNS,
    seed: seed ?? (runs != null ? Date.now() % 2 ** 31 : DEFAULT_SEED),
    sequenceLength: positiveInteger('FUZZ_SEQUENCE', env.FUZZ_SEQUENCE) ?? 40,
    webgpuOnGpu: env.FUZZ_WEBGPU_CPU_FORWARD !== '1',
  };
}
