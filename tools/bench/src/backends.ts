/**
 * Backend selection for benchmarks, through `@tensorfold/backend` (the same path the CLI and apps
 * take): the named backend is required, so a backend that cannot start is an error, never a fallback.
 * Returns a description of the backend for the report header.
 */
import {
  type BackendName,
  describeBackend,
  parseBackendName,
  useBackend as requireBackend,
} from '@tensorfold/backend';

export async function useBackend(name: string): Promise<string> {
  const info = await requireBackend(parseBackendName(name, '--backend') as BackendName);
  return describeBackend(info);
}
