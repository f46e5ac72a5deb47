import type { Activation, tf } from '@tensorfold/core';

/** Activation names tfjs's fused kernels (`tf.fused.matMul`, `tf.fused.conv2d`) apply in the same pass. */
export type FusedActivationName = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu';

/** What to pass to a fused kernel to apply an activation there. */
export interface FusedActivation {
  /** The name tfjs's fused kernels know it by. */
  activation: FusedActivationName;
  /** The slope of `leakyrelu`. */
  leakyreluAlpha?: number;
}

/**
 * How an activation behaves under backpropagation, for the docs and for users choosing one:
 * - `smooth`: differentiable everywhere;
 * - `kinked`: differentiable except at isolated points, where the (sub)gradient tfjs uses is taken;
 * - `zero`: the derivative is 0 wherever it exists (step, sign), so no gradient flows back through
 *   it and layers before it do not learn by backpropagation.
 */
export type GradientKind = 'smooth' | 'kinked' | 'zero';

/**
 * Base class of tensorfold's activations. `apply` computes element-wise (softmax: along the last
 * axis); `className` is the name it is saved and looked up under (`'relu'`, `'hardSigmoid'`...).
 */
export abstract class ActivationFunction implements Activation {
  abstract readonly className: string;
  /** How gradients pass through it (see {@link GradientKind}). */
  abstract readonly gradient: GradientKind;

  /** The activation of `x` (a new tensor, or `x` itself for `linear`). */
  abstract apply(x: tf.Tensor): tf.Tensor;

  /** The form a fused kernel can apply, or null when it must run as its own op. */
  fused(): FusedActivation | null {
    return null;
  }

  /** Options that rebuild it (none for most). */
  getConfig(): Record<string, unknown> {
    return {};
  }
}
