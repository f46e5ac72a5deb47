import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { Serializable } from '../registry.js';

/**
 * A penalty on a weight (or on a layer's output, as an activity regularizer) that is added to the
 * training loss, never to evaluation. Implementations (L1, L2, L1L2) live in `@tensorfold/optim`.
 */
export interface Regularizer extends Serializable {
  /** The penalty as a scalar tensor. */
  apply(x: Tensor): Scalar;
}
