/**
 * Test backend selection, through `@tensorfold/backend`. The ordinary tests run on the CPU backend
 * (exact, everywhere) unless `TENSORFOLD_TEST_BACKEND` names another (`wasm`, `webgpu`);
 * `backend-parity.test.ts` runs the same computations on every backend that starts here
 * (`backendsForTests()`: WebGPU is skipped with a notice where it cannot start, unless
 * `TENSORFOLD_REQUIRE_WEBGPU=1`) and compares them with the CPU.
 */
import { type BackendName, parseBackendName, useBackend } from '@tensorfold/backend';

/** The backend the ordinary tests run on (`TENSORFOLD_TEST_BACKEND`, default `cpu`). */
export async function useTestBackend(): Promise<BackendName> {
  const name = parseBackendName(process.env.TENSORFOLD_TEST_BACKEND ?? 'cpu', 'TENSORFOLD_TEST_BACKEND');
  await useBackend(name);
  return name;
}
