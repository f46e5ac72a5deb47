import type { Tensor } from '@tensorflow/tfjs-core';
import type { Serializable } from '../registry.js';

/** A projection applied to a weight after each optimizer step (maxNorm, nonNeg, unitNorm, minMaxNorm). */
export interface Constraint extends Serializable {
  /** The projected weight (a new tensor). */
  apply(w: Tensor): Tensor;
}
