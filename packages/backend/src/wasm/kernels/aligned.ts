/**
 * Sizes rounded up to a whole cache line (64 bytes), where the thread-pool kernels lay out their
 * operands in WebAssembly memory: each region starts on a line of its own, so two threads never
 * write the same line and the SIMD loads stay aligned. One function per unit, so a call says which.
 */

/** A count of 4-byte floats, rounded up to a multiple of 16 floats (64 bytes). */
export function alignedFloats(floats: number): number {
  return Math.ceil(floats / 16) * 16;
}

/** A count of bytes, rounded up to a multiple of 64 bytes. */
export function alignedBytes(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}
