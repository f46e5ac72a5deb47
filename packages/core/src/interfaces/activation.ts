import type { Tensor } from '@tensorflow/tfjs-core';
import type { Serializable } from '../registry.js';

/** An element-wise (or, for softmax, per-row) activation function usable by name in any layer. */
export interface Activation extends Serializable {
  apply(x: Tensor): Tensor;
}
