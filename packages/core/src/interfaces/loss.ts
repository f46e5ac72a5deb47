import type { Tensor } from '@tensorflow/tfjs-core';

/** A loss as a plain function: returns one value per sample, shape `[batch]` (or `[batch, ...]`, averaged). */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * A loss object. `call` returns per-sample losses, shape `[batch]`; the training loop averages them
 * (weighted by sample weights when given). Implementations live in `@tensorfold/optim`.
 */
export interface Loss {
  readonly name: string;
  call(yTrue: Tensor, yPred: Tensor): Tensor;
  getConfig?(): Record<string, unknown>;
  readonly className?: string;
}
