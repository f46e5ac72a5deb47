import { ConfigError } from '@tensorfold/core';

/** The compute backends tensorfold knows, fastest first on a typical machine. */
export const BACKEND_NAMES = ['webgpu', 'wasm', 'cpu'] as const;

/** A compute backend: `webgpu` (GPU, Dawn in Node), `wasm` (XNNPACK on the CPU), `cpu` (plain JavaScript). */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Whether `value` names a backend. */
export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/** Checks a backend name from user input (an option, a flag, an environment variable). */
export function parseBackendName(value: unknown, source: string): BackendName {
  if (isBackendName(value)) return value;
  throw new ConfigError(`${source} is ${JSON.stringify(value)}; use one of ${BACKEND_NAMES.join(', ')}.`);
}
