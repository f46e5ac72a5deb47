import type { DataType, Tensor } from '@tensorflow/tfjs-core';
import type { Serializable } from '../registry.js';

/**
 * Makes the starting value of a weight. Implementations live in `@tensorfold/layers`
 * (`glorotUniform`, `heNormal`, ...). Random initializers take a `seed`; without one they draw a
 * seed from the global generator (`setSeed`) when they are created.
 */
export interface Initializer extends Serializable {
  /** A new tensor of `shape` (the caller owns it). */
  apply(shape: number[], dtype?: DataType): Tensor;
}
