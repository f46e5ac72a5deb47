import * as tf from '@tensorflow/tfjs-core';
import type { SkippedBackend } from './backend-info.js';
import { BACKEND_NAMES, type BackendName } from './backend-name.js';
import { useBackend } from './init-backend.js';

/** Which backends start on this machine, and why the others do not. */
export interface BackendSupport {
  /** Backends that started, in the order webgpu, wasm, cpu. */
  available: BackendName[];
  /** Backends that did not, with the reason. */
  unavailable: SkippedBackend[];
}

let probe: Promise<BackendSupport> | null = null;

/**
 * Starts each backend once (WebGPU may be a software adapter here) to learn which work on this
 * machine, then switches back to the backend that was active before. The answer is cached.
 */
export function probeBackends(): Promise<BackendSupport> {
  probe ??= (async () => {
    const before = safeCurrentBackend();
    const support: BackendSupport = { available: [], unavailable: [] };
    for (const name of BACKEND_NAMES) {
      try {
        await useBackend(name);
        support.available.push(name);
      } catch (error) {
        support.unavailable.push({ name, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    if (before != null && (BACKEND_NAMES as readonly string[]).includes(before))
      await useBackend(before as BackendName);
    return support;
  })();
  return probe;
}

/**
 * The backends that start here (see {@link probeBackends}). Use it to run the same check on every
 * backend:
 *
 * @example
 * for (const name of await availableBackends()) {
 *   await useBackend(name);
 *   // ... compute and compare against the CPU result
 * }
 */
export async function availableBackends(): Promise<BackendName[]> {
  return (await probeBackends()).available;
}

function safeCurrentBackend(): string | null {
  try {
    return tf.findBackend(tf.getBackend()) != null ? tf.getBackend() : null;
  } catch {
    return null;
  }
}
