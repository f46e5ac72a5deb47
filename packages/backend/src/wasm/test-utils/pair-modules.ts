import type { PairStepKernels } from '../simd/pair-steps.js';
import type { RowStepKernels } from '../simd/row-steps.js';

/** kernels.wat's dense product (every step), the reference the pairs' product must match bit for bit. */
export interface DenseMatMulKernel {
  matMul(a: number, b: number, out: number, m: number, k: number, n: number, lists: number): void;
}

/**
 * pair-steps.wat (`pairs`, base64) and kernels.wat (`dense`, base64) of one build, and row-steps.wat
 * (`rows`, base64, where given) instantiated on a fresh memory of `pages` pages of 64 KiB, so a test
 * can call them on the same heap.
 */
export function pairModulesOn(
  pairs: string,
  dense: string,
  pages: number,
  rows = '',
): {
  kernels: PairStepKernels;
  reference: DenseMatMulKernel;
  heap: Float32Array;
  rowKernels: RowStepKernels | null;
} {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const load = <T>(base64: string) =>
    new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, 'base64')), { env: { memory } })
      .exports as unknown as T;
  return {
    kernels: load<PairStepKernels>(pairs),
    reference: load<DenseMatMulKernel>(dense),
    heap: new Float32Array(memory.buffer),
    rowKernels: rows === '' ? null : load<RowStepKernels>(rows),
  };
}
