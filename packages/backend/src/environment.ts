/** Whether this code runs in Node.js (not a browser, not a web worker). */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return (
    typeof proc?.versions?.node === 'string' &&
    typeof (globalThis as { window?: unknown }).window === 'undefined'
  );
}

/** An environment variable in Node (an empty value counts as unset), `undefined` in a browser. */
export function environmentVariable(name: string): string | undefined {
  if (!isNode()) return undefined;
  const value = nodeEnvironment()[name];
  return value === '' ? undefined : value;
}

/** Node's `process.env` (writable: setting a variable there reaches native code such as Dawn). Node only. */
export function nodeEnvironment(): Record<string, string | undefined> {
  return (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
}
