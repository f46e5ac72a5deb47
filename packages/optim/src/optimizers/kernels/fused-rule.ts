/**
 * A fused optimizer update: the element-wise rule of one optimizer (in one configuration), run as one
 * kernel per variable instead of the dozen element-wise kernels of the optimizer's tensor-op form
 * (which stays the reference, and the path on other backends). The rule is written as expressions
 * (compiled to WGSL for WebGPU and to WebAssembly SIMD for WASM) and as a plain JavaScript loop (for
 * the CPU backend, and the WASM backend where SIMD is missing and for the last few elements).
 */
import { type Expr, type RuleInputs, ruleInputs } from './expr.js';

/** What an optimizer writes to define its fused rule. */
export interface FusedRuleSpec {
  /** The tfjs kernel name, unique per rule (e.g. `TensorfoldAdamAmsgrad`). */
  readonly kernel: string;
  /** The coefficients the rule reads, in order; the weight-decay factor `decay` follows them. */
  readonly coefficients: readonly string[];
  /** How many state tensors (slots) the rule reads and writes. */
  readonly slots: number;
  /**
   * The rule as expressions: the new value, then the new slots. `x.w` is already multiplied by the
   * weight-decay factor.
   */
  outputs(x: RuleInputs): Expr[];
  /**
   * The same rule as a loop over `n` elements: reads the value `w` (not yet decayed), gradient `g`
   * and slots `s`, writes the new value to `out[0]` and the new slots to `out[1..]`. `c` holds the
   * coefficients in order, then `decay`. `out[0]` may be `w` and `out[k]` may be `s[k - 1]` (an
   * in-place update, see in-place.ts): read every input's element `i` before writing element `i`.
   */
  run(n: number, w: Float32Array, g: Float32Array, s: Float32Array[], out: Float32Array[], c: number[]): void;
  /**
   * Optional: whether, with the coefficient values `c` (in order, then `decay`; each rounded to
   * float32 as the SIMD code reads them), an element whose gradient and slots are all +0 keeps its
   * value and slots bit for bit (its update is +0). Where it says so, the WASM SIMD loop keeps chunks
   * of 128 such elements as they are without computing them (Adam's weights of inputs that were never
   * nonzero: MNIST's blank margins). Left out: every element is computed.
   */
  zeroStateKept?(c: number[]): boolean;
}

/** A rule with its expressions built. */
export interface FusedRule extends FusedRuleSpec {
  /** The new value, then the new slots. */
  readonly expressions: readonly Expr[];
}

/** Builds the rule's expressions. */
export function fusedRule(spec: FusedRuleSpec): FusedRule {
  const expressions = spec.outputs(ruleInputs(spec.coefficients, spec.slots));
  if (expressions.length !== spec.slots + 1) {
    throw new Error(
      `Fused rule ${spec.kernel} returns ${expressions.length} outputs for ${spec.slots} slots.`,
    );
  }
  return { ...spec, expressions };
}

/** The coefficient values of `rule` in kernel order, from the step's named coefficients. */
export function coefficientValues(rule: FusedRuleSpec, named: Record<string, number>): number[] {
  return [...rule.coefficients.map((k) => named[k]), named.decay ?? 1];
}
