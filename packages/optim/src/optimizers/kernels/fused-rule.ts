/**
 * A fused optimizer update: the element-wise rule of one optimizer (in one configuration), written
 * once as a JavaScript loop (for the CPU and WASM backends, whose tensors live in JavaScript-visible
 * memory) and once as WGSL (for WebGPU). Each runs as one kernel per variable instead of the dozen
 * element-wise kernels of the optimizer's tensor-op form, which stays the reference (and the path
 * for every other backend).
 */

/** One optimizer's fused update rule. */
export interface FusedRule {
  /** The tfjs kernel name, unique per rule (e.g. `TensorfoldAdamAmsgrad`). */
  readonly kernel: string;
  /** The coefficients the rule reads, in order; the weight-decay factor `decay` follows them. */
  readonly coefficients: readonly string[];
  /** How many state tensors (slots) the rule reads and writes. */
  readonly slots: number;
  /**
   * One pass over `n` elements: reads the value `w`, gradient `g` and slots `s`, writes the new value
   * to `out[0]` and the new slots to `out[1..]`. `c` holds the coefficients in order, then `decay`.
   */
  run(n: number, w: Float32Array, g: Float32Array, s: Float32Array[], out: Float32Array[], c: number[]): void;
  /**
   * WGSL statements that read `w`, `g`, `s0`, `s1`... (f32) and the coefficients as `c.name` (and
   * `c.decay`), and define `out0` (the new value), `out1`... (the new slots) with `let`.
   */
  readonly wgsl: string;
}

/** The coefficient values of `rule` in kernel order, from the step's named coefficients. */
export function coefficientValues(rule: FusedRule, named: Record<string, number>): number[] {
  return [...rule.coefficients.map((k) => named[k]), named.decay ?? 1];
}
