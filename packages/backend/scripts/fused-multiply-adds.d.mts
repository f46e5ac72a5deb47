/**
 * `text` (a .wat) with each `(f32x4.add (local.get $acc…) (f32x4.mul A B))` as `(f32x4.relaxed_madd A
 * B (local.get $acc…))`, and how many it rewrote. See fused-multiply-adds.mjs.
 */
export function fusedMultiplyAdds(text: string): { text: string; count: number };
