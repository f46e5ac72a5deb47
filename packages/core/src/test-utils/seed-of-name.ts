/** FNV-1a hash of a string: a 32-bit seed that depends on the name only (seed-each-test.ts seeds each test by it). */
export function seedOfName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
